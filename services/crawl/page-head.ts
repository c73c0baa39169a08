// What a page says of itself in its head, as both page readers (extract.ts, scan-page.ts) meet its tags.
import { squeeze } from './scan-text.js';
import { normalizeUrl } from './urls.js';

const isCanonicalRel = (rel: string | undefined) => /(^|\s)canonical(\s|$)/i.test(rel ?? '');

/** The head facts a page reader reports, the first of each kind counting, as in the DOM. */
export class PageHead {
  private lang?: string;
  private contentLanguage?: string;
  private description?: string;
  private ogDescription?: string;
  private canonical?: string;
  /** Its `<meta name="author">`. */
  author?: string;

  /** Reads an opening tag: `attribute` gives its attributes by lower-case name. */
  read(tag: string, attribute: (name: string) => string | undefined): void {
    if (tag === 'html') this.lang ??= attribute('lang') ?? '';
    else if (tag === 'link' && this.canonical === undefined && attribute('href') !== undefined && isCanonicalRel(attribute('rel'))) {
      this.canonical = attribute('href');
    } else if (tag === 'meta') {
      const content = attribute('content') ?? '';
      const name = attribute('name');
      if (name?.toLowerCase() === 'description') this.description ??= content;
      if (name === 'author') this.author ??= content;
      if (attribute('property') === 'og:description') this.ogDescription ??= content;
      if (attribute('http-equiv')?.toLowerCase() === 'content-language') this.contentLanguage ??= content;
    }
  }

  /** Description (else og:description), language (else Content-Language) and canonical URL, resolved against `base`. */
  summary(base: string): { description: string | null; lang: string | null; canonical: string | null } {
    const meta = (content: string | undefined) => squeeze(content, 1_000) || null;
    const lang = squeeze(this.lang, 35) || meta(this.contentLanguage);
    return {
      description: meta(this.description) ?? meta(this.ogDescription),
      lang: lang ? lang.toLowerCase() : null,
      canonical: (this.canonical !== undefined && normalizeUrl(this.canonical, base)) || null,
    };
  }
}

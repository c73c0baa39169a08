import { parseHTML } from 'linkedom';
import { contactHints, type ContactHints } from './contacts.js';
import { linkContext, linkPosition, type DomElement, type LinkPosition } from './link-context.js';
import { normalizeUrl } from './urls.js';

export interface ExtractedLink {
  /** Normalized absolute http(s) URL. */
  url: string;
  anchorText: string;
  /** Lower-cased rel tokens, space separated ('' when none). */
  rel: string;
  /** The sentence around the link. */
  context: string;
  position: LinkPosition;
}

export interface ExtractedPage {
  title: string | null;
  description: string | null;
  /** The page's language as it declares it (html lang, or Content-Language meta), lower case. */
  lang: string | null;
  links: ExtractedLink[];
  contacts: ContactHints;
  /**
   * Set when building the DOM was given up (it overran its time or memory) and the links came from the
   * linear scan instead: the reason, kept as the page's outcome.
   */
  fallback?: 'parse_timeout' | 'parse_memory';
}

export const MAX_ANCHOR_CHARS = 300;
export const MAX_TITLE_CHARS = 500;

/** Text as a reader sees it: whitespace runs as one space, trimmed, at most `max` characters. */
export const squeeze = (text: string | null | undefined, max: number) =>
  (text ?? '').replace(/\s+/g, ' ').trim().slice(0, max);

/**
 * Reads what a page offers an outreach writer: title, meta description, language, contact hints, and
 * its links: only `<a href>` and `<area href>`, resolved against `<base href>` (itself resolved against
 * the page's final URL), normalized, http(s) only, one entry per target URL (the first occurrence wins),
 * at most maxLinks, each with its sentence and its position on the page.
 */
export function extractPage(html: string, pageUrl: string, maxLinks = 5_000): ExtractedPage {
  const { document } = parseHTML(html);
  const baseHref = document.querySelector('base[href]')?.getAttribute('href');
  const base = (baseHref && normalizeUrl(baseHref, pageUrl)) || pageUrl;

  const links = new Map<string, ExtractedLink>();
  for (const element of document.querySelectorAll('a[href], area[href]') as Iterable<DomElement>) {
    if (links.size >= maxLinks) break;
    const url = normalizeUrl(element.getAttribute('href') ?? '', base);
    if (!url || links.has(url)) continue;
    const anchorText = anchorTextOf(element);
    links.set(url, {
      url,
      anchorText,
      rel: squeeze(element.getAttribute('rel'), 200).toLowerCase(),
      context: linkContext(element, anchorText),
      position: linkPosition(element),
    });
  }
  const meta = (selector: string) => squeeze(document.querySelector(selector)?.getAttribute('content'), 1_000) || null;
  const lang =
    squeeze(document.querySelector('html')?.getAttribute('lang'), 35) || meta('meta[http-equiv="content-language" i]');
  return {
    title: squeeze(document.querySelector('title')?.textContent, MAX_TITLE_CHARS) || null,
    description: meta('meta[name="description" i]') ?? meta('meta[property="og:description"]'),
    lang: lang ? lang.toLowerCase() : null,
    links: [...links.values()],
    contacts: contactHints(document as never, pageUrl, base),
  };
}

function anchorTextOf(element: DomElement): string {
  const text = squeeze(element.textContent, MAX_ANCHOR_CHARS);
  if (text) return text;
  // An image link's words are its alt text; an <area>'s are its own alt.
  const alt = element.getAttribute('alt') ?? element.querySelector('img[alt]')?.getAttribute('alt');
  return squeeze(alt, MAX_ANCHOR_CHARS);
}

import { parseHTML } from 'linkedom';
import type { PageTerms } from './relevance.js';
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
  /** The URL its `<link rel="canonical">` names (resolved and normalized, http(s) only), or null. */
  canonical: string | null;
  links: ExtractedLink[];
  contacts: ContactHints;
  /**
   * Set when building the DOM was given up (it overran its time or memory) and the links came from the
   * linear scan instead: the reason, kept as the page's outcome.
   */
  fallback?: 'parse_timeout' | 'parse_memory';
  /** The page's headings and content text (extractPage only: the parse thread turns them into `terms`). */
  content?: PageContent;
  /** The page's words for its niche relevance (crawl/relevance.ts), read in the parse thread; null when unread. */
  terms?: PageTerms | null;
}

/** The text a page's relevance is read from: its h1-h3 headings and the text of its content. */
export interface PageContent {
  headings: string[];
  text: string;
}

/** What pageContent reads of the element that holds the content. */
type ContentRoot = { textContent: string | null; querySelectorAll(selector: string): Iterable<{ textContent: string | null }> };

// The content's text read for relevance, at most: enough words to know what a page is about.
export const MAX_CONTENT_CHARS = 8_000;
// What is not the page's content: menus, sidebars, forms and what is never shown.
const NOT_CONTENT = 'nav, aside, form, script, style, noscript, template, svg, [hidden], [role="navigation"], [role="complementary"], [role="search"]';
// The site's own banner and footer, when they are not inside the article or main content.
const SITE_CHROME = 'body > header, body > footer, [role="banner"], [role="contentinfo"]';

export const MAX_ANCHOR_CHARS = 300;
export const MAX_TITLE_CHARS = 500;

/** Whether a `<link>`'s rel names it the page's canonical URL. */
export const isCanonicalRel = (rel: string | null | undefined) => /(^|\s)canonical(\s|$)/i.test(rel ?? '');

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
  const canonical = [...(document.querySelectorAll('link[rel][href]') as Iterable<DomElement>)].find((link) => isCanonicalRel(link.getAttribute('rel')));
  return {
    title: squeeze(document.querySelector('title')?.textContent, MAX_TITLE_CHARS) || null,
    description: meta('meta[name="description" i]') ?? meta('meta[property="og:description"]'),
    lang: lang ? lang.toLowerCase() : null,
    canonical: (canonical && normalizeUrl(canonical.getAttribute('href') ?? '', base)) || null,
    links: [...links.values()],
    contacts: contactHints(document as never, pageUrl, base),
    // Last: it takes the page's menus and chrome out of the document.
    content: pageContent(document),
  };
}

/**
 * The page's content for its relevance: its article, else its main, else its body, without menus,
 * sidebars, forms, hidden parts and the site's banner and footer. Removes those from the document.
 */
function pageContent(document: ReturnType<typeof parseHTML>['document']): PageContent {
  for (const element of document.querySelectorAll(`${NOT_CONTENT}, ${SITE_CHROME}`) as Iterable<{ remove(): void }>) element.remove();
  const root = (document.querySelector('article') ?? document.querySelector('main') ?? document.body ?? document.documentElement) as ContentRoot | null;
  if (!root) return { headings: [], text: '' };
  const headings = [...root.querySelectorAll('h1, h2, h3')].slice(0, 30).map((heading) => squeeze(heading.textContent, 200));
  // Whitespace is squeezed in a slice of the text only: a long page's rest is never read.
  return { headings: headings.filter(Boolean), text: squeeze(root.textContent?.slice(0, 2 * MAX_CONTENT_CHARS), MAX_CONTENT_CHARS) };
}

function anchorTextOf(element: DomElement): string {
  const text = squeeze(element.textContent, MAX_ANCHOR_CHARS);
  if (text) return text;
  // An image link's words are its alt text; an <area>'s are its own alt.
  const alt = element.getAttribute('alt') ?? element.querySelector('img[alt]')?.getAttribute('alt');
  return squeeze(alt, MAX_ANCHOR_CHARS);
}

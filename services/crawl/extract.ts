import { parseHTML } from 'linkedom';
import { normalizeUrl } from './urls.js';

export interface ExtractedLink {
  /** Normalized absolute http(s) URL. */
  url: string;
  anchorText: string;
  /** Lower-cased rel tokens, space separated ('' when none). */
  rel: string;
}

export interface ExtractedPage {
  title: string | null;
  links: ExtractedLink[];
}

const MAX_ANCHOR_CHARS = 300;
const MAX_TITLE_CHARS = 500;

const squeeze = (text: string | null | undefined, max: number) =>
  (text ?? '').replace(/\s+/g, ' ').trim().slice(0, max);

/**
 * Reads a page's title and its links: only `<a href>` and `<area href>`, resolved against `<base href>`
 * (itself resolved against the page's final URL), normalized, http(s) only, one entry per target URL
 * (the first occurrence wins), at most maxLinks.
 */
export function extractPage(html: string, pageUrl: string, maxLinks = 5_000): ExtractedPage {
  const { document } = parseHTML(html);
  const baseHref = document.querySelector('base[href]')?.getAttribute('href');
  const base = (baseHref && normalizeUrl(baseHref, pageUrl)) || pageUrl;

  const links = new Map<string, ExtractedLink>();
  for (const element of document.querySelectorAll('a[href], area[href]')) {
    if (links.size >= maxLinks) break;
    const url = normalizeUrl(element.getAttribute('href') ?? '', base);
    if (!url || links.has(url)) continue;
    links.set(url, {
      url,
      anchorText: anchorTextOf(element),
      rel: squeeze(element.getAttribute('rel'), 200).toLowerCase(),
    });
  }
  const title = squeeze(document.querySelector('title')?.textContent, MAX_TITLE_CHARS);
  return { title: title || null, links: [...links.values()] };
}

/** The slice of a DOM element this module reads (the project compiles without the DOM lib). */
interface LinkElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): LinkElement | null;
}

function anchorTextOf(element: LinkElement): string {
  const text = squeeze(element.textContent, MAX_ANCHOR_CHARS);
  if (text) return text;
  // An image link's words are its alt text; an <area>'s are its own alt.
  const alt = element.getAttribute('alt') ?? element.querySelector('img[alt]')?.getAttribute('alt');
  return squeeze(alt, MAX_ANCHOR_CHARS);
}

import { normalizeUrl, registrableDomain } from './urls.js';

/** Who to write to about a page: found on the page itself, for the outreach writer. */
export interface ContactHints {
  emails: string[];
  /** The site's own contact, about, "write for us" pages. */
  contactPages: string[];
  /** Author pages and names (rel=author, /author/ links, meta author). */
  authors: string[];
}

const MAX_EACH = 10;
// A page whose last path segment, or whose short link text, is one of these names is a way to reach the site.
const CONTACT_SEGMENT = /^(?:contact(?:[-_]?us)?|about(?:[-_]?us)?|impressum|imprint|kontakt|write[-_]for[-_]us|advertise|team|ueber[-_]uns|a[-_]propos|contacto|chi[-_]siamo)(?:\.\w+)?$/i;
const CONTACT_TEXT = /^(?:contact(?: us)?|about(?: us)?|impressum|imprint|kontakt|write for us|advertise|über uns|à propos|contacto)$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An `<a href>` of a page as the contact hints read it. */
export interface PageAnchor {
  href: string;
  rel: string | null;
  text: string;
}

/** No contact hints (a page read without its anchors, or the twin of a page whose hints count). */
export const noContacts = (): ContactHints => ({ emails: [], contactPages: [], authors: [] });

function isContactLink(url: string, text: string): boolean {
  const segment = new URL(url).pathname.split('/').filter(Boolean).pop() ?? '';
  return CONTACT_SEGMENT.test(segment) || CONTACT_TEXT.test(text.replace(/\s+/g, ' ').trim());
}

/**
 * Contact hints of a page at `pageUrl` from its `<a href>`s in page order (resolved against `base`) and
 * its `<meta name="author">`.
 */
export function contactHints(anchors: Iterable<PageAnchor>, metaAuthor: string | null, pageUrl: string, base: string): ContactHints {
  const emails = new Set<string>();
  const contactPages = new Set<string>();
  const authors = new Set<string>();
  const site = registrableDomain(pageUrl);

  for (const { href, rel: relText, text } of anchors) {
    if (/^mailto:/i.test(href)) {
      const address = decodeURIComponent(href.slice(7).split('?')[0] ?? '').trim().toLowerCase();
      if (EMAIL.test(address) && emails.size < MAX_EACH) emails.add(address);
      continue;
    }
    const url = normalizeUrl(href, base);
    if (!url || registrableDomain(url) !== site) continue;
    const rel = (relText ?? '').toLowerCase().split(/\s+/);
    if ((rel.includes('author') || /\/author\//i.test(new URL(url).pathname)) && authors.size < MAX_EACH) authors.add(url);
    else if (isContactLink(url, text) && contactPages.size < MAX_EACH) contactPages.add(url);
  }
  const author = metaAuthor?.trim();
  if (author && authors.size < MAX_EACH) authors.add(author.slice(0, 200));
  return { emails: [...emails], contactPages: [...contactPages], authors: [...authors] };
}

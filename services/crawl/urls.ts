import { getDomain } from 'tldts';

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * The dedupe key of a URL: absolute http(s), scheme and host lower-cased (WHATWG URL does that, IDN to
 * punycode and default ports too), no trailing dot on the host, no credentials, no fragment, a bare `?`
 * dropped, and one spelling of percent-encoding (unreserved characters decoded, hex upper-cased), so the
 * encoded and unicode forms of one path are one URL. Returns null for anything we do not crawl.
 */
export function normalizeUrl(input: string, base?: string | URL): string | null {
  let url: URL;
  try {
    url = new URL(input.trim(), base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!url.hostname) return null;
  // Each setter makes the URL parse itself again: only what needs changing is set.
  if (url.hostname.endsWith('.')) url.hostname = url.hostname.replace(/\.+$/, '');
  if (url.username) url.username = '';
  if (url.password) url.password = '';
  if (url.hash || url.href.endsWith('#')) url.hash = '';
  if (url.pathname.includes('%')) url.pathname = canonicalPercentEncoding(url.pathname);
  // Assigning '' also drops a bare '?', which `search` reports as '' but `href` keeps.
  if (url.search.includes('%')) url.search = canonicalPercentEncoding(url.search);
  else if (!url.search && url.href.endsWith('?')) url.search = '';
  return url.href;
}

function canonicalPercentEncoding(text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

/**
 * The registrable domain (public suffix list, private section included: alice.github.io and
 * bob.github.io have different owners) of a URL's host; the host itself for IPs and bare names.
 */
export function registrableDomain(url: string | URL): string {
  const hostname = typeof url === 'string' ? new URL(url).hostname : url.hostname;
  return getDomain(hostname, { allowPrivateDomains: true }) ?? hostname;
}

/** A link is outbound when its target's registrable domain differs from its page's. */
export function isOutbound(pageUrl: string | URL, targetUrl: string | URL): boolean {
  return registrableDomain(pageUrl) !== registrableDomain(targetUrl);
}

/** Why a seed URL cannot be crawled, or null when it can. Address checks happen in the HTTP guard. */
export function seedProblem(seed: string): string | null {
  let url: URL;
  try {
    url = new URL(seed);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  if (url.username || url.password) return 'must not carry credentials (user:password@)';
  if (!url.hostname) return 'has no host';
  return null;
}

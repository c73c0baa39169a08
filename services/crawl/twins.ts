// URL twins: one page served under several URLs (`/` and `/index.html`, `?ref=` variants, http and https).
// A crawl reads such a page once, so that one dead link on it is one prospect, not one per URL.
const hostOf = (url: string) => new URL(url).hostname.replace(/^www\./, '');

/**
 * The keys that name a crawled page's content, for finding its twins among the crawl's pages: the
 * canonical URL it declares, when that is on its own host (give or take `www.`; a canonical elsewhere is
 * syndication, not a twin), else its final URL; and the digest of its body (ExtractedPage.digest) on its
 * host, so that twins which declare nothing but serve the same bytes are found too (the same bytes on two
 * sites are two site owners to write to: two pages).
 */
export function twinKeys(finalUrl: string, declaredCanonical: string | null, digest: string | undefined): string[] {
  const canonical = declaredCanonical && hostOf(declaredCanonical) === hostOf(finalUrl) ? declaredCanonical : finalUrl;
  return digest ? [`url ${canonical}`, `body ${hostOf(finalUrl)} ${digest}`] : [`url ${canonical}`];
}

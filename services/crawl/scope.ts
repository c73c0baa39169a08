import type { CrawlSettings } from './settings.js';
import { registrableDomain } from './urls.js';

export interface ChildCandidate {
  url: string;
  depth: number;
}

/**
 * Which links of a crawled page become pages of the crawl. A page at maxDepth (when the crawl has one)
 * has no children; a page's depth is its shortest distance from a seed (see store/frontier.ts).
 * `site`: only links within the seeds' registrable domains. `outward`: every link, any host. Then the
 * crawl's URL patterns: at least one `include` must match (when there are any), no `exclude` may.
 * (maxPages and maxPagesPerHost are enforced where pages are stored.)
 */
export function childPages(
  crawl: Pick<CrawlSettings, 'scope' | 'seeds' | 'maxDepth' | 'include' | 'exclude'>,
  pageDepth: number,
  linkUrls: string[],
): ChildCandidate[] {
  if (crawl.maxDepth !== null && pageDepth >= crawl.maxDepth) return [];
  const depth = pageDepth + 1;
  const siteDomains = new Set(crawl.seeds.map((seed) => registrableDomain(seed)));
  const inScope = (url: string) => crawl.scope === 'outward' || siteDomains.has(registrableDomain(url));
  const include = (crawl.include ?? []).map(wildcardPattern);
  const exclude = (crawl.exclude ?? []).map(wildcardPattern);
  return linkUrls
    .filter((url) => inScope(url))
    .filter((url) => include.length === 0 || include.some((pattern) => pattern.test(url)))
    .filter((url) => !exclude.some((pattern) => pattern.test(url)))
    .map((url) => ({ url, depth }));
}

/**
 * A URL pattern where `*` matches any run of characters and everything else is literal, matched
 * (case-insensitively) against the whole normalized URL. Matched with the two-pointer wildcard
 * algorithm, at most pattern × URL steps: no user pattern can make matching slow.
 */
export function wildcardPattern(pattern: string): { test(url: string): boolean } {
  const p = pattern.toLowerCase();
  return {
    test(url) {
      const text = url.toLowerCase();
      let i = 0;
      let j = 0;
      let star = -1;
      let resume = 0;
      while (i < text.length) {
        if (j < p.length && p[j] !== '*' && p[j] === text[i]) {
          i++;
          j++;
        } else if (j < p.length && p[j] === '*') {
          star = j++;
          resume = i;
        } else if (star >= 0) {
          j = star + 1;
          i = ++resume;
        } else {
          return false;
        }
      }
      while (p[j] === '*') j++;
      return j === p.length;
    },
  };
}

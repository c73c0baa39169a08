import type { CrawlSettings } from '../store/crawls.js';
import { registrableDomain } from './urls.js';

export interface ChildCandidate {
  url: string;
  depth: number;
}

/**
 * Which links of a crawled page become pages of the crawl. A page at maxDepth has no children.
 * `site`: only links within the seeds' registrable domains. `outward`: every link, any host.
 */
export function childPages(
  crawl: Pick<CrawlSettings, 'scope' | 'seeds' | 'maxDepth'>,
  pageDepth: number,
  linkUrls: string[],
): ChildCandidate[] {
  if (pageDepth >= crawl.maxDepth) return [];
  const depth = pageDepth + 1;
  if (crawl.scope === 'outward') return linkUrls.map((url) => ({ url, depth }));
  const siteDomains = new Set(crawl.seeds.map((seed) => registrableDomain(seed)));
  return linkUrls.filter((url) => siteDomains.has(registrableDomain(url))).map((url) => ({ url, depth }));
}

/** maxDepth when the caller gives none: a site crawl should reach the whole site, outward crawls fan out fast. */
export const defaultMaxDepth = (scope: CrawlSettings['scope']): number => (scope === 'site' ? 10 : 2);

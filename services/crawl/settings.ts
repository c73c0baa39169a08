import type { CrawlStatus } from './vocabulary.js';

export type { CrawlStatus };
/** Statuses of a crawl still at work: its jobs run, the reconciler watches it. */
export const LIVE_CRAWL_STATUSES: readonly CrawlStatus[] = ['queued', 'running'];

/** `outward`: every link, any host. `site`: the seeds' registrable domains only. */
export type CrawlScope = 'outward' | 'site';

/** What a caller sets for a crawl, each setting already at its default when not given. */
export interface CrawlSettings {
  scope: CrawlScope;
  seeds: string[];
  /** Hops from a seed at most; null: no cap (a site crawl by default). */
  maxDepth: number | null;
  maxPages: number;
  respectRobots: boolean;
  /** null: no per-host cap. */
  maxPagesPerHost: number | null;
  /** Wildcard URL patterns a page must match (any) / must not match (all); empty include: every URL. */
  include: string[];
  exclude: string[];
  /** Per-host politeness for this crawl; null: the service default. */
  hostConcurrency: number | null;
  hostIntervalMs: number | null;
  /** Words the niche is about, added to what its seed pages say (crawl/relevance.ts). */
  keywords: string[];
  /** An outward crawl follows the links of pages at least this relevant to the niche; null: every page's. */
  minRelevance: number | null;
}

/** A crawl request as the API takes it: anything left out gets its default. */
export type CrawlRequest = Partial<Omit<CrawlSettings, 'seeds'>> & { seeds: string[] };

/**
 * maxDepth when the caller gives none: a site crawl reaches every page linked within the site (null: no
 * cap; maxPages still bounds it), an outward crawl fans out fast across hosts, so two hops.
 */
export const defaultMaxDepth = (scope: CrawlScope): number | null => (scope === 'site' ? null : 2);

/**
 * minRelevance when the caller gives none: an outward crawl does not follow the links of pages that
 * score below this against its niche (the README's relevance table shows how it was chosen); a site
 * crawl follows every page of its site.
 */
export const defaultMinRelevance = (scope: CrawlScope): number | null => (scope === 'site' ? null : DEFAULT_MIN_RELEVANCE);
export const DEFAULT_MIN_RELEVANCE = 0.3;

/** A crawl's settings: the request's, defaults for the rest; `seeds` already checked and normalized. */
export function crawlSettings(request: CrawlRequest, seeds: string[]): CrawlSettings {
  const scope = request.scope ?? 'outward';
  return {
    scope,
    seeds,
    maxDepth: request.maxDepth === undefined ? defaultMaxDepth(scope) : request.maxDepth,
    maxPages: request.maxPages ?? 1000,
    respectRobots: request.respectRobots ?? true,
    maxPagesPerHost: request.maxPagesPerHost ?? null,
    include: request.include ?? [],
    exclude: request.exclude ?? [],
    hostConcurrency: request.hostConcurrency ?? null,
    hostIntervalMs: request.hostIntervalMs ?? null,
    keywords: [...new Set((request.keywords ?? []).map((keyword) => keyword.trim()).filter(Boolean))],
    minRelevance: request.minRelevance === undefined ? defaultMinRelevance(scope) : request.minRelevance,
  };
}

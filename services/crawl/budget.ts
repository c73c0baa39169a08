import type { ChildCandidate } from './scope.js';

/** A page's host as the crawl counts it for maxPagesPerHost (URLs are normalized: lower case, no port for the default). */
export const hostOf = (url: string): string => new URL(url).hostname;

export interface Budget {
  /** Pages the crawl may still plan (maxPages minus those planned). */
  left: number;
  /** null: no per-host cap. */
  maxPagesPerHost: number | null;
  /** Pages already planned per host, for the hosts of the candidates. */
  plannedPerHost: ReadonlyMap<string, number>;
}

/**
 * Which new candidates a crawl's budget admits, first come first served in the order given: at most
 * `left` in all, and no host beyond maxPagesPerHost counting the pages it already has. Candidates
 * already in the crawl must be left out by the caller.
 */
export function admitPages(candidates: ChildCandidate[], budget: Budget): (ChildCandidate & { host: string })[] {
  const admitted: (ChildCandidate & { host: string })[] = [];
  const perHost = new Map(budget.plannedPerHost);
  for (const candidate of candidates) {
    if (admitted.length >= budget.left) break;
    const host = hostOf(candidate.url);
    const onHost = perHost.get(host) ?? 0;
    if (budget.maxPagesPerHost !== null && onHost >= budget.maxPagesPerHost) continue;
    perHost.set(host, onHost + 1);
    admitted.push({ ...candidate, host });
  }
  return admitted;
}

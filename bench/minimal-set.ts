import type { SeenRequest } from '../test/support/fake-web.js';
import { ARCHIVE_HOST, SEED_HOST, type NicheSite } from './niche-site.js';

/** One request a crawl of the site cannot do without. */
export interface MinimalRequest {
  url: string;
  host: string;
  path: string;
  /** False for hosts that do not resolve: the request fails at DNS and the fake web never sees it. */
  reachesWeb: boolean;
}

/**
 * The least a site crawl with robots.txt must ask: the seed host's robots.txt, every page once and
 * every unique external link target once. Every such URL is a page, so GET is its method (the
 * service reads a slice of each target's HTML to recognize soft 404s).
 */
export function minimalRequestSet(site: NicheSite): MinimalRequest[] {
  const robots = { url: new URL('/robots.txt', site.seed).href, host: SEED_HOST, path: '/robots.txt', reachesWeb: true };
  return [
    robots,
    ...site.pages.map((page) => ({ url: page.url, host: SEED_HOST, path: page.path, reachesWeb: true })),
    ...site.externalTargets.map((target) => ({ url: target.url, host: target.host, path: target.path, reachesWeb: target.fate !== 'dns_failure' })),
  ];
}

export interface ServedComparison {
  /** Requests the fake web answered for the site and its external hosts (archive lookups apart). */
  served: number;
  /** Of the minimal set, the requests that reach the web. */
  minimal: number;
  ratio: number;
  byMethod: Record<string, number>;
  /** Requests for a minimal URL beyond its first. */
  repeats: number;
  /** Requests for URLs outside the minimal set. */
  outside: number;
  /** Minimal URLs never asked for. */
  neverAsked: number;
  /** The service's questions to the archive stand-in about dead URLs (not part of checking links). */
  archiveLookups: number;
}

const keyOf = (host: string, path: string) => `${host}${path}`;

/** What the fake web answered during a run, against the minimal set. */
export function compareServed(requests: SeenRequest[], minimal: MinimalRequest[]): ServedComparison {
  const wanted = new Set(minimal.filter((request) => request.reachesWeb).map((request) => keyOf(request.host, request.path)));
  const seen = new Map<string, number>();
  const byMethod: Record<string, number> = {};
  let archiveLookups = 0;
  let outside = 0;
  for (const request of requests) {
    if (request.host === ARCHIVE_HOST) {
      archiveLookups++;
      continue;
    }
    byMethod[request.method] = (byMethod[request.method] ?? 0) + 1;
    const key = keyOf(request.host, request.path);
    if (!wanted.has(key)) outside++;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const served = requests.length - archiveLookups;
  let repeats = 0;
  for (const [key, count] of seen) if (wanted.has(key)) repeats += count - 1;
  return {
    served,
    minimal: wanted.size,
    ratio: served / wanted.size,
    byMethod,
    repeats,
    outside,
    neverAsked: [...wanted].filter((key) => !seen.has(key)).length,
    archiveLookups,
  };
}

export interface PolitenessBound {
  host: string;
  requests: number;
  seconds: number;
}

/**
 * The least time per-host pacing allows: with at least `intervalMs` between request starts to one
 * host, the busiest host of the minimal set needs requests × interval, however fast the rest is.
 */
export function politenessBound(minimal: MinimalRequest[], intervalMs: number): PolitenessBound {
  const perHost = new Map<string, number>();
  for (const request of minimal) perHost.set(request.host, (perHost.get(request.host) ?? 0) + 1);
  const [host, requests] = [...perHost].reduce((busiest, entry) => (entry[1] > busiest[1] ? entry : busiest));
  return { host, requests, seconds: (requests * intervalMs) / 1000 };
}

import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../services/config.js';
import { comparePairs, type PairAccuracy } from './accuracy.js';
import { compareServed, politenessBound, type MinimalRequest, type PolitenessBound, type ServedComparison } from './minimal-set.js';
import { cpuSeconds, sampleTreeMemory, type TreeMemory } from './process-tree.js';
import { isOver, type Crawl, type CrawlStats, type ServiceApi } from './service-api.js';
import { redisCpuSeconds, startService } from './service-process.js';
import type { ServedSite } from './site-server.js';
import type { Workspace } from './workspace.js';

export type Mode = 'relaxed' | 'default';
export const MODES: Mode[] = ['relaxed', 'default'];

const DEFAULTS = loadConfig({}).politeness;
/**
 * Per-host politeness of each mode. `relaxed` is what linkinator does (many requests at once to a
 * host, no pause between them); `default` is the service's own defaults, written out so that the
 * politeness bound below is computed from the numbers the service runs with.
 */
export const MODE_SETTINGS: Record<Mode, { hostConcurrency: number; hostIntervalMs: number }> = {
  relaxed: { hostConcurrency: 64, hostIntervalMs: 0 },
  default: { hostConcurrency: DEFAULTS.hostConcurrency, hostIntervalMs: DEFAULTS.hostIntervalMs },
};

export const modeEnv = (mode: Mode) => ({
  HOST_CONCURRENCY: String(MODE_SETTINGS[mode].hostConcurrency),
  HOST_INTERVAL_MS: String(MODE_SETTINGS[mode].hostIntervalMs),
});

const POLL_MS = 500;
const CRAWL_TIMEOUT_MS = 45 * 60_000;

export interface TimelineSample {
  /** Since the crawl was created. */
  seconds: number;
  pagesCrawled: number;
  linksChecked: number;
}

export interface ServiceRun {
  size: number;
  mode: Mode;
  /** The crawl measured was the process's second of the site (see runServiceCrawl). */
  warm: boolean;
  settings: { hostConcurrency: number; hostIntervalMs: number };
  status: Crawl['status'];
  error: string | null;
  /** From the crawl's creation to its end, by the service's own timestamps. */
  wallSeconds: number;
  startupSeconds: number;
  stats: CrawlStats;
  pagesPerSecond: number;
  checksPerSecond: number;
  memory: TreeMemory;
  /** CPU seconds the crawl cost: the service process (all threads; its main thread alone), PostgreSQL and Redis. */
  cpu: { service: number; mainThread: number; postgres: number; redis: number };
  served: ServedComparison;
  accuracy: PairAccuracy;
  prospectsByReason: Record<string, number>;
  /** Default mode only: the least time the per-host interval allows, and how close the crawl came. */
  politeness: (PolitenessBound & { wallOverBound: number }) | null;
  timeline: TimelineSample[];
}

/** The site crawl the bench asks for: the whole blog, obeying its robots.txt. */
export const crawlRequest = (served: ServedSite) => ({
  seeds: [served.site.seed],
  scope: 'site',
  maxPages: Math.min(100_000, served.site.pages.length * 2),
  maxDepth: 1000,
  respectRobots: true,
});

/** Polls the crawl every 500 ms until it ends, noting its progress; cancels it if it runs too long. */
async function followCrawl(api: ServiceApi, id: string, started: number): Promise<{ crawl: Crawl; timeline: TimelineSample[] }> {
  const timeline: TimelineSample[] = [];
  for (;;) {
    const crawl = await api.getCrawl(id);
    const seconds = Math.round(performance.now() - started) / 1000;
    timeline.push({ seconds, pagesCrawled: crawl.stats.pagesCrawled, linksChecked: crawl.stats.linksChecked });
    if (isOver(crawl)) return { crawl, timeline };
    if (seconds * 1000 > CRAWL_TIMEOUT_MS) return { crawl: await api.cancelCrawl(id), timeline };
    await sleep(POLL_MS);
  }
}

const countBy = <T>(items: T[], key: (item: T) => string) =>
  items.reduce<Record<string, number>>((counts, item) => ({ ...counts, [key(item)]: (counts[key(item)] ?? 0) + 1 }), {});

/**
 * One measured crawl: a fresh service process in `mode`, the site crawl to its end, the prospects read
 * back through the API and compared with the known dead pairs, the requests the fake web answered
 * compared with the minimal set, and the memory of the service's process tree throughout.
 *
 * `warm`: the process crawls the site once before the measured crawl, as a service that has been up a
 * while has run its code before (V8 has compiled its hot functions, its connections are open and their
 * statements prepared, PostgreSQL has statistics). Verdicts are not reused (VERDICT_MAX_AGE_HOURS=0), so
 * the second crawl fetches every URL again; a dead URL's archive and domain lookups and the host's
 * robots.txt are not asked for again.
 */
export async function runServiceCrawl(options: {
  served: ServedSite;
  minimal: MinimalRequest[];
  size: number;
  mode: Mode;
  warm?: boolean;
  outDir: string;
  workspace: Workspace;
}): Promise<ServiceRun> {
  const { served, minimal, size, mode } = options;
  const warm = options.warm ?? false;
  const service = await startService({
    build: options.workspace.build,
    hostsFile: served.hostsFile,
    archiveUrl: served.archiveUrl,
    env: { ...modeEnv(mode), ...(warm ? { VERDICT_MAX_AGE_HOURS: '0' } : {}) },
    logFile: join(options.outDir, `${size}x-${mode}.service.log`),
  });
  const sampler = sampleTreeMemory(service.pid);
  try {
    if (warm) {
      const first = await service.api.createCrawl(crawlRequest(served));
      await followCrawl(service.api, first.id, performance.now());
    }
    const mark = served.web.requests.length;
    const cpuBefore = cpuSeconds(service.pid);
    const redisBefore = await redisCpuSeconds();
    const started = performance.now();
    const created = await service.api.createCrawl(crawlRequest(served));
    const { crawl, timeline } = await followCrawl(service.api, created.id, started);
    const cpuAfter = cpuSeconds(service.pid);
    const cpu = {
      service: cpuAfter.tree - cpuBefore.tree,
      mainThread: cpuAfter.mainThread - cpuBefore.mainThread,
      postgres: cpuAfter.postgres - cpuBefore.postgres,
      redis: (await redisCpuSeconds()) - redisBefore,
    };
    const requests = served.requestsSince(mark);
    const prospects = await service.api.allProspects(crawl.id);
    const wallSeconds = (Date.parse(crawl.finishedAt ?? new Date().toISOString()) - Date.parse(crawl.createdAt)) / 1000;
    const settings = MODE_SETTINGS[mode];
    const bound = settings.hostIntervalMs > 0 ? politenessBound(minimal, settings.hostIntervalMs) : null;
    return {
      size,
      mode,
      warm,
      settings,
      status: crawl.status,
      error: crawl.error,
      wallSeconds,
      startupSeconds: service.startupSeconds,
      stats: crawl.stats,
      pagesPerSecond: crawl.stats.pagesCrawled / wallSeconds,
      checksPerSecond: crawl.stats.linksChecked / wallSeconds,
      memory: sampler.stop(),
      cpu,
      served: compareServed(requests, minimal),
      accuracy: comparePairs(prospects, served.site.knownDeadPairs),
      prospectsByReason: countBy(prospects, (prospect) => prospect.reason),
      politeness: bound ? { ...bound, wallOverBound: wallSeconds / bound.seconds } : null,
      timeline,
    };
  } finally {
    sampler.stop();
    await service.stop();
  }
}

import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { crawlRequest, modeEnv } from './crawl-run.js';
import { runNodeChild } from './node-child.js';
import { sampleTreeMemory, type TreeMemory } from './process-tree.js';
import type { ReadLoadInput, ReadLoadOutput, RouteLoad } from './read-load-client.js';
import type { CrawlStats } from './service-api.js';
import { startService } from './service-process.js';
import type { ServedSite } from './site-server.js';
import type { Workspace } from './workspace.js';

const SECONDS = 15;
/** Seconds of the same load before the measured ones, reported apart (see read-load-client.ts). */
const WARM_UP_SECONDS = 3;
const CONNECTIONS_PER_ROUTE = 25;
/** The load starts once the crawl has this many prospects (a list worth reading), or after CRAWL_READY_MAX_MS. */
const CRAWL_READY_PROSPECTS = 20;
const CRAWL_READY_MAX_MS = 20_000;
// Fifty connections ask far more than the default 600 requests a minute per account; what is measured
// here is reading, not the rate limiter.
const RATE_LIMIT_PER_MINUTE = 1_000_000;

export interface ReadLoadResult {
  size: number;
  seconds: number;
  warmUpSeconds: number;
  connections: number;
  /** Raised for the load (see RATE_LIMIT_PER_MINUTE). */
  rateLimitPerMinute: number;
  routes: RouteLoad[];
  /** The same load's first WARM_UP_SECONDS, before the measured ones: the service's start-up. */
  warmUp: RouteLoad[];
  /** The crawl's progress when the load started and when it ended. */
  crawlBefore: CrawlStats;
  crawlAfter: CrawlStats;
  /** What POST /v1/crawls/{id}/cancel answered for the crawl's status. */
  statusAfterCancel: string;
  /** Memory of the service's process tree while it answered the load, and of the client. */
  serviceMemory: TreeMemory;
  clientMemory: TreeMemory;
}

/**
 * The read API under load while a crawl runs (default politeness, so that it lasts): 50 connections,
 * half reading the crawl's prospects, half the crawl, for 3 s of warm-up and then 15 s measured; then
 * the crawl is cancelled.
 */
export async function runReadLoad(served: ServedSite, size: number, outDir: string, workspace: Workspace): Promise<ReadLoadResult> {
  const service = await startService({
    build: workspace.build,
    hostsFile: served.hostsFile,
    archiveUrl: served.archiveUrl,
    env: { ...modeEnv('default'), RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE) },
    logFile: join(outDir, `${size}x-read-load.service.log`),
  });
  try {
    const { api } = service;
    const crawl = await api.createCrawl(crawlRequest(served));
    for (const started = Date.now(); Date.now() - started < CRAWL_READY_MAX_MS; await sleep(500)) {
      if ((await api.getCrawl(crawl.id)).stats.prospects >= CRAWL_READY_PROSPECTS) break;
    }
    const crawlBefore = (await api.getCrawl(crawl.id)).stats;
    const sampler = sampleTreeMemory(service.pid);
    const input: ReadLoadInput = { baseUrl: api.baseUrl, key: api.key, crawlId: crawl.id, seconds: SECONDS, warmUpSeconds: WARM_UP_SECONDS, connectionsPerRoute: CONNECTIONS_PER_ROUTE };
    const run = await runNodeChild<ReadLoadOutput>({ name: 'read-load-client', input, workspace });
    const serviceMemory = sampler.stop();
    const crawlAfter = (await api.getCrawl(crawl.id)).stats;
    const cancelled = await api.cancelCrawl(crawl.id);
    return {
      size,
      seconds: SECONDS,
      warmUpSeconds: WARM_UP_SECONDS,
      connections: 2 * CONNECTIONS_PER_ROUTE,
      rateLimitPerMinute: RATE_LIMIT_PER_MINUTE,
      routes: run.output.measured,
      warmUp: run.output.warmUp,
      crawlBefore,
      crawlAfter,
      statusAfterCancel: cancelled.status,
      serviceMemory,
      clientMemory: run.memory,
    };
  } finally {
    await service.stop();
  }
}

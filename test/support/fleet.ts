import type { ChildProcess } from 'node:child_process';
import type { Test } from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment, type TestEnvironment } from './environment.js';
import { apiClient, triples } from './api-client.js';
import { startWorkerProcess } from './worker-processes.js';
import type { FakeWeb } from './fake-web.js';

export interface Fleet {
  env: TestEnvironment;
  api: ReturnType<typeof apiClient>;
  /** The worker processes now running (the supervisor replaces any that exit). */
  workers(): ChildProcess[];
  /** Every worker exit so far: pid, exit code and signal. */
  exits: { pid: number; code: number | null; signal: string | null }[];
  /** Polls the crawl until it ends, recording when its progress (pages and links settled) moved. */
  follow(crawlId: string, timeoutMs?: number): Promise<Progress>;
  /** Waits until at least `count` pages and links of the crawl have settled. */
  settled(crawlId: string, count: number): Promise<void>;
  close(): Promise<void>;
}

export interface Progress {
  crawl: { status: string; stats: Record<string, number> };
  /** Each moment the settled count grew, with the count. */
  moves: { at: number; settled: number }[];
}

/**
 * The service as an operator runs it: the API in this process and `workers` worker processes under a
 * supervisor that restarts any that exits (as systemd's Restart=always would), all on the given
 * PostgreSQL server and Redis.
 */
export async function startFleet(options: {
  web: FakeWeb;
  workers: number;
  redisUrl: string;
  databaseServer?: string;
  env?: Record<string, string>;
}): Promise<Fleet> {
  const settings = { REDIS_URL: options.redisUrl, ...options.env };
  const env = await startEnvironment({ resolver: options.web.resolver, databaseServer: options.databaseServer, env: settings });
  const api = apiClient(env.app, (await env.newApiKey()).key);
  const exits: Fleet['exits'] = [];
  const running: ChildProcess[] = [];
  let closing = false;

  const spawnWorker = async (): Promise<void> => {
    const child = await startWorkerProcess(env.config, options.web.hosts(), settings);
    running.push(child);
    child.once('exit', (code, signal) => {
      running.splice(running.indexOf(child), 1);
      exits.push({ pid: child.pid!, code, signal });
      if (!closing) void sleep(100).then(spawnWorker);
    });
  };
  await Promise.all(Array.from({ length: options.workers }, spawnWorker));

  const settledNow = async (crawlId: string) => {
    // While PostgreSQL is away the API answers 503: the caller asks again.
    const response = await env.app.inject({ method: 'GET', url: `/v1/crawls/${crawlId}`, headers: api.headers });
    if (response.statusCode !== 200) return null;
    const crawl = response.json();
    return { crawl, settled: crawl.stats.pagesCrawled + crawl.stats.pagesFailed + crawl.stats.linksChecked as number };
  };

  return {
    env,
    api,
    workers: () => [...running],
    exits,
    async follow(crawlId, timeoutMs = 240_000) {
      const moves: Progress['moves'] = [];
      for (const started = Date.now(); Date.now() - started < timeoutMs; await sleep(200)) {
        const now = await settledNow(crawlId);
        if (!now) continue;
        if (now.settled > (moves[moves.length - 1]?.settled ?? 0)) moves.push({ at: Date.now(), settled: now.settled });
        if (!['queued', 'running'].includes(now.crawl.status)) return { crawl: now.crawl, moves };
      }
      throw new Error(`crawl ${crawlId} did not end in ${timeoutMs} ms`);
    },
    async settled(crawlId, count) {
      for (;;) {
        const now = await settledNow(crawlId);
        if (now && (now.settled >= count || !['queued', 'running'].includes(now.crawl.status))) return;
        await sleep(100);
      }
    },
    async close() {
      closing = true;
      await Promise.all(running.map((child) => new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'))));
      await env.close();
    },
  };
}

/**
 * How long the crawl stood still at most after `since` (until `until`, or its end): the longest gap
 * between `since` and its next move, or between two moves. Jobs in flight at a fault may still land
 * just after it, so the first move alone would flatter; the longest standstill is what a user waits.
 */
export function standstillSeconds(progress: Progress, since: number, until = Infinity): number {
  let last = since;
  let longest = 0;
  for (const move of progress.moves) {
    if (move.at <= since) continue;
    if (move.at > until) break;
    longest = Math.max(longest, move.at - last);
    last = move.at;
  }
  return Math.round(longest / 100) / 10;
}

/**
 * What every fault test asserts of its crawl: it completed; its prospects are exactly the expected
 * ones, each once; and no page or link of it was left pending.
 */
export async function assertCrawlIsWhole(
  t: Test,
  fleet: Fleet,
  crawl: { id: string; status: string; error: string | null },
  expected: string[],
): Promise<void> {
  t.equal(crawl.status, 'completed', `the crawl completed${crawl.error ? ` (error: ${crawl.error})` : ''}`);
  const found = triples(await fleet.api.allProspects(crawl.id));
  t.equal(found.length, new Set(found).size, 'no prospect twice');
  t.same(found, expected, `exactly the ${expected.length} known dead pairs`);
  const { rows } = await fleet.env.runtime.db.query(
    `SELECT (SELECT count(*) FROM pages WHERE crawl_id = $1 AND state = 'queued')::int AS pages,
       (SELECT count(*) FROM crawl_targets WHERE crawl_id = $1 AND state = 'pending')::int AS targets`,
    [crawl.id],
  );
  t.same(rows[0], { pages: 0, targets: 0 }, 'every page and link reached a final state');
}

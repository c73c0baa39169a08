import { setTimeout as sleep } from 'node:timers/promises';
import { DelayedError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Test } from 'tap';
import { startEnvironment, type TestEnvironment } from './environment.js';
import type { FakeWeb } from './fake-web.js';
import { createParsePool, type ParsePool } from '../../services/crawl/parse-pool.js';
import { QUEUE_NAMES, type QueueName } from '../../services/queues.js';
import type { Queryable, Db } from '../../services/store/db.js';
import { insertCrawl, markRunning } from '../../services/store/crawls.js';
import { planPages } from '../../services/store/frontier.js';
import type { PlannedPage } from '../../services/store/pages.js';
import type { CrawlSettings } from '../../services/crawl/settings.js';
import { isOutbound, registrableDomain } from '../../services/crawl/urls.js';
import { recordCrawledPage } from '../../services/transactions/crawl-transactions.js';

export type Processor<T> = (job: Job<T>, token?: string) => Promise<void>;

export interface Ran<T> {
  job: Job<T>;
  /** The job's state in BullMQ afterwards: 'completed'; 'delayed' when it postponed itself or BullMQ retries it; 'failed'. */
  state: string;
  /** What the processor threw, other than a postponement. */
  error: Error | null;
}

// A postponed job comes due after its delay (up to a few seconds in these tests); a busy machine may
// take longer to hand it over. This only bounds a test that went wrong.
const TAKE_TIMEOUT_MS = 30_000;

/**
 * Runs processors on real jobs, one at a time, as BullMQ's worker loop would: a bare worker per queue
 * (no processor, so nothing runs by itself) takes the next job with a token, the processor runs with that
 * token, and the job is settled: completed when the processor returns, left alone when it postponed
 * itself (DelayedError: it is delayed already), failed when it threw (BullMQ retries while attempts last).
 */
export function jobRunner(env: TestEnvironment) {
  const connection = new Redis(env.config.redisUrl, { maxRetriesPerRequest: null });
  const workers = new Map<QueueName, Worker>();
  const workerOf = (queue: QueueName) => {
    let worker = workers.get(queue);
    if (!worker) {
      // The lock outlasts any run here: no lock renewal runs without the worker loop.
      worker = new Worker(QUEUE_NAMES[queue], null, { connection, prefix: env.config.queuePrefix, lockDuration: 120_000 });
      // A Redis error also fails the call that met it; unheard, the event would end the test process.
      worker.on('error', () => {});
      workers.set(queue, worker);
    }
    return worker;
  };
  let taken = 0;

  return {
    /** Takes the queue's next job, which must be `jobId` (tests enqueue what they run), and runs `processor` on it. */
    async run<T>(queue: QueueName, jobId: string, processor: Processor<T>): Promise<Ran<T>> {
      const token = `job-runner-${++taken}`;
      let job: Job<T> | undefined;
      for (const started = Date.now(); !job && Date.now() - started < TAKE_TIMEOUT_MS; ) {
        job = await workerOf(queue).getNextJob(token, { block: false });
        if (!job) await sleep(50);
      }
      if (!job) throw new Error(`no job came in queue ${queue} (wanted ${jobId})`);
      if (job.id !== jobId) {
        await job.moveToFailed(new Error('taken by mistake'), token);
        throw new Error(`queue ${queue} handed over ${job.id}, not ${jobId}`);
      }
      let error: Error | null = null;
      try {
        await processor(job, token);
        await job.moveToCompleted(undefined, token, false);
      } catch (thrown) {
        if (!(thrown instanceof DelayedError)) {
          error = thrown as Error;
          await job.moveToFailed(error, token);
        }
      }
      return { job, state: await env.runtime.queues[queue].getJobState(jobId), error };
    },
    /** Removes every waiting and delayed job, so that the next test's job is the next one taken. */
    async clear() {
      await Promise.all(env.runtime.queues.all.map((queue) => queue.drain(true)));
    },
    async close() {
      await Promise.all([...workers.values()].map((worker) => worker.close()));
      connection.disconnect();
    },
  };
}

/** A running crawl of the account with its seeds planned as pages (their jobs are not enqueued). */
export async function newCrawl(db: Queryable, accountId: string, seeds: string[], settings: Partial<CrawlSettings> = {}) {
  const crawlId = await insertCrawl(db, accountId, {
    scope: 'site', seeds, maxDepth: null, maxPages: 100, respectRobots: true, maxPagesPerHost: null,
    include: [], exclude: [], hostConcurrency: null, hostIntervalMs: null, keywords: [], minRelevance: null, ...settings,
  });
  const pages = await planPages(db, crawlId, seeds.map((url) => ({ url, depth: 0 })));
  await markRunning(db, crawlId);
  return { crawlId, pages };
}

/** Records a planned page as crawled (200, linking to `links` in its content), as its page job would; returns the new targets. */
export async function recordCrawled(db: Db, page: PlannedPage, links: string[]): Promise<{ id: number }[]> {
  const planned = await recordCrawledPage(db, {
    crawlId: page.crawlId,
    pageId: page.id,
    result: { state: 'crawled', finalUrl: page.url, httpStatus: 200, title: null, outcome: null, verdict: null, domain: registrableDomain(page.url) },
    links: links.map((url) => ({
      url, anchorText: 'a link', rel: '', outbound: isOutbound(page.url, url), followed: true, context: 'See a link.', position: 'content',
    })),
    contacts: { emails: [], contactPages: [], authors: [] },
  });
  if (!planned) throw new Error(`page ${page.id} was recorded already`);
  return planned.newTargets;
}

/**
 * The setting of a processor's unit test: a private environment on the given web (no background
 * workers; generous timeouts, since a slow answer on a busy machine would be retried later rather than
 * be a result), a job runner and, when asked, a parse pool; all closed when the test file ends.
 */
export async function processorSetting(
  t: Test,
  web: Pick<FakeWeb, 'resolver' | 'close'>,
  options: { env?: Record<string, string>; parser?: boolean } = {},
): Promise<{ env: TestEnvironment; runner: ReturnType<typeof jobRunner>; parser: ParsePool }> {
  const env = await startEnvironment({
    resolver: web.resolver,
    env: { RESPONSE_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '30000', ...options.env },
  });
  const parser = options.parser ? createParsePool({ threads: 1, timeoutMs: 60_000 }) : null;
  const runner = jobRunner(env);
  t.teardown(async () => {
    await runner.close();
    await parser?.close();
    await env.close();
    await web.close();
  });
  t.afterEach(() => runner.clear());
  return { env, runner, parser: parser as ParsePool };
}

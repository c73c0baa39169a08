import t from 'tap';
import { Worker, UnrecoverableError, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { startEnvironment } from '../support/environment.js';
import { createAccount } from '../../services/store/accounts.js';
import { insertCrawl, markRunning } from '../../services/store/crawls.js';
import { planPages } from '../../services/store/frontier.js';
import { recordPageResult } from '../../services/store/pages.js';
import { QUEUE_NAMES, archiveJobId, domainJobId } from '../../services/queues.js';
import { registerArchiveLookup } from '../../services/store/archive.js';
import { registerDomainLookup } from '../../services/store/domain-facts.js';
import { startReconciler } from '../../workers/reconciler.js';
import { createRecovery } from '../../workers/recovery.js';

// The reconciler against real queue states: jobs that failed for good are enqueued anew a bounded
// number of times, then their page is settled so the crawl ends; a crawl left with nothing pending is
// ended; a crawl that stopped moving is failed with what was left. Jobs are taken and failed by hand,
// exactly as a worker whose processing keeps failing would leave them in Redis.
const env = await startEnvironment({ env: { MAX_JOB_REQUEUES: '1' } });
const connection = new Redis(env.config.redisUrl, { maxRetriesPerRequest: null });
// A bare BullMQ worker that runs nothing by itself: the test takes each job and fails it.
const hand = new Worker(QUEUE_NAMES.pages, null, { connection, prefix: env.config.queuePrefix, lockDuration: 30_000 });
t.teardown(async () => {
  await hand.close();
  connection.disconnect();
  await env.close();
});
const { db, queues } = env.runtime;
const recovery = createRecovery(env.runtime);
const options = { intervalMs: 3_600_000, minAgeMs: 0, orphanAfterMs: 60_000 };
const reconciler = startReconciler(env.runtime, recovery, { ...options, stuckAfterMs: 0 });
const watchdog = startReconciler(env.runtime, recovery, { ...options, stuckAfterMs: 1_500 });
t.teardown(() => [reconciler, watchdog].forEach((r) => r.stop()));
const accountId = await createAccount(db, 'reconciler-test');

async function newCrawl(urls: string[]) {
  const crawlId = await insertCrawl(db, accountId, {
    scope: 'site', seeds: urls, maxDepth: null, maxPages: 100, respectRobots: true,
    maxPagesPerHost: null, include: [], exclude: [], hostConcurrency: null, hostIntervalMs: null, keywords: [], minRelevance: null,
  });
  const pages = await planPages(db, crawlId, urls.map((url) => ({ url, depth: 0 })));
  await markRunning(db, crawlId);
  return { crawlId, pages };
}

/** Takes the next page job as a worker would and fails it for good. */
async function failNextJob(why: string): Promise<Job> {
  let job: Job | undefined;
  // A job enqueued anew waits a few seconds first (see workers/recovery.ts).
  for (let i = 0; i < 100 && !job; i++) {
    job = await hand.getNextJob('hand-token', { block: false });
    if (!job) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!job) throw new Error('no job to take');
  await job.moveToFailed(new UnrecoverableError(why), 'hand-token');
  return job;
}
const crawlOf = async (crawlId: string) => (await db.query('SELECT status, error FROM crawls WHERE id = $1', [crawlId])).rows[0];

t.test('a page whose jobs keep failing is enqueued anew, then settled as failed, and its crawl ends', async (t) => {
  const { crawlId, pages } = await newCrawl(['http://a.test/']);
  const [page] = pages;
  await queues.enqueuePages(pages);

  const first = await failNextJob('boom 1');
  t.equal(first.id, `page-${page!.id}`);
  t.match(await reconciler.runOnce(), { retried: 1 }, 'the failed job is handed on');
  t.equal((await db.query('SELECT requeues FROM pages WHERE id = $1', [page!.id])).rows[0].requeues, 1);

  const second = await failNextJob('boom 2');
  t.equal(second.id, `page-${page!.id}-r1`, 'the new generation has its own job');
  t.match(await reconciler.runOnce(), { retried: 1, failed: 0 });
  const { rows } = await db.query('SELECT state, outcome, evidence FROM pages WHERE id = $1', [page!.id]);
  t.match(rows[0], { state: 'failed', outcome: 'job_failed', evidence: { jobFailure: 'boom 2' } }, 'settled with why');
  t.match(await crawlOf(crawlId), { status: 'failed', error: 'no seed page could be crawled' }, 'and its crawl ended');
  t.match(await reconciler.runOnce(), { retried: 0 }, 'nothing more to do');
});

t.test('a lost job is enqueued again; a crawl with nothing pending is ended', async (t) => {
  const { crawlId, pages } = await newCrawl(['http://b.test/', 'http://b.test/x']);
  const [lost, done] = pages;
  await recordPageResult(db, done!.id, { state: 'crawled', finalUrl: done!.url, httpStatus: 200, title: null, outcome: null, verdict: null, domain: 'b.test' });
  t.match(await reconciler.runOnce(), { enqueued: 1 }, 'the page whose job never made it to Redis');
  t.ok(await queues.pages.getJob(`page-${lost!.id}`));
  await recordPageResult(db, lost!.id, { state: 'crawled', finalUrl: lost!.url, httpStatus: 200, title: null, outcome: null, verdict: null, domain: 'b.test' });
  t.match(await reconciler.runOnce(), { finished: 1 });
  t.match(await crawlOf(crawlId), { status: 'completed' });
  await queues.pages.drain(true);
});

t.test('a crawl that made no progress for STUCK_CRAWL_TIMEOUT_MS is failed with what was left', async (t) => {
  const { crawlId, pages } = await newCrawl(['http://c.test/']);
  // Its job waits in the queue and no one takes it.
  await queues.enqueuePages(pages);
  t.match(await watchdog.runOnce(), { failed: 0 }, 'not yet');
  await new Promise((resolve) => setTimeout(resolve, 1_600));
  t.match(await watchdog.runOnce(), { failed: 1 });
  t.match(await crawlOf(crawlId), { status: 'failed', error: 'no progress for 1.5 seconds: 1 pages and 0 links were still pending' });
});

t.test('archive lookups (rechecks alike): a lost job is enqueued again, a failed one settled', async (t) => {
  const url = 'http://dead.test/lost';
  await registerArchiveLookup(db, url);
  t.match(await reconciler.runOnce(), { enqueued: 1 }, 'the lookup whose job was never added');
  t.ok(await queues.archive.getJob(archiveJobId(url)));

  const archiveHand = new Worker(QUEUE_NAMES.archive, null, { connection, prefix: env.config.queuePrefix });
  t.teardown(() => archiveHand.close());
  const job = await archiveHand.getNextJob('hand-token', { block: false });
  await job!.moveToFailed(new UnrecoverableError('archive exploded'), 'hand-token');
  await reconciler.runOnce();
  const { rows } = await db.query('SELECT state FROM archive_snapshots WHERE url = $1', [url]);
  t.equal(rows[0].state, 'unavailable', 'recorded as the failure handler would have');
});

t.test('domain lookups alike: a lost job is enqueued again, a failed one settled as unknown', async (t) => {
  const lookup = (await registerDomainLookup(db, 'lost-domain.test'))!;
  t.match(await reconciler.runOnce(), { enqueued: 1 }, 'the lookup whose job was never added');
  t.ok(await queues.domains.getJob(domainJobId(lookup)));
  t.match(await reconciler.runOnce(), { enqueued: 0, retried: 0 }, 'a waiting job is left alone');

  const domainHand = new Worker(QUEUE_NAMES.domains, null, { connection, prefix: env.config.queuePrefix });
  t.teardown(() => domainHand.close());
  const job = await domainHand.getNextJob('hand-token', { block: false });
  await job!.moveToFailed(new UnrecoverableError('RDAP exploded'), 'hand-token');
  await reconciler.runOnce();
  const { rows } = await db.query('SELECT state, checked_at AS "checkedAt" FROM domain_facts WHERE domain = $1', [lookup.domain]);
  t.match(rows[0], { state: 'unknown', checkedAt: Date }, 'recorded as the failure handler would have');
});

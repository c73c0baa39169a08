import t from 'tap';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { startGeneratedSite } from '../support/generated-site.js';
import { startOwnRedis } from '../support/own-services.js';
import { assertCrawlIsWhole, startFleet } from '../support/fleet.js';

// A rolling deploy gone wrong: three worker processes, one SIGKILLed every few seconds and restarted by
// the supervisor, with short locks so that killed jobs are taken over quickly. One slow page's job is
// killed twice in a row, so BullMQ fails it for stalling too often: the crawl must still complete with
// every dead link, that page included.
const KILL_EVERY_MS = 3_000;
const site = await startGeneratedSite(160);
const redis = await startOwnRedis();
const fleet = await startFleet({
  web: site.web, workers: 3, redisUrl: redis.url,
  env: { JOB_LOCK_MS: '2000', RECONCILE_INTERVAL_MS: '1000', RECONCILE_MIN_AGE_MS: '2000' },
});
t.teardown(async () => {
  await fleet.close();
  await redis.close();
  await site.web.close();
});

t.test('a crawl completes with every dead link while workers are killed again and again', async (t) => {
  const slowPath = '/p5';
  site.slowDown(slowPath, 4_000);
  const crawlId = await fleet.api.createCrawl({ seeds: [site.seed], scope: 'site', hostIntervalMs: 60 });
  const following = fleet.follow(crawlId);
  const { queues, db } = fleet.env.runtime;

  // Kill whichever process runs the slow page's first job until that job has stalled twice (random
  // kills below may do some of it); then the page answers fast again.
  const killSlowHolder = async () => {
    const url = site.web.url('site.test', slowPath);
    let pageId: number | undefined;
    for (const started = Date.now(); Date.now() - started < 120_000; await sleep(100)) {
      pageId ??= (await db.query('SELECT id FROM pages WHERE crawl_id = $1 AND url = $2', [crawlId, url])).rows[0]?.id;
      const job = pageId ? await queues.pages.getJob(`page-${pageId}`) : undefined;
      if (!job) continue;
      if (job.stalledCounter >= 2 || (await job.isFailed()) || (await job.isCompleted())) break;
      const holder = (await job.isActive()) ? fleet.workers().find((child) => job.processedBy === `${hostname()}:${child.pid}`) : undefined;
      if (!holder) continue;
      holder.kill('SIGKILL');
      // The next run of the job is in another process: wait until this one is gone.
      await new Promise((resolve) => (holder.exitCode !== null || holder.signalCode !== null ? resolve(null) : holder.once('exit', resolve)));
    }
    site.slowDown(slowPath, 0);
    return pageId!;
  };
  // And SIGKILL a random worker every few seconds for the first half minute.
  const chaos = async () => {
    let kills = 0;
    for (const started = Date.now(); Date.now() - started < 30_000; await sleep(KILL_EVERY_MS)) {
      const workers = fleet.workers();
      const victim = workers[Math.floor(Math.random() * workers.length)];
      if (victim?.kill('SIGKILL')) kills++;
    }
    return kills;
  };

  const started = Date.now();
  const [slowPageId, randomKills, progress] = await Promise.all([killSlowHolder(), chaos(), following]);
  t.comment(`crawl took ${Math.round((Date.now() - started) / 1000)} s with ${fleet.exits.length} kills`);
  t.ok(fleet.exits.length >= randomKills, `${fleet.exits.length} worker processes were killed and replaced`);
  await assertCrawlIsWhole(t, fleet, (await fleet.api.getCrawl(crawlId)), site.expected);
  t.equal(progress.crawl.stats.pagesCrawled, site.pages.length, 'every page was crawled');

  const first = await queues.pages.getJob(`page-${slowPageId}`);
  t.equal(await first?.getState(), 'failed', 'the slow page\'s first job failed for good');
  t.match(first?.failedReason, /stalled more than allowable limit/, 'because it stalled twice');
  const { rows } = await db.query('SELECT state, requeues FROM pages WHERE id = $1', [slowPageId]);
  t.equal(rows[0].state, 'crawled', 'yet the page was crawled, by a job enqueued anew');
  t.ok(rows[0].requeues >= 1);
});

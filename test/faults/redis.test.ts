import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startGeneratedSite } from '../support/generated-site.js';
import { startOwnRedis } from '../support/own-services.js';
import { assertCrawlIsWhole, standstillSeconds, startFleet } from '../support/fleet.js';

// Redis under a running crawl: stopped for longer than the stall interval and restarted (its data
// saved, as in a maintenance restart), then wiped mid-crawl (every job, lock and cache gone). The
// service runs with its default lock, stall and reconciler settings: the recovery times are the ones
// an operator would see. Our own Redis: the machine's shared one is never touched.
const OUTAGE_MS = 15_000;
const site = await startGeneratedSite(160);
const redis = await startOwnRedis();
const fleet = await startFleet({ web: site.web, workers: 3, redisUrl: redis.url });
t.teardown(async () => {
  await fleet.close();
  await redis.close();
  await site.web.close();
});

t.test('a Redis restart and a Redis wipe mid-crawl: the crawl completes whole', async (t) => {
  const pids = fleet.workers().map((child) => child.pid);
  const crawlId = await fleet.api.createCrawl({ seeds: [site.seed], scope: 'site', hostIntervalMs: 60 });
  const following = fleet.follow(crawlId);

  await fleet.settled(crawlId, 50);
  await redis.stop({ keepData: true });
  await sleep(OUTAGE_MS);
  await redis.start();
  const restartedAt = Date.now();

  await fleet.settled(crawlId, 150);
  await redis.flush();
  const wipedAt = Date.now();

  const progress = await following;
  t.same(fleet.exits, [], 'no worker process exited');
  t.same(fleet.workers().map((child) => child.pid), pids);
  await assertCrawlIsWhole(t, fleet, await fleet.api.getCrawl(crawlId), site.expected);
  const afterRestart = standstillSeconds(progress, restartedAt, wipedAt);
  const afterWipe = standstillSeconds(progress, wipedAt);
  t.comment(`longest standstill: ${afterRestart} s after Redis was back from a ${OUTAGE_MS / 1000} s outage, ${afterWipe} s after its data was wiped`);
});

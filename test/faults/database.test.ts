import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startGeneratedSite } from '../support/generated-site.js';
import { startOwnPostgres, startOwnRedis } from '../support/own-services.js';
import { assertCrawlIsWhole, standstillSeconds, startFleet } from '../support/fleet.js';

// PostgreSQL blips under a running crawl: every session of the service is terminated (as an operator
// or a failover does), twice, and then the server restarts. No process may exit, and the crawl must
// complete with every dead link. Our own cluster and Redis: the machine's shared ones are never touched.
const site = await startGeneratedSite(160);
const postgres = await startOwnPostgres();
const redis = await startOwnRedis();
const fleet = await startFleet({ web: site.web, workers: 3, redisUrl: redis.url, databaseServer: postgres.url });
t.teardown(async () => {
  await fleet.close();
  await redis.close();
  await postgres.close();
  await site.web.close();
});

t.test('terminated sessions and a PostgreSQL restart: no process exits, the crawl completes whole', async (t) => {
  const database = new URL(fleet.env.config.databaseUrl).pathname.slice(1);
  const pids = fleet.workers().map((child) => child.pid);
  const crawlId = await fleet.api.createCrawl({ seeds: [site.seed], scope: 'site', hostIntervalMs: 60 });
  const following = fleet.follow(crawlId);

  await fleet.settled(crawlId, 60);
  const terminated = [await postgres.terminateSessions(database)];
  await sleep(2_000);
  terminated.push(await postgres.terminateSessions(database));
  t.ok(terminated.every((n) => n > 0), `sessions terminated: ${terminated.join(', ')}`);

  await fleet.settled(crawlId, 150);
  await postgres.stop();
  await sleep(5_000);
  await postgres.start();
  const backAt = Date.now();

  const progress = await following;
  t.same(fleet.exits, [], 'no worker process exited');
  t.same(fleet.workers().map((child) => child.pid), pids, 'the same worker processes did all the work');
  await assertCrawlIsWhole(t, fleet, await fleet.api.getCrawl(crawlId), site.expected);
  t.comment(`longest standstill after PostgreSQL was back: ${standstillSeconds(progress, backAt)} s`);
});

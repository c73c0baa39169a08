import t from 'tap';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createHostActivity } from '../../services/politeness/host-activity.js';
import { createHostLimiter } from '../../services/politeness/host-limiter.js';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `blb-test-activity-${randomBytes(4).toString('hex')}`;
t.teardown(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});
const activity = createHostActivity(redis, prefix);
const limiter = createHostLimiter(redis, prefix, 2_000, activity);
const settle = () => sleep(50); // notes are written without waiting for them

t.test('the limiter notes slots taken, Retry-After holds and Crawl-delays', async (t) => {
  for (let i = 0; i < 3; i++) {
    const acquired = await limiter.acquire('busy.test', { concurrency: 5, intervalMs: 0 });
    if ('lease' in acquired) await acquired.lease.release();
  }
  await limiter.acquire('quiet.test', { concurrency: 1, intervalMs: 0 });
  await limiter.backoff('slow.test', 60_000, 'Retry-After (http_503)');
  await limiter.setCrawlDelay('polite.test', 10_000, 3_600_000);
  await settle();
  const report = await activity.report();
  t.same(report.busiest, [{ host: 'busy.test', jobs: 3 }, { host: 'quiet.test', jobs: 1 }]);
  t.match(report.backingOff, [
    { host: 'slow.test', why: 'retry_after', detail: 'Retry-After (http_503): held back 60 s' },
    { host: 'polite.test', why: 'crawl_delay', detail: 'robots.txt Crawl-delay 10 s' },
  ]);
  t.ok(Math.abs(Date.parse(report.backingOff[0]!.until) - (Date.now() + 60_000)) < 5_000, 'until when');
});

t.test('a shorter hold never replaces a longer one; ended holds leave the report and then Redis', async (t) => {
  activity.retryAfter('long.test', 60_000, 'first');
  await settle();
  activity.retryAfter('long.test', 1_000, 'second');
  activity.retryAfter('brief.test', 30, 'brief');
  await settle();
  const held = (await activity.report()).backingOff.filter((entry) => entry.why === 'retry_after');
  t.match(held.find((entry) => entry.host === 'long.test'), { detail: 'first' }, 'the longer hold and its reason stay');
  t.notOk(held.some((entry) => entry.host === 'brief.test'), 'a hold that has ended is not shown');
  t.ok(await redis.zscore(`${prefix}:hosts:retry-after`, 'brief.test'), 'reading removes nothing');
  activity.retryAfter('next.test', 60_000, 'next');
  await settle();
  t.equal(await redis.zscore(`${prefix}:hosts:retry-after`, 'brief.test'), null, 'and the next hold removed it');
  t.equal(await redis.hget(`${prefix}:hosts:retry-after:detail`, 'brief.test'), null);
});

t.test('blocking hosts: counted over the day, with the latest reason', async (t) => {
  activity.blocked('wall.test', 'http_403');
  activity.blocked('wall.test', 'bot_challenge');
  activity.blocked('other.test', 'http_999');
  await settle();
  const { blocking } = await activity.report();
  t.same(blocking, [{ host: 'wall.test', verdicts: 2, lastReason: 'bot_challenge' }, { host: 'other.test', verdicts: 1, lastReason: 'http_999' }]);
  t.ok((await redis.ttl(`${prefix}:hosts:blocked-reason:${Math.floor(Date.now() / 3_600_000)}`)) > 24 * 3600, 'kept a day, then gone');
});

t.test('starts are counted in the process and written together, within a second', async (t) => {
  const own = createHostActivity(redis, `${prefix}-batched`);
  for (let i = 0; i < 50; i++) own.started(i % 2 ? 'odd.test' : 'even.test');
  const written = async () => (await redis.keys(`${prefix}-batched:hosts:jobs:*`)).length;
  t.equal(await written(), 0, 'nothing written per start');
  for (let waited = 0; (await written()) === 0 && waited < 10_000; waited += 100) await sleep(100);
  const report = await createHostActivity(redis, `${prefix}-batched`).report();
  t.same(report.busiest, [{ host: 'even.test', jobs: 25 }, { host: 'odd.test', jobs: 25 }], 'another process reads them all');
  const keys = await redis.keys(`${prefix}-batched:*`);
  if (keys.length) await redis.del(...keys);
});

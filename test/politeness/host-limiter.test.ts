import t from 'tap';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createHostLimiter, type HostLease } from '../../services/politeness/host-limiter.js';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `blb-test-limiter-${randomBytes(4).toString('hex')}`;
t.teardown(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});
const limiter = createHostLimiter(redis, prefix, 2_000);

const lease = async (host: string, concurrency: number, intervalMs: number): Promise<HostLease | number> => {
  const acquired = await limiter.acquire(host, { concurrency, intervalMs });
  return 'lease' in acquired ? acquired.lease : acquired.waitMs;
};

t.test('at most `concurrency` slots per host, other hosts unaffected', async (t) => {
  const held = [await lease('a.test', 2, 0), await lease('a.test', 2, 0)];
  t.ok(held.every((l) => typeof l !== 'number'), 'two slots taken');
  t.equal(await lease('a.test', 2, 0), -1, 'the third waits: all slots busy');
  t.type(await lease('b.test', 2, 0), 'object', 'another host is free');
  await (held[0] as HostLease).release();
  t.type(await lease('a.test', 2, 0), 'object', 'a released slot is free again');
});

t.test('request starts are at least the interval apart', async (t) => {
  const first = await lease('c.test', 10, 300);
  t.type(first, 'object');
  const wait = await lease('c.test', 10, 300);
  t.ok(typeof wait === 'number' && wait > 250 && wait <= 330, `the next start waits the interval and its small margin (${wait} ms)`);
  const started = Date.now();
  t.equal(await (first as HostLease).pace(), true, 'the lease\'s first request was booked by acquire');
  t.equal(await (first as HostLease).pace(), true);
  t.ok(Date.now() - started >= 250, 'its second request waited for the interval');
});

t.test('Retry-After holds the host back; Crawl-delay raises the interval', async (t) => {
  await limiter.backoff('d.test', 1_500);
  const wait = await lease('d.test', 4, 0);
  t.ok(typeof wait === 'number' && wait > 1_000, `held back (${wait} ms)`);
  await limiter.backoff('d.test', 10);
  const still = await lease('d.test', 4, 0);
  t.ok(typeof still === 'number' && still > 1_000, 'a shorter backoff never shortens a longer one');

  await limiter.setCrawlDelay('e.test', 800, 60_000);
  t.type(await lease('e.test', 4, 0), 'object');
  const delayed = await lease('e.test', 4, 0);
  t.ok(typeof delayed === 'number' && delayed > 600, `Crawl-delay spaces requests (${delayed} ms)`);

  const holder = await lease('f.test', 4, 0);
  await limiter.backoff('f.test', 10_000);
  await (holder as HostLease).pace();
  t.equal(await (holder as HostLease).pace(), false, 'a lease does not wait out a long backoff: the job is postponed');
});

t.test('a slot whose worker died frees itself when its lease ends', async (t) => {
  const short = createHostLimiter(redis, prefix, 300);
  await short.acquire('g.test', { concurrency: 1, intervalMs: 0 });
  t.match(await short.acquire('g.test', { concurrency: 1, intervalMs: 0 }), { waitMs: -1 });
  await sleep(350);
  t.ok('lease' in (await short.acquire('g.test', { concurrency: 1, intervalMs: 0 })));
});

t.test('the interval counts from when a request actually left', async (t) => {
  const first = await lease('h.test', 4, 200);
  t.type(first, 'object');
  await sleep(150); // the request went out late: a slow connect, a busy event loop
  await (first as HostLease).sent();
  const wait = await lease('h.test', 4, 200);
  t.ok(typeof wait === 'number' && wait > 150, `the next start waits a full interval from the send (${wait} ms)`);
});

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

t.test('waiters whose turns have passed while the host was busy are told to come back one interval apart, in turn order', async (t) => {
  const limits = { concurrency: 10, intervalMs: 200 };
  const acquireAs = (waiter: string) => limiter.acquire('late.test', limits, undefined, waiter);
  const first = await acquireAs('job-1');
  if (!('lease' in first)) throw new Error('the host is free at first');
  await first.lease.sent();
  await first.lease.release();
  const turns = [];
  for (const waiter of ['job-2', 'job-3', 'job-4']) {
    const acquired = await acquireAs(waiter);
    if ('lease' in acquired) throw new Error(`${waiter} found the host free`);
    turns.push(acquired.turnMs!);
  }
  t.ok(turns[1]! - turns[0]! >= 150 && turns[2]! - turns[1]! >= 150, `each waiter's turn is an interval after the one before (${turns.join(', ')} ms)`);

  // Every turn passes while the host is taken by a request that has not left yet (a slow connection).
  await sleep(turns[2]! + 20);
  const blocker = await limiter.acquire('late.test', limits);
  if (!('lease' in blocker)) throw new Error('the host is free after the turns');
  const backIn = new Map<string, number>();
  for (const waiter of ['job-4', 'job-2', 'job-3']) {
    const acquired = await acquireAs(waiter);
    if ('lease' in acquired) throw new Error(`${waiter} took a start while a request had not left`);
    backIn.set(waiter, acquired.turnMs!);
  }
  const [two, three, four] = ['job-2', 'job-3', 'job-4'].map((waiter) => backIn.get(waiter)!);
  t.ok(two! > 0 && two! <= 250, `the first in turn comes back at the next start (${two} ms)`);
  t.ok(three! - two! >= 150 && four! - three! >= 150, `the others an interval after each other, in turn order (${two}, ${three}, ${four} ms), not all at the next start`);
  const newcomer = await acquireAs('job-5');
  t.ok('turnMs' in newcomer && newcomer.turnMs! >= four! + 150, `a new waiter comes after the late ones (${'turnMs' in newcomer ? newcomer.turnMs : 'a start'} ms)`);
  await blocker.lease.release();
});

t.test('a held slot is renewed while its job runs; one whose worker died frees itself when its lease ends', async (t) => {
  const alive = createHostLimiter(redis, prefix, 300);
  const held = await alive.acquire('g.test', { concurrency: 1, intervalMs: 0 });
  await sleep(700);
  t.match(await alive.acquire('g.test', { concurrency: 1, intervalMs: 0 }), { waitMs: -1 }, 'still held after twice its lease');
  await (held as { lease: HostLease }).lease.release();

  // A process that dies stops renewing: here its Redis connection goes, as it would with the process.
  const dying = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  dying.on('error', () => {});
  await createHostLimiter(dying, prefix, 300).acquire('g.test', { concurrency: 1, intervalMs: 0 });
  dying.disconnect();
  t.match(await alive.acquire('g.test', { concurrency: 1, intervalMs: 0 }), { waitMs: -1 });
  await sleep(350);
  const freed = await alive.acquire('g.test', { concurrency: 1, intervalMs: 0 });
  t.ok('lease' in freed, 'free once the dead holder\'s lease ended');
  if ('lease' in freed) await freed.lease.release();
});

t.test('the interval counts from when a request actually left', async (t) => {
  const first = await lease('h.test', 4, 200);
  t.type(first, 'object');
  await sleep(150); // the request went out late: a slow connect, a busy event loop
  await (first as HostLease).sent();
  const wait = await lease('h.test', 4, 200);
  t.ok(typeof wait === 'number' && wait > 150, `the next start waits a full interval from the send (${wait} ms)`);
});

t.test('no start is booked while the previous booked request has not reported', async (t) => {
  const first = (await lease('i.test', 4, 100)) as HostLease;
  t.equal(await first.pace(), true, 'its first request was booked by the acquire');
  await sleep(150); // its interval is over, but it has not left yet (a slow lookup, a busy process)
  const blocked = await lease('i.test', 4, 100);
  t.ok(typeof blocked === 'number' && blocked > 0, `another job waits for the report (${blocked} ms)`);
  await sleep(100);
  t.type(await lease('i.test', 4, 100), 'number', 'however long that takes');
  const sentAt = Date.now();
  await first.sent();
  const wait = await lease('i.test', 4, 100);
  t.ok(typeof wait === 'number' && wait > 80, `then the next start is an interval after the send (${wait} ms)`);
  await sleep(wait as number);
  const second = (await lease('i.test', 4, 100)) as HostLease;
  t.type(second, 'object');
  t.ok(Date.now() - sentAt >= 100, 'booked only a full interval after the send');

  // A lease's own next request waits for the other's report too, sleeping rather than giving up.
  const paced = first.pace().then((ok) => ({ ok, at: Date.now() }));
  await sleep(300);
  const secondSentAt = Date.now();
  await second.sent();
  const { ok, at } = await paced;
  t.equal(ok, true);
  t.ok(at - secondSentAt >= 100, `the first lease's next request came ${at - secondSentAt} ms after the other's send`);
});

t.test('a request that could not be sent frees the host at once', async (t) => {
  const failed = (await lease('j.test', 4, 200)) as HostLease;
  await sleep(150);
  await failed.notSent(); // DNS failed, the connection was refused
  const wait = await lease('j.test', 4, 200);
  t.ok(typeof wait === 'number' && wait < 100, `only what is left of the booked interval (${wait} ms), not a new one`);
  await sleep(wait as number);
  t.type(await lease('j.test', 4, 200), 'object');

  const unused = (await lease('k.test', 4, 100)) as HostLease;
  await sleep(150);
  await unused.release(); // robots.txt said no: its booked request was never made
  t.type(await lease('k.test', 4, 100), 'object', 'releasing a lease frees its unused booking');
});

t.test('a booking that never reports (its worker died) frees the host after the send timeout', async (t) => {
  const short = createHostLimiter(redis, prefix, 10_000, undefined, 300);
  t.ok('lease' in (await short.acquire('l.test', { concurrency: 4, intervalMs: 50 })));
  await sleep(150);
  t.ok('waitMs' in (await short.acquire('l.test', { concurrency: 4, intervalMs: 50 })), 'still blocked before the timeout');
  await sleep(200);
  t.ok('lease' in (await short.acquire('l.test', { concurrency: 4, intervalMs: 50 })), 'free after it');
});

t.test('a first request made long after its acquire is booked afresh', async (t) => {
  const short = createHostLimiter(redis, prefix, 10_000, undefined, 1_200);
  const acquired = await short.acquire('p.test', { concurrency: 4, intervalMs: 50 });
  t.ok('lease' in acquired);
  await sleep(1_100); // waiting for another process's robots.txt, say
  t.equal(await (acquired as { lease: HostLease }).lease.pace(), true);
  await sleep(400);
  t.ok('waitMs' in (await short.acquire('p.test', { concurrency: 4, intervalMs: 50 })), 'its send timeout counts from the pace, not the acquire');
});

t.test('with reports, the concurrency limit, Retry-After and Crawl-delay still hold', async (t) => {
  const held: HostLease[] = [];
  for (let i = 0; i < 2; i++) {
    const wait = await lease('m.test', 2, 50);
    if (typeof wait === 'number') await sleep(wait);
    const got = typeof wait === 'number' ? await lease('m.test', 2, 50) : wait;
    t.type(got, 'object');
    held.push(got as HostLease);
    await (got as HostLease).sent();
  }
  await sleep(100);
  t.equal(await lease('m.test', 2, 50), -1, 'both slots busy: the third waits though the interval is over');

  await limiter.backoff('m.test', 1_000);
  await held[0]!.release();
  const backedOff = await lease('m.test', 2, 50);
  t.ok(typeof backedOff === 'number' && backedOff > 800, `Retry-After holds the host (${backedOff} ms)`);

  // A Crawl-delay alone (no interval of the crawl's own) books and waits for reports too.
  await limiter.setCrawlDelay('n.test', 300, 60_000);
  const polite = (await lease('n.test', 4, 0)) as HostLease;
  await sleep(100);
  await polite.sent();
  const delayed = await lease('n.test', 4, 0);
  t.ok(typeof delayed === 'number' && delayed > 250, `the Crawl-delay counts from the send (${delayed} ms)`);
});

t.test('with no interval, leases never wait on reports', async (t) => {
  const leases = [await lease('o.test', 3, 0), await lease('o.test', 3, 0), await lease('o.test', 3, 0)];
  t.ok(leases.every((l) => typeof l === 'object'), 'three slots at once, none reported');
  const started = Date.now();
  for (const l of leases as HostLease[]) t.equal(await l.pace(), true);
  for (const l of leases as HostLease[]) t.equal(await l.pace(), true);
  t.ok(Date.now() - started < 100, 'and their requests go at once');
  t.equal(await redis.exists(`${prefix}:host:{o.test}:booked`), 0, 'nothing booked in Redis');
});

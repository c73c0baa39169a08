import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { HostActivity } from './host-activity.js';

export interface HostLimits {
  concurrency: number;
  intervalMs: number;
}

/**
 * Told once what became of a paced request: true when it has actually gone out (or may have reached the
 * server), false when it failed before it could (DNS, a refused connection): see FetchRequest.onSent.
 */
export type SendReport = (sent: boolean) => void;

/**
 * Awaited before each request to a host; resolves to the report, which the caller passes on to the
 * HTTP client (FetchRequest.onSent).
 */
export type Pace = () => Promise<SendReport>;

export interface HostLease {
  /**
   * Waits until the host's interval (or Crawl-delay) allows the next request and books it. Returns
   * false, without waiting, when that is further away than maxWaitMs (the host is backing off).
   */
  pace(maxWaitMs?: number): Promise<boolean>;
  /**
   * The booked request has actually left: the next start waits a full interval from now. Until this
   * (or notSent) no other request to the host is booked, by any process: a request that leaves late
   * (DNS, a new connection, a busy event loop) must not meet the next one at the server.
   */
  sent(): Promise<void>;
  /** The booked request failed before it could leave: the host is free for the next booking. */
  notSent(): Promise<void>;
  release(): Promise<void>;
}

/**
 * A slot, or how long to wait: `waitMs` until the host's next start (-1: every slot is busy) and, for a
 * job that said who it is, `turnMs` until its turn among the jobs waiting for the host's starts.
 */
export type Acquired = { lease: HostLease } | { waitMs: number; turnMs?: number };

export interface HostLimiter {
  /**
   * A slot for one job's requests to `host`, or how long to wait before asking again. With `crawlId`,
   * the slot and the spacing are the crawl's own (its stricter settings bind its requests only), apart
   * from every other crawl's; robots.txt's Crawl-delay binds both. A `waiter` (a job id) that must wait
   * for the host's interval is given a turn: the jobs waiting for one host come back one interval apart,
   * in order, instead of all asking again at the next start.
   */
  acquire(host: string, limits: HostLimits, crawlId?: string, waiter?: string): Promise<Acquired>;
  /** Holds every request to the host back for ms (Retry-After); `why` is shown to ops. Never shortens a longer hold. */
  backoff(host: string, ms: number, why?: string): Promise<void>;
  /** robots.txt Crawl-delay: the host's interval is at least this for ttlMs. */
  setCrawlDelay(host: string, ms: number, ttlMs: number): Promise<void>;
}

// All scripts read Redis's clock, so every worker on every machine agrees on time.
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// Replies are {wait ms, kind}; kind says what the caller holds.
const GO = 0; // free to send after the wait; nothing to report (no interval)
const BOOKED = 1; // a start booked after the wait; report sent or not sent
const ASK_AGAIN = 2; // not now: ask again after the wait (-1: all slots are busy)

// While a booked request has not reported back, the `booked` key holds its id and no other start is
// booked: the next one can only come a full interval after that report, so at least an interval from
// now, which is what the caller is told to wait. Its TTL (booked start + send timeout) frees the host
// when the booking process died.

// KEYS: slots (zset token -> lease end), next (earliest next start), crawl delay, booked, waiters (zset
// waiter -> turn), returns (zset waiter -> when it was told to come back). ARGV: limit, interval, lease
// ms, token, send timeout ms, waiter ('' if none).
// A waiter told to wait for the interval gets a turn: its old one while it is still ahead, else one
// interval after the last return promised (every waiter's return is at or after its turn). The turns are
// the waiters' order; the host's starts slip behind them (each start waits for the previous request to
// leave): a waiter whose turn has passed comes back one interval after the next start per waiter still
// ahead of it, so that the late ones are served in order, each at its first return, instead of all
// asking again at every start. Waiters that did not come back when told, by far (their crawl cancelled,
// their process dead), are forgotten, so the turns never run far ahead of the jobs that are really
// waiting (and any turn ten minutes past, whoever holds it).
const ACQUIRE = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local interval = math.max(tonumber(ARGV[2]), tonumber(redis.call('GET', KEYS[3]) or '0'))
local wait = tonumber(redis.call('GET', KEYS[2]) or '0') - now
if interval > 0 then
  local unreported = redis.call('PTTL', KEYS[4])
  if unreported > 0 then wait = math.max(wait, math.min(interval, unreported)) end
end
if wait > 0 then
  if ARGV[6] == '' then return {wait, ${ASK_AGAIN}, wait} end
  local gone = redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', now - 4 * interval - 5000, 'LIMIT', 0, 100)
  if gone[1] then
    redis.call('ZREM', KEYS[5], unpack(gone))
    redis.call('ZREM', KEYS[6], unpack(gone))
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - 600000)
  local mine = tonumber(redis.call('ZSCORE', KEYS[5], ARGV[6]) or '-1')
  local back = mine - now
  if mine < 0 then
    local turn = now + wait
    local promised = redis.call('ZRANGE', KEYS[6], -1, -1, 'WITHSCORES')
    if promised[2] then turn = math.max(turn, tonumber(promised[2]) + interval) end
    redis.call('ZADD', KEYS[5], turn, ARGV[6])
    back = turn - now
  elseif mine <= now then
    back = wait + interval * redis.call('ZCOUNT', KEYS[5], '-inf', '(' .. mine)
  end
  redis.call('ZADD', KEYS[6], now + back, ARGV[6])
  local farthest = tonumber(redis.call('ZRANGE', KEYS[6], -1, -1, 'WITHSCORES')[2])
  redis.call('PEXPIRE', KEYS[5], farthest - now + 4 * interval + 5000)
  redis.call('PEXPIRE', KEYS[6], farthest - now + 4 * interval + 5000)
  return {wait, ${ASK_AGAIN}, back}
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return {-1, ${ASK_AGAIN}, -1} end
if ARGV[6] ~= '' then
  redis.call('ZREM', KEYS[5], ARGV[6])
  redis.call('ZREM', KEYS[6], ARGV[6])
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
if interval == 0 then return {0, ${GO}, 0} end
redis.call('SET', KEYS[2], now + interval, 'PX', interval + 60000)
redis.call('SET', KEYS[4], ARGV[4], 'PX', tonumber(ARGV[5]))
return {0, ${BOOKED}, 0}`;

// KEYS: next, crawl delay, booked. ARGV: interval, max wait, booking id, send timeout ms, the lease's
// own unreported booking ('' if none), which it may book over. Returns {-1} when the start is too far.
const PACE = `${NOW}
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
if start - now > tonumber(ARGV[2]) then return {-1, ${GO}} end
local interval = math.max(tonumber(ARGV[1]), tonumber(redis.call('GET', KEYS[2]) or '0'))
if interval == 0 then return {start - now, ${GO}} end
local unreported = redis.call('PTTL', KEYS[3])
if unreported > 0 and ARGV[5] ~= '' and redis.call('GET', KEYS[3]) == ARGV[5] then unreported = 0 end
if unreported > 0 then return {math.max(start - now, math.min(interval, unreported)), ${ASK_AGAIN}} end
redis.call('SET', KEYS[1], start + interval, 'PX', start - now + interval + 60000)
redis.call('SET', KEYS[3], ARGV[3], 'PX', start - now + tonumber(ARGV[4]))
return {start - now, ${BOOKED}}`;

// KEYS: next, crawl delay, booked. ARGV: interval, booking id, 1 if sent. Frees the host for the next
// booking; a sent request also puts the next start at least a full interval from now.
const REPORT = `${NOW}
if redis.call('GET', KEYS[3]) == ARGV[2] then redis.call('DEL', KEYS[3]) end
if ARGV[3] ~= '1' then return 0 end
local untilAt = now + math.max(tonumber(ARGV[1]), tonumber(redis.call('GET', KEYS[2]) or '0'))
if untilAt > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], untilAt, 'PX', untilAt - now + 60000)
end
return 0`;

// KEYS: slots, booked. ARGV: token, the lease's unreported booking id. A booking never used (robots.txt
// said no) is freed with the slot.
const RELEASE = `redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
return 0`;

// KEYS: next. ARGV: hold ms.
// KEYS: slots. ARGV: token, lease ms. A held slot's lease is pushed on (only while it still exists).
const RENEW = `${NOW}
if redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[2]), ARGV[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
end
return 0`;

const BACKOFF = `${NOW}
local untilAt = now + tonumber(ARGV[1])
if untilAt > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], untilAt, 'PX', tonumber(ARGV[1]) + 60000)
end
return 0`;

type Reply = [wait: number, kind: number];
type AcquireReply = [wait: number, kind: number, turn: number];

type LimiterRedis = Redis & {
  hostAcquire(
    slots: string, next: string, delay: string, booked: string, waiters: string, returns: string,
    limit: number, interval: number, leaseMs: number, token: string, sendTimeoutMs: number, waiter: string,
  ): Promise<AcquireReply>;
  hostPace(next: string, delay: string, booked: string, interval: number, maxWait: number, booking: string, sendTimeoutMs: number, own: string): Promise<Reply>;
  hostReport(next: string, delay: string, booked: string, interval: number, booking: string, sent: 0 | 1): Promise<number>;
  hostRelease(slots: string, booked: string, token: string, booking: string): Promise<number>;
  hostBackoff(next: string, ms: number): Promise<number>;
  hostRenew(slots: string, token: string, leaseMs: number): Promise<number>;
};

// When the caller does not pass the client's own: sendTimeoutMs() of services/http/client.ts for the
// default CONNECT_TIMEOUT_MS of 5 s (4 x 5 s + 2 s).
const DEFAULT_SEND_TIMEOUT_MS = 22_000;
// A first request sent this long after its acquire is booked again, so that the send timeout counts
// from just before the request (a job may wait up to 10 s for another process's robots.txt first).
const FRESH_BOOKING_MS = 1_000;

/**
 * Per-host politeness held in Redis, so it binds every worker process on every machine: at most
 * `concurrency` jobs hold a slot for a host, request starts are at least `intervalMs` apart (more when
 * robots.txt asks for a Crawl-delay) as the server sees them, and a Retry-After holds the whole host
 * back. A start is booked only once the previous booked request has reported that it left (or could
 * not), so the next start is at least an interval after the previous request actually left. A slot is
 * a lease that expires by itself, and a booking that never reports expires after `sendTimeoutMs`, so a
 * worker that dies cannot keep a host blocked.
 */
export function createHostLimiter(
  redis: Redis,
  keyPrefix: string,
  leaseMs: number,
  activity?: HostActivity,
  sendTimeoutMs = DEFAULT_SEND_TIMEOUT_MS,
): HostLimiter {
  const client = redis as LimiterRedis;
  if (!client.hostAcquire) {
    redis.defineCommand('hostAcquire', { numberOfKeys: 6, lua: ACQUIRE });
    redis.defineCommand('hostPace', { numberOfKeys: 3, lua: PACE });
    redis.defineCommand('hostReport', { numberOfKeys: 3, lua: REPORT });
    redis.defineCommand('hostRelease', { numberOfKeys: 2, lua: RELEASE });
    redis.defineCommand('hostBackoff', { numberOfKeys: 1, lua: BACKOFF });
    redis.defineCommand('hostRenew', { numberOfKeys: 1, lua: RENEW });
  }
  const keys = (host: string, crawlId?: string) => {
    const base = `${keyPrefix}:host:{${host}}`;
    const own = crawlId ? `${base}:crawl:${crawlId}` : base;
    return { slots: `${own}:slots`, next: `${own}:next`, delay: `${base}:crawl-delay`, booked: `${own}:booked`, waiters: `${own}:waiters`, returns: `${own}:returns` };
  };

  // The server sees a request a moment after it left, and that moment varies (the network, the server's
  // own scheduling); a margin keeps the spacing it sees at or above the interval. A 5 % margin was not
  // enough: on a busy machine a host in a process of its own saw 145 and 146 ms between starts booked
  // 158 ms apart for a 150 ms interval (test/e2e/politeness.test.ts), so the margin is 10 % (5 to 50 ms).
  const spacing = (intervalMs: number) => (intervalMs > 0 ? intervalMs + Math.min(50, Math.max(5, Math.round(intervalMs / 10))) : 0);

  return {
    async acquire(host, limits, crawlId, waiter = '') {
      const k = keys(host, crawlId);
      const token = randomUUID();
      const interval = spacing(limits.intervalMs);
      const [wait, kind, turn] = await client.hostAcquire(
        k.slots, k.next, k.delay, k.booked, k.waiters, k.returns, limits.concurrency, interval, leaseMs, token, sendTimeoutMs, waiter,
      );
      if (kind === ASK_AGAIN) return waiter && wait > 0 ? { waitMs: wait, turnMs: turn } : { waitMs: wait };
      // What ops see of a host is the service's slots; a crawl's own are a part of those.
      if (!crawlId) activity?.started(host);
      // The slot is held for leaseMs at a time and renewed while the job runs: a worker that dies (and
      // stops renewing) frees its hosts within leaseMs, however long its requests could have taken.
      const renewal = setInterval(() => void client.hostRenew(k.slots, token, leaseMs).catch(() => {}), leaseMs / 3);
      renewal.unref();
      const acquiredAt = Date.now();
      let first = true;
      let bookings = 0;
      // The lease's booked request that has not reported yet ('' when none): the acquire booked the first.
      let unreported = kind === BOOKED ? token : '';
      const report = async (sent: boolean) => {
        const booking = unreported;
        unreported = '';
        first = false;
        if (booking) await client.hostReport(k.next, k.delay, k.booked, interval, booking, sent ? 1 : 0);
      };
      return {
        lease: {
          async pace(maxWaitMs = 5_000) {
            if (first) {
              first = false;
              if (!unreported || Date.now() - acquiredAt < FRESH_BOOKING_MS) return true;
            }
            const deadline = Date.now() + maxWaitMs;
            for (;;) {
              const booking = `${token}:${++bookings}`;
              const left = Math.max(0, deadline - Date.now());
              const [wait, kind] = await client.hostPace(k.next, k.delay, k.booked, interval, left, booking, sendTimeoutMs, unreported);
              if (wait < 0 || (kind === ASK_AGAIN && wait > deadline - Date.now())) return false;
              if (kind !== ASK_AGAIN) unreported = kind === BOOKED ? booking : '';
              // Waits are at least 1 ms and, while another request is unreported, about an interval.
              if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
              if (kind !== ASK_AGAIN) return true;
            }
          },
          sent: () => report(true),
          notSent: () => report(false),
          async release() {
            clearInterval(renewal);
            if (unreported) await client.hostRelease(k.slots, k.booked, token, unreported);
            else await client.zrem(k.slots, token);
          },
        },
      };
    },
    async backoff(host, ms, why = 'Retry-After') {
      await client.hostBackoff(keys(host).next, Math.round(ms));
      activity?.retryAfter(host, ms, why);
    },
    async setCrawlDelay(host, ms, ttlMs) {
      await client.set(keys(host).delay, Math.round(ms), 'PX', ttlMs);
      activity?.crawlDelay(host, ms, ttlMs);
    },
  };
}

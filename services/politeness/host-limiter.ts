import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { HostActivity } from './host-activity.js';

export interface HostLimits {
  concurrency: number;
  intervalMs: number;
}

/**
 * Awaited before each request to a host; resolves to `sent`, which the caller passes on to be called
 * when the request has actually gone out (see HostLease.sent).
 */
export type Pace = () => Promise<() => void>;

export interface HostLease {
  /**
   * Waits until the host's interval (or Crawl-delay) allows the next request and books it. Returns
   * false, without waiting, when that is further away than maxWaitMs (the host is backing off).
   */
  pace(maxWaitMs?: number): Promise<boolean>;
  /**
   * The request has actually left: the next start waits a full interval from now. Starts are booked
   * before the request is sent (DNS, a new connection, a busy event loop come between), so without this
   * a request sent late could reach the server closer than the interval to the next one.
   */
  sent(): Promise<void>;
  release(): Promise<void>;
}

export type Acquired = { lease: HostLease } | { waitMs: number };

export interface HostLimiter {
  /** A slot for one job's requests to `host`, or how long to wait before asking again. */
  acquire(host: string, limits: HostLimits): Promise<Acquired>;
  /** Holds every request to the host back for ms (Retry-After); `why` is shown to ops. Never shortens a longer hold. */
  backoff(host: string, ms: number, why?: string): Promise<void>;
  /** robots.txt Crawl-delay: the host's interval is at least this for ttlMs. */
  setCrawlDelay(host: string, ms: number, ttlMs: number): Promise<void>;
}

// All scripts read Redis's clock, so every worker on every machine agrees on time.
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// KEYS: slots (zset token -> lease end), next (earliest next start), crawl delay. ARGV: limit, interval, lease ms, token.
// Returns 0 when the slot is taken and the request booked, a wait in ms, or -1 when all slots are busy.
const ACQUIRE = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local nextAt = tonumber(redis.call('GET', KEYS[2]) or '0')
if nextAt > now then return nextAt - now end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return -1 end
local interval = math.max(tonumber(ARGV[2]), tonumber(redis.call('GET', KEYS[3]) or '0'))
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
redis.call('SET', KEYS[2], now + interval, 'PX', interval + 60000)
return 0`;

// KEYS: next, crawl delay. ARGV: interval, max wait. Books the next start; returns the wait, or -1 if too far.
const PACE = `${NOW}
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, nextAt)
if start - now > tonumber(ARGV[2]) then return -1 end
local interval = math.max(tonumber(ARGV[1]), tonumber(redis.call('GET', KEYS[2]) or '0'))
redis.call('SET', KEYS[1], start + interval, 'PX', start - now + interval + 60000)
return start - now`;

// KEYS: next, crawl delay. ARGV: interval. The next start is at least a full interval from now.
const SENT = `${NOW}
local untilAt = now + math.max(tonumber(ARGV[1]), tonumber(redis.call('GET', KEYS[2]) or '0'))
if untilAt > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], untilAt, 'PX', untilAt - now + 60000)
end
return 0`;

// KEYS: next. ARGV: hold ms.
const BACKOFF = `${NOW}
local untilAt = now + tonumber(ARGV[1])
if untilAt > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], untilAt, 'PX', tonumber(ARGV[1]) + 60000)
end
return 0`;

type LimiterRedis = Redis & {
  hostAcquire(slots: string, next: string, delay: string, limit: number, interval: number, leaseMs: number, token: string): Promise<number>;
  hostPace(next: string, delay: string, interval: number, maxWait: number): Promise<number>;
  hostBackoff(next: string, ms: number): Promise<number>;
  hostSent(next: string, delay: string, interval: number): Promise<number>;
};

/**
 * Per-host politeness held in Redis, so it binds every worker process on every machine: at most
 * `concurrency` jobs hold a slot for a host, request starts are at least `intervalMs` apart (more when
 * robots.txt asks for a Crawl-delay), and a Retry-After holds the whole host back. A slot is a lease
 * that expires by itself, so a worker that dies cannot keep a host blocked.
 */
export function createHostLimiter(redis: Redis, keyPrefix: string, leaseMs: number, activity?: HostActivity): HostLimiter {
  const client = redis as LimiterRedis;
  if (!client.hostAcquire) {
    redis.defineCommand('hostAcquire', { numberOfKeys: 3, lua: ACQUIRE });
    redis.defineCommand('hostPace', { numberOfKeys: 2, lua: PACE });
    redis.defineCommand('hostBackoff', { numberOfKeys: 1, lua: BACKOFF });
    redis.defineCommand('hostSent', { numberOfKeys: 2, lua: SENT });
  }
  const keys = (host: string) => {
    const base = `${keyPrefix}:host:{${host}}`;
    return { slots: `${base}:slots`, next: `${base}:next`, delay: `${base}:crawl-delay` };
  };

  // Starts are booked in Redis a moment before the request leaves the process; a small margin keeps
  // them at least the interval apart as the server sees them, despite event-loop delays.
  const spacing = (intervalMs: number) => (intervalMs > 0 ? intervalMs + Math.min(50, Math.max(5, Math.round(intervalMs / 10))) : 0);

  return {
    async acquire(host, limits) {
      const k = keys(host);
      const token = randomUUID();
      const interval = spacing(limits.intervalMs);
      const wait = await client.hostAcquire(k.slots, k.next, k.delay, limits.concurrency, interval, leaseMs, token);
      if (wait !== 0) return { waitMs: wait };
      activity?.started(host);
      let first = true;
      return {
        lease: {
          async pace(maxWaitMs = 5_000) {
            // The acquire booked the first request already.
            if (first) {
              first = false;
              return true;
            }
            const delay = await client.hostPace(k.next, k.delay, interval, maxWaitMs);
            if (delay < 0) return false;
            if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
            return true;
          },
          async sent() {
            if (interval > 0) await client.hostSent(k.next, k.delay, interval);
          },
          async release() {
            await client.zrem(k.slots, token);
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

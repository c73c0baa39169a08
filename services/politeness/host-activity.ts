import type { Redis } from 'ioredis';

export interface HostReport {
  /** Hosts by jobs that held one of their slots in the last `busiestWindowMinutes` minutes, busiest first. */
  busiest: { host: string; jobs: number }[];
  busiestWindowMinutes: number;
  /** Hosts every request to which is held back now: a Retry-After, or a robots.txt Crawl-delay. */
  backingOff: { host: string; why: 'retry_after' | 'crawl_delay'; detail: string; until: string }[];
  /** Hosts whose answers were judged `blocked` (bot walls, 401/403/999, persistent 429) in the last 24 hours. */
  blocking: { host: string; verdicts: number; lastReason: string }[];
}

/**
 * What the fleet does to each host, for the ops admin: noted by the workers as it happens, in Redis so
 * that every process adds to it, and kept only as long as it is worth showing. Noting never fails a
 * job: a note that cannot be written is lost. Starts are counted in the process and written once a
 * second (one round trip for all of them, not one per request).
 */
export interface HostActivity {
  started(host: string): void;
  /** Writes the starts counted so far (report does too, for this process's). */
  flush(): Promise<void>;
  retryAfter(host: string, ms: number, reason: string): void;
  crawlDelay(host: string, ms: number, ttlMs: number): void;
  blocked(host: string, reason: string): void;
  report(limit?: number): Promise<HostReport>;
}

const BUSIEST_WINDOW_MINUTES = 5;
const FLUSH_INTERVAL_MS = 1_000;
const BLOCKED_WINDOW_HOURS = 24;

// KEYS: holds (zset host -> until ms), details (hash host -> why). ARGV: now, until, host, detail.
// Drops holds that have ended (so the set stays as small as the hosts held right now), then records
// this one unless a longer hold of the host is on already.
const HOLD = `
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100)
if #expired > 0 then
  redis.call('ZREM', KEYS[1], unpack(expired))
  redis.call('HDEL', KEYS[2], unpack(expired))
end
if tonumber(ARGV[2]) > tonumber(redis.call('ZSCORE', KEYS[1], ARGV[3]) or '0') then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
end
return 0`;

type ActivityRedis = Redis & { hostHold(holds: string, details: string, now: number, until: number, host: string, detail: string): Promise<number> };

export function createHostActivity(redis: Redis, keyPrefix: string): HostActivity {
  const client = redis as ActivityRedis;
  if (!client.hostHold) redis.defineCommand('hostHold', { numberOfKeys: 2, lua: HOLD });
  const base = `${keyPrefix}:hosts`;
  const minute = (at: number) => Math.floor(at / 60_000);
  const hour = (at: number) => Math.floor(at / 3_600_000);
  const jobsKey = (m: number) => `${base}:jobs:${m}`;
  const blockedKey = (h: number) => `${base}:blocked:${h}`;
  const reasonKey = (h: number) => `${base}:blocked-reason:${h}`;
  // Held-back hosts: a zset host -> until (ms), and a hash host -> what holds it back.
  const held = { retryAfter: `${base}:retry-after`, crawlDelay: `${base}:crawl-delay` };
  const detailOf = (key: string) => `${key}:detail`;
  const ignore = () => {};

  const hold = (key: string, host: string, untilMs: number, detail: string) =>
    client.hostHold(key, detailOf(key), Date.now(), untilMs, host, detail).catch(ignore);

  async function heldHosts(key: string, now: number, limit: number) {
    // Read only: holds that have ended are dropped by the next hold, never here (no race with it).
    const entries = await redis.zrevrangebyscore(key, '+inf', `(${now}`, 'WITHSCORES', 'LIMIT', 0, limit);
    const hosts = entries.filter((_, index) => index % 2 === 0);
    const details = hosts.length > 0 ? await redis.hmget(detailOf(key), ...hosts) : [];
    return hosts.map((host, index) => ({
      host, until: new Date(Number(entries[index * 2 + 1])).toISOString(), detail: details[index] ?? '',
    }));
  }

  /** The newest reason each host was judged blocked for, looking back hour by hour. */
  async function lastReasons(hosts: string[], hours: number[]): Promise<string[]> {
    const reasons: (string | null)[] = hosts.map(() => null);
    for (const h of hours) {
      const missing = hosts.filter((_, index) => reasons[index] === null);
      if (missing.length === 0) break;
      const found = await redis.hmget(reasonKey(h), ...missing);
      missing.forEach((host, index) => {
        reasons[hosts.indexOf(host)] ??= found[index] ?? null;
      });
    }
    return reasons.map((reason) => reason ?? '');
  }

  /** Sums the zsets, highest first (ZUNION needs Redis 6.2). */
  async function summed(keys: string[], limit: number): Promise<[string, number][]> {
    const flat = await redis.zunion(keys.length, ...keys, 'WITHSCORES');
    const pairs: [string, number][] = [];
    for (let index = 0; index < flat.length; index += 2) pairs.push([flat[index]!, Number(flat[index + 1])]);
    return pairs.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit);
  }

  // Starts not written yet, by minute and host.
  const unwritten = new Map<number, Map<string, number>>();
  const flush = async () => {
    if (unwritten.size === 0) return;
    const pipeline = redis.pipeline();
    for (const [m, hosts] of unwritten) {
      for (const [host, jobs] of hosts) pipeline.zincrby(jobsKey(m), jobs, host);
      pipeline.expire(jobsKey(m), (BUSIEST_WINDOW_MINUTES + 1) * 60);
    }
    unwritten.clear();
    await pipeline.exec().catch(ignore);
  };
  setInterval(() => void flush(), FLUSH_INTERVAL_MS).unref();

  return {
    started(host) {
      const m = minute(Date.now());
      const hosts = unwritten.get(m) ?? new Map<string, number>();
      unwritten.set(m, hosts.set(host, (hosts.get(host) ?? 0) + 1));
    },
    flush,
    retryAfter(host, ms, reason) {
      void hold(held.retryAfter, host, Date.now() + ms, `${reason}: held back ${Math.ceil(ms / 1000)} s`);
    },
    crawlDelay(host, ms, ttlMs) {
      void hold(held.crawlDelay, host, Date.now() + ttlMs, `robots.txt Crawl-delay ${ms / 1000} s`);
    },
    blocked(host, reason) {
      const h = hour(Date.now());
      const ttl = (BLOCKED_WINDOW_HOURS + 1) * 3600;
      redis.multi().zincrby(blockedKey(h), 1, host).expire(blockedKey(h), ttl)
        .hset(reasonKey(h), host, reason).expire(reasonKey(h), ttl).exec().catch(ignore);
    },
    async report(limit = 50) {
      await flush();
      const now = Date.now();
      const recent = (count: number, current: number) => Array.from({ length: count }, (_, back) => current - back);
      const blockedHours = recent(BLOCKED_WINDOW_HOURS, hour(now));
      const [busiest, retryAfter, crawlDelay, blocked] = await Promise.all([
        summed(recent(BUSIEST_WINDOW_MINUTES, minute(now)).map(jobsKey), limit),
        heldHosts(held.retryAfter, now, limit),
        heldHosts(held.crawlDelay, now, limit),
        summed(blockedHours.map(blockedKey), limit),
      ]);
      const reasons = await lastReasons(blocked.map(([host]) => host), blockedHours);
      return {
        busiest: busiest.map(([host, jobs]) => ({ host, jobs })),
        busiestWindowMinutes: BUSIEST_WINDOW_MINUTES,
        backingOff: [
          ...retryAfter.map((entry) => ({ ...entry, why: 'retry_after' as const })),
          ...crawlDelay.map((entry) => ({ ...entry, why: 'crawl_delay' as const })),
        ],
        blocking: blocked.map(([host, verdicts], index) => ({ host, verdicts, lastReason: reasons[index] ?? '' })),
      };
    },
  };
}

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
 * job: a note that cannot be written is lost.
 */
export interface HostActivity {
  started(host: string): void;
  retryAfter(host: string, ms: number, reason: string): void;
  crawlDelay(host: string, ms: number, ttlMs: number): void;
  blocked(host: string, reason: string): void;
  report(limit?: number): Promise<HostReport>;
}

const BUSIEST_WINDOW_MINUTES = 5;
const BLOCKED_WINDOW_HOURS = 24;

export function createHostActivity(redis: Redis, keyPrefix: string): HostActivity {
  const base = `${keyPrefix}:hosts`;
  const minute = (at: number) => Math.floor(at / 60_000);
  const hour = (at: number) => Math.floor(at / 3_600_000);
  const jobsKey = (m: number) => `${base}:jobs:${m}`;
  const blockedKey = (h: number) => `${base}:blocked:${h}`;
  // Held-back hosts: a zset host -> until (ms), and a hash host -> what holds it back.
  const held = { retryAfter: `${base}:retry-after`, crawlDelay: `${base}:crawl-delay` };
  const detailOf = (key: string) => `${key}:detail`;
  const ignore = () => {};

  const hold = (key: string, host: string, untilMs: number, detail: string) =>
    redis.multi().zadd(key, 'GT', untilMs, host).hset(detailOf(key), host, detail).exec().catch(ignore);

  async function heldHosts(key: string, now: number, limit: number) {
    const expired = await redis.zrangebyscore(key, '-inf', now);
    if (expired.length > 0) await redis.multi().zrem(key, ...expired).hdel(detailOf(key), ...expired).exec();
    const entries = await redis.zrevrange(key, 0, limit - 1, 'WITHSCORES');
    const hosts = entries.filter((_, index) => index % 2 === 0);
    const details = hosts.length > 0 ? await redis.hmget(detailOf(key), ...hosts) : [];
    return hosts.map((host, index) => ({
      host, until: new Date(Number(entries[index * 2 + 1])).toISOString(), detail: details[index] ?? '',
    }));
  }

  /** Sums the zsets, highest first (ZUNION needs Redis 6.2). */
  async function summed(keys: string[], limit: number): Promise<[string, number][]> {
    const flat = await redis.zunion(keys.length, ...keys, 'WITHSCORES');
    const pairs: [string, number][] = [];
    for (let index = 0; index < flat.length; index += 2) pairs.push([flat[index]!, Number(flat[index + 1])]);
    return pairs.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit);
  }

  return {
    started(host) {
      const key = jobsKey(minute(Date.now()));
      redis.multi().zincrby(key, 1, host).expire(key, (BUSIEST_WINDOW_MINUTES + 1) * 60).exec().catch(ignore);
    },
    retryAfter(host, ms, reason) {
      void hold(held.retryAfter, host, Date.now() + ms, `${reason}: held back ${Math.ceil(ms / 1000)} s`);
    },
    crawlDelay(host, ms, ttlMs) {
      void hold(held.crawlDelay, host, Date.now() + ttlMs, `robots.txt Crawl-delay ${ms / 1000} s`);
    },
    blocked(host, reason) {
      const key = blockedKey(hour(Date.now()));
      redis.multi().zincrby(key, 1, host).expire(key, (BLOCKED_WINDOW_HOURS + 1) * 3600)
        .hset(`${base}:blocked-reason`, host, reason).exec().catch(ignore);
    },
    async report(limit = 50) {
      const now = Date.now();
      const recent = (count: number, current: number, key: (n: number) => string) =>
        Array.from({ length: count }, (_, back) => key(current - back));
      const [busiest, retryAfter, crawlDelay, blocked] = await Promise.all([
        summed(recent(BUSIEST_WINDOW_MINUTES, minute(now), jobsKey), limit),
        heldHosts(held.retryAfter, now, limit),
        heldHosts(held.crawlDelay, now, limit),
        summed(recent(BLOCKED_WINDOW_HOURS, hour(now), blockedKey), limit),
      ]);
      const reasons = blocked.length > 0 ? await redis.hmget(`${base}:blocked-reason`, ...blocked.map(([host]) => host)) : [];
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

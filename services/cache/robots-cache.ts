import type { Redis } from 'ioredis';
import type { HttpClient } from '../http/client.js';
import type { HostLimiter, Pace } from '../politeness/host-limiter.js';
import {
  ROBOTS_MAX_BYTES, ROBOTS_MAX_REDIRECTS, productTokenOf, robotsAllows, robotsCrawlDelayMs, robotsPolicyOf,
  type RobotsPolicy,
} from '../crawl/robots.js';

// RFC 9309 lets a crawler keep robots.txt for up to 24 hours.
const RULES_TTL_MS = 24 * 3_600_000;
// An unreachable robots.txt blocks the host; ask again soon rather than shutting it out for a day.
const UNREACHABLE_TTL_MS = 10 * 60_000;
// While one process fetches an origin's robots.txt, the others wait for its answer this long at most.
const FETCH_LOCK_MS = 10_000;
const POLL_MS = 50;
// Each process also keeps the policies it read for a minute (at most so many origins): a Redis read and a
// JSON parse per request otherwise, for rules that are kept a day.
const LOCAL_TTL_MS = 60_000;
const MAX_LOCAL = 5_000;

export interface RobotsCache {
  /** Whether robots.txt lets us crawl `url`; `pace` is awaited before robots.txt itself is fetched. */
  isAllowed(url: string, pace: Pace): Promise<boolean>;
}

/**
 * robots.txt per origin, fetched through the safe client and cached in Redis for every worker process.
 * A Crawl-delay in it becomes the host's minimum interval (capped at maxCrawlDelayMs). Fetches are
 * single-flight: within a process by a shared promise, across processes by a short Redis lock, so a
 * burst of jobs for a new host asks for robots.txt once.
 */
export function createRobotsCache(deps: {
  redis: Redis;
  http: HttpClient;
  limiter: HostLimiter;
  userAgent: string;
  keyPrefix: string;
  maxCrawlDelayMs: number;
}): RobotsCache {
  const token = productTokenOf(deps.userAgent);
  const inFlight = new Map<string, Promise<RobotsPolicy>>();
  const cacheKey = (origin: string) => `${deps.keyPrefix}:robots:${origin}`;
  const local = new Map<string, { policy: RobotsPolicy; until: number }>();
  const remember = (origin: string, policy: RobotsPolicy) => {
    local.delete(origin);
    // Insertion order is age: the first key is the oldest.
    if (local.size >= MAX_LOCAL) local.delete(local.keys().next().value!);
    local.set(origin, { policy, until: Date.now() + LOCAL_TTL_MS });
    return policy;
  };
  const cached = async (origin: string) => {
    const value = await deps.redis.get(cacheKey(origin));
    return value ? remember(origin, JSON.parse(value) as RobotsPolicy) : null;
  };

  async function fetchPolicy(origin: string, pace: Pace): Promise<RobotsPolicy> {
    const lockKey = `${cacheKey(origin)}:lock`;
    if (!(await deps.redis.set(lockKey, '1', 'PX', FETCH_LOCK_MS, 'NX'))) {
      for (let waited = 0; waited < FETCH_LOCK_MS; waited += POLL_MS) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        const policy = await cached(origin);
        if (policy) return policy;
      }
    }
    try {
      const onSent = await pace();
      const result = await deps.http.fetch({
        onSent,
        url: `${origin}/robots.txt`,
        readBody: () => true,
        maxBytes: ROBOTS_MAX_BYTES,
        maxRedirects: ROBOTS_MAX_REDIRECTS,
        accept: 'text/plain,*/*;q=0.5',
      });
      const policy = robotsPolicyOf(result);
      const ttl = policy.kind === 'disallow-all' ? UNREACHABLE_TTL_MS : RULES_TTL_MS;
      const crawlDelay = Math.min(robotsCrawlDelayMs(policy, origin, token), deps.maxCrawlDelayMs);
      if (crawlDelay > 0) await deps.limiter.setCrawlDelay(new URL(origin).hostname, crawlDelay, ttl);
      await deps.redis.set(cacheKey(origin), JSON.stringify(policy), 'PX', ttl);
      return remember(origin, policy);
    } finally {
      await deps.redis.del(lockKey);
    }
  }

  return {
    async isAllowed(url, pace) {
      const { origin } = new URL(url);
      const kept = local.get(origin);
      let policy = kept && kept.until > Date.now() ? kept.policy : await cached(origin);
      if (!policy) {
        let pending = inFlight.get(origin);
        if (!pending) {
          pending = fetchPolicy(origin, pace).finally(() => inFlight.delete(origin));
          inFlight.set(origin, pending);
        }
        policy = await pending;
      }
      return robotsAllows(policy, url, token);
    },
  };
}

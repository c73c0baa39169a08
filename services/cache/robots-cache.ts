import type { Redis } from 'ioredis';
import type { HttpClient } from '../http/client.js';
import type { HostLimiter } from '../politeness/host-limiter.js';
import {
  ROBOTS_MAX_BYTES, ROBOTS_MAX_REDIRECTS, productTokenOf, robotsAllows, robotsCrawlDelayMs, robotsPolicyOf,
  type RobotsPolicy,
} from '../crawl/robots.js';

// RFC 9309 lets a crawler keep robots.txt for up to 24 hours.
const RULES_TTL_MS = 24 * 3_600_000;
// An unreachable robots.txt blocks the host; ask again soon rather than shutting it out for a day.
const UNREACHABLE_TTL_MS = 10 * 60_000;

export interface RobotsCache {
  /** Whether robots.txt lets us crawl `url`; `pace` is awaited before robots.txt itself is fetched. */
  isAllowed(url: string, pace: () => Promise<void>): Promise<boolean>;
}

/**
 * robots.txt per origin, fetched through the safe client and cached in Redis for every worker process.
 * A Crawl-delay in it becomes the host's minimum interval (capped at maxCrawlDelayMs).
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
  return {
    async isAllowed(url, pace) {
      const { origin, hostname } = new URL(url);
      const key = `${deps.keyPrefix}:robots:${origin}`;
      const cached = await deps.redis.get(key);
      let policy: RobotsPolicy;
      if (cached) {
        policy = JSON.parse(cached) as RobotsPolicy;
      } else {
        await pace();
        const result = await deps.http.fetch({
          url: `${origin}/robots.txt`,
          readBody: () => true,
          maxBytes: ROBOTS_MAX_BYTES,
          maxRedirects: ROBOTS_MAX_REDIRECTS,
          accept: 'text/plain,*/*;q=0.5',
        });
        policy = robotsPolicyOf(result);
        const ttl = policy.kind === 'disallow-all' ? UNREACHABLE_TTL_MS : RULES_TTL_MS;
        await deps.redis.set(key, JSON.stringify(policy), 'PX', ttl);
        const crawlDelay = Math.min(robotsCrawlDelayMs(policy, origin, token), deps.maxCrawlDelayMs);
        if (crawlDelay > 0) await deps.limiter.setCrawlDelay(hostname, crawlDelay, ttl);
      }
      return robotsAllows(policy, url, token);
    },
  };
}

import type { Redis } from 'ioredis';
import type { HttpClient } from '../http/client.js';
import { ROBOTS_MAX_BYTES, productTokenOf, robotsAllows, robotsPolicyOf, type RobotsPolicy } from '../crawl/robots.js';

const RULES_TTL_SECONDS = 24 * 3_600;
// An unreachable robots.txt blocks the host; ask again soon rather than shutting it out for a day.
const UNREACHABLE_TTL_SECONDS = 10 * 60;

export interface RobotsCache {
  isAllowed(url: string): Promise<boolean>;
}

/** robots.txt per origin, fetched through the safe client and cached in Redis for every worker process. */
export function createRobotsCache(deps: { redis: Redis; http: HttpClient; userAgent: string; keyPrefix: string }): RobotsCache {
  const token = productTokenOf(deps.userAgent);
  return {
    async isAllowed(url) {
      const origin = new URL(url).origin;
      const key = `${deps.keyPrefix}:robots:${origin}`;
      const cached = await deps.redis.get(key);
      let policy: RobotsPolicy;
      if (cached) {
        policy = JSON.parse(cached) as RobotsPolicy;
      } else {
        const result = await deps.http.fetch({
          url: `${origin}/robots.txt`,
          readBody: () => true,
          maxBytes: ROBOTS_MAX_BYTES,
          accept: 'text/plain,*/*;q=0.5',
        });
        policy = robotsPolicyOf(result);
        const ttl = policy.kind === 'disallow-all' ? UNREACHABLE_TTL_SECONDS : RULES_TTL_SECONDS;
        await deps.redis.set(key, JSON.stringify(policy), 'EX', ttl);
      }
      return robotsAllows(policy, url, token);
    },
  };
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { AppError } from '../errors.js';

const WINDOW_MS = 60_000;

/**
 * Per-account request limit, counted in Redis so it holds across API processes: at most `perMinute`
 * requests in each fixed minute window, then 429 with Retry-After until the window turns. The
 * RateLimit-* headers tell clients where they stand. If Redis cannot count, the request is let through:
 * a limiter outage must not become an API outage.
 */
export function accountRateLimit(redis: Redis, keyPrefix: string, perMinute: number, logger: Logger) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const now = Date.now();
    const window = Math.floor(now / WINDOW_MS);
    const key = `${keyPrefix}:rate:${request.accountId}:${window}`;
    let count: number;
    try {
      const results = await redis.multi().incr(key).pexpire(key, WINDOW_MS * 2).exec();
      count = Number(results?.[0]?.[1] ?? 0);
    } catch (error) {
      logger.warn({ err: error }, 'rate limiter unavailable; request let through');
      return;
    }
    const resetSeconds = Math.ceil(((window + 1) * WINDOW_MS - now) / 1000);
    reply.header('ratelimit-limit', perMinute);
    reply.header('ratelimit-remaining', Math.max(0, perMinute - count));
    reply.header('ratelimit-reset', resetSeconds);
    if (count > perMinute) {
      reply.header('retry-after', resetSeconds);
      throw new AppError(429, 'rate_limited', `more than ${perMinute} requests a minute for this account; retry in ${resetSeconds} s`);
    }
  };
}

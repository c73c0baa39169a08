import { Redis } from 'ioredis';

/**
 * A Redis connection. Producers (API, queues) fail fast when Redis is down so a request gets an error
 * instead of hanging; workers wait for Redis forever (`maxRetriesPerRequest: null`, as BullMQ requires)
 * and resume when it is back. The URL's database index (redis://host:6379/2) is honoured.
 */
export function createRedis(url: string, role: 'producer' | 'worker'): Redis {
  const redis =
    role === 'worker'
      ? new Redis(url, { maxRetriesPerRequest: null })
      : new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 5_000 });
  // Connection errors are retried by ioredis; without a listener each one would be an unhandled error event.
  redis.on('error', () => {});
  return redis;
}

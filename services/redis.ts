import { Redis } from 'ioredis';
import type { OutageLog } from './outages.js';

/**
 * A Redis connection. Producers (API, queues) fail fast when Redis is down so a request gets an error
 * instead of hanging; workers wait for Redis forever (`maxRetriesPerRequest: null`, as BullMQ requires)
 * and resume when it is back. The URL's database index (redis://host:6379/2) is honoured. Connection
 * errors go to the process's outage log (one line per outage, not one per reconnect attempt).
 */
export function createRedis(url: string, role: 'producer' | 'worker', outages?: OutageLog, name?: string): Redis {
  // The name shows in Redis's CLIENT LIST, so ops can tell which connection is which.
  const named = name ? { connectionName: name } : {};
  const redis =
    role === 'worker'
      ? new Redis(url, { maxRetriesPerRequest: null, retryStrategy: reconnectDelay, ...named })
      : new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 5_000, retryStrategy: reconnectDelay, ...named });
  // Without a listener each failed reconnect would be an unhandled error event.
  redis.on('error', (error) => outages?.report('redis', role, error));
  redis.on('ready', () => outages?.restored('redis'));
  return redis;
}

// ioredis retries forever; its default waits grow to 2 s. Capped at 1 s: after an outage, work resumes
// within a second of Redis being back, at the cost of one connect attempt a second while it is away.
const reconnectDelay = (times: number) => Math.min(times * 100, 1_000);

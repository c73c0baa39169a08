import type { Runtime } from './runtime.js';

export const HEARTBEAT_MS = 5_000;
// Three missed beats and a worker process no longer counts.
const HEARTBEAT_TTL_MS = 3 * HEARTBEAT_MS;
const PROBE_TIMEOUT_MS = 2_000;

export const heartbeatKey = (prefix: string) => `${prefix}:workers:heartbeats`;

async function probe<T>(check: () => Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([check(), new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), PROBE_TIMEOUT_MS)))]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

export interface Readiness {
  ready: boolean;
  postgres: 'ok' | 'down';
  redis: 'ok' | 'down';
  /** Worker processes that stamped a heartbeat recently (null when Redis is down). */
  workers: number | null;
}

/** PostgreSQL and Redis answer, and at least one worker process is taking jobs. */
export async function readiness(runtime: Runtime): Promise<Readiness> {
  const key = heartbeatKey(runtime.config.queuePrefix);
  const [postgres, redis, workers] = await Promise.all([
    probe(() => runtime.db.query('SELECT 1').then(() => 'ok' as const)),
    probe(() => runtime.redis.ping().then(() => 'ok' as const)),
    probe(async () => {
      await runtime.redis.zremrangebyscore(key, '-inf', Date.now() - HEARTBEAT_TTL_MS);
      return runtime.redis.zcard(key);
    }),
  ]);
  return {
    ready: postgres === 'ok' && redis === 'ok' && (workers ?? 0) > 0,
    postgres: postgres ?? 'down',
    redis: redis ?? 'down',
    workers,
  };
}

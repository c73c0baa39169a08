import type { Redis } from 'ioredis';

/** The kinds of process the service runs as; /readyz names the ones with no live process. */
export type ProcessKind = 'api' | 'worker';
export const PROCESS_KINDS: ProcessKind[] = ['api', 'worker'];

export const HEARTBEAT_MS = 5_000;
// Three missed beats and a process no longer counts.
export const HEARTBEAT_TTL_MS = 3 * HEARTBEAT_MS;

export const heartbeatKey = (prefix: string) => `${prefix}:processes:heartbeats`;

/**
 * Tells /readyz and the admin that this process is at work: every few seconds, while `healthy()` holds,
 * it stamps `<kind>:<name>` in a Redis sorted set. A process that hangs, dies or loses Redis stops
 * stamping and drops out after HEARTBEAT_TTL_MS; one that stops cleanly removes itself.
 */
export function startHeartbeat(
  redis: Redis,
  prefix: string,
  kind: ProcessKind,
  name: string,
  healthy: () => boolean,
): { stop(): Promise<void> } {
  const key = heartbeatKey(prefix);
  const member = `${kind}:${name}`;
  const beat = () => {
    if (healthy()) redis.zadd(key, Date.now(), member).catch(() => {});
  };
  beat();
  const timer = setInterval(beat, HEARTBEAT_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await redis.zrem(key, member).catch(() => {});
    },
  };
}

/** Live processes of each kind (stale stamps are dropped first). */
export async function liveProcesses(redis: Redis, prefix: string): Promise<Record<ProcessKind, number>> {
  const key = heartbeatKey(prefix);
  await redis.zremrangebyscore(key, '-inf', Date.now() - HEARTBEAT_TTL_MS);
  const members = await redis.zrange(key, 0, -1);
  const counts = Object.fromEntries(PROCESS_KINDS.map((kind) => [kind, 0])) as Record<ProcessKind, number>;
  for (const member of members) {
    const kind = member.slice(0, member.indexOf(':')) as ProcessKind;
    if (kind in counts) counts[kind]++;
  }
  return counts;
}

import type { Runtime } from './runtime.js';
import { pingDatabase } from './store/db.js';
import { liveProcesses, PROCESS_KINDS, type ProcessKind } from './heartbeat.js';

const PROBE_TIMEOUT_MS = 2_000;

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
  /** Live processes of each kind (null when Redis is down). */
  processes: Record<ProcessKind, number> | null;
  /** What the service lacks to do its work: 'postgres', 'redis', or a process kind with no live process. */
  missing: string[];
}

/**
 * PostgreSQL and Redis answer, and at least one worker process is taking jobs. The process answering
 * is an API process, so that kind is never missing; it counts the others' heartbeats.
 */
export async function readiness(runtime: Runtime, self: ProcessKind = 'api'): Promise<Readiness> {
  const [postgres, redis, processes] = await Promise.all([
    probe(() => pingDatabase(runtime.db).then(() => 'ok' as const)),
    probe(() => runtime.redis.ping().then(() => 'ok' as const)),
    probe(() => liveProcesses(runtime.redis, runtime.config.queuePrefix)),
  ]);
  const missing: string[] = [];
  if (postgres !== 'ok') missing.push('postgres');
  if (redis !== 'ok') missing.push('redis');
  if (processes) missing.push(...PROCESS_KINDS.filter((kind) => kind !== self && processes[kind] === 0));
  return {
    ready: missing.length === 0 && processes !== null,
    postgres: postgres ?? 'down',
    redis: redis ?? 'down',
    workers: processes?.worker ?? null,
    processes,
    missing,
  };
}

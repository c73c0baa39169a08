import type { Worker } from 'bullmq';
import type { Runtime } from '../services/runtime.js';
import { heartbeatKey, HEARTBEAT_MS } from '../services/readiness.js';

/**
 * Tells /readyz that this process is taking jobs: every few seconds, while all of its workers run and
 * none is paused, it stamps its name in Redis. A process that hangs, dies or loses Redis stops stamping.
 */
export function startHeartbeat(runtime: Runtime, workers: Worker[], name: string): { stop(): Promise<void> } {
  const key = heartbeatKey(runtime.config.queuePrefix);
  const beat = () => {
    if (workers.every((worker) => worker.isRunning() && !worker.isPaused())) {
      runtime.redis.zadd(key, Date.now(), name).catch(() => {});
    }
  };
  beat();
  const timer = setInterval(beat, HEARTBEAT_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await runtime.redis.zrem(key, name).catch(() => {});
    },
  };
}

import type { Logger } from '../services/logger.js';
import { isOutage } from '../services/outages.js';

/**
 * Runs `task` every intervalMs, never two at once (a slow run makes the next one wait for the following
 * tick), logging failures instead of throwing (outages of PostgreSQL or Redis are left to the outage
 * log: the next tick tries again). The timer does not keep the process alive.
 */
export function every(intervalMs: number, task: () => Promise<unknown>, logger: Logger, what: string): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task()
      .catch((error) => isOutage(error) || logger.error({ err: error }, `${what} failed`))
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

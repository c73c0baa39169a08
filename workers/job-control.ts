import { DelayedError, type Job, type Processor } from 'bullmq';
import { isOutage } from '../services/outages.js';

/** Puts the job back in the queue to run at `delayMs` from now, without using an attempt. */
export async function postpone(job: Job, token: string | undefined, delayMs: number, data?: object): Promise<never> {
  if (data) await job.updateData(data);
  await job.moveToDelayed(Date.now() + Math.max(1, Math.round(delayMs)), token);
  throw new DelayedError();
}

// A job that met an outage asks again after about this long: often enough to resume within seconds of
// the service coming back, rarely enough that a long outage costs little.
const OUTAGE_RETRY_MS = 2_000;

/**
 * A processor whose job, when PostgreSQL or Redis is unreachable, is postponed instead of failed: an
 * outage is nobody's fault, so it uses none of the job's attempts, however long it lasts. (The job's
 * own Redis commands wait for Redis to come back; they run on the worker's connection.)
 */
export function tolerateOutages<T>(processor: Processor<T>): Processor<T> {
  return async (job, token) => {
    try {
      return await processor(job, token);
    } catch (error) {
      if (error instanceof DelayedError || !isOutage(error)) throw error;
      return await postpone(job, token, OUTAGE_RETRY_MS * (0.5 + Math.random()));
    }
  };
}

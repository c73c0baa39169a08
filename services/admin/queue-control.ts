import type { Queue } from 'bullmq';
import { oldestWaitingSeconds, type Queues } from '../queues.js';
import { badRequest, notFound } from '../errors.js';

export const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'paused', 'failed', 'completed'] as const;
/** What ops may clean from a queue: settled jobs only (a waiting or delayed job is work not yet done). */
export const CLEANABLE = ['completed', 'failed'] as const;
export type Cleanable = (typeof CLEANABLE)[number];

export interface QueueSummary {
  name: string;
  paused: boolean;
  counts: Record<(typeof JOB_STATES)[number], number>;
  /** Age of the oldest waiting job in seconds, 0 when none waits. */
  oldestWaitingSeconds: number;
}

export function queueNamed(queues: Queues, name: string): Queue {
  const queue = queues.all.find((candidate) => candidate.name === name);
  if (!queue) throw notFound(`queue '${name}' (queues: ${queues.all.map((q) => q.name).join(', ')})`);
  return queue;
}

export async function summarizeQueue(queue: Queue): Promise<QueueSummary> {
  const [counts, paused, oldest] = await Promise.all([queue.getJobCounts(...JOB_STATES), queue.isPaused(), oldestWaitingSeconds(queue)]);
  return {
    name: queue.name,
    paused,
    counts: Object.fromEntries(JOB_STATES.map((state) => [state, counts[state] ?? 0])) as QueueSummary['counts'],
    oldestWaitingSeconds: Math.round(oldest),
  };
}

/** Puts every failed job of the queue back to waiting; returns how many there were. */
export async function retryFailed(queue: Queue): Promise<number> {
  const failed = await queue.getJobCountByTypes('failed');
  if (failed > 0) await queue.retryJobs({ state: 'failed', count: 1_000 });
  return failed;
}

/** Removes settled jobs older than graceSeconds; returns how many went. */
export async function cleanQueue(queue: Queue, state: string, graceSeconds: number): Promise<number> {
  if (!(CLEANABLE as readonly string[]).includes(state)) {
    throw badRequest('invalid_state', `only ${CLEANABLE.join(' and ')} jobs can be cleaned; waiting and delayed jobs are work not yet done`);
  }
  let removed = 0;
  // clean() removes at most `limit` jobs a call; loop until none is left.
  for (;;) {
    const ids = await queue.clean(graceSeconds * 1000, 1_000, state as Cleanable);
    removed += ids.length;
    if (ids.length < 1_000) return removed;
  }
}

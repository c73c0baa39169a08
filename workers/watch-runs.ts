import type { Job } from 'bullmq';
import type { Runtime } from '../services/runtime.js';
import type { WatchJob } from '../services/queues.js';
import { startWatchRun } from '../services/transactions/watch-transactions.js';

/** What starting a watch's run needs. */
export type WatchRunDeps = Pick<Runtime, 'db' | 'queues' | 'logger'>;

/**
 * Runs a slot of a watch's schedule: BullMQ's job scheduler adds one job per slot (its opts.prevMillis),
 * and the slot's row in watch_runs makes a repeated job start nothing. The crawl's pages are enqueued
 * after commit; if this process dies in between, the reconciler enqueues them (pages without a job).
 */
export function createWatchRunProcessor(runtime: WatchRunDeps) {
  return async function processWatchRun(job: Job<WatchJob>): Promise<void> {
    const slotAt = new Date(job.opts.prevMillis ?? job.timestamp);
    const started = await startWatchRun(runtime.db, job.data.watchId, slotAt);
    if (!started) return;
    if ('skipped' in started) {
      runtime.logger.info({ watchId: job.data.watchId, slotAt }, 'watch run skipped: the previous run is still going');
      return;
    }
    await runtime.queues.enqueuePages(started.pages);
    runtime.logger.info({ watchId: job.data.watchId, slotAt, crawlId: started.crawlId }, 'watch run started');
  };
}

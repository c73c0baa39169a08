import type { Job } from 'bullmq';
import type { Runtime } from '../services/runtime.js';
import { claimRequeue, settleFailedWorkItem, type WorkItem, type WorkKind } from '../services/store/work-items.js';
import { finishCrawl } from './finish-crawl.js';

// A new generation waits this long per earlier one: a job that kills its worker (or keeps failing)
// is not run again at once, and a few seconds are enough for a restarted process or database.
const REQUEUE_DELAY_MS = 2_000;

export interface Recovery {
  /**
   * A generation of a pending item failed for good (attempts used, stalled too often, unrecoverable) or
   * vanished: enqueues the next generation, or, once maxRequeues were used, settles the item as failed
   * with `why` and ends its crawl if that was its last pending item. Safe to call from every process at once.
   */
  retryOrSettle(item: WorkItem, why: string): Promise<'requeued' | 'settled' | 'unchanged'>;
  /** The work item a job of `kind` carries. */
  itemOf(kind: WorkKind, job: Job): WorkItem;
}

export function createRecovery(runtime: Runtime): Recovery {
  const { db, queues, logger, config } = runtime;
  return {
    async retryOrSettle(item, why) {
      const next = await claimRequeue(db, item, config.maxJobRequeues);
      if (next) {
        await queues.enqueueWork([next], REQUEUE_DELAY_MS * next.requeues);
        logger.warn({ ...item, why }, 'job failed for good: enqueued anew');
        return 'requeued';
      }
      if (item.requeues < config.maxJobRequeues) return 'unchanged';
      if (!(await settleFailedWorkItem(db, item, why))) return 'unchanged';
      logger.error({ ...item, why }, 'job kept failing: its item is settled as failed');
      if (item.crawlId) await finishCrawl(runtime, item.crawlId);
      return 'settled';
    },
    itemOf(kind, job) {
      const data = job.data as { crawlId?: string; pageId?: number; targetId?: number; deliveryId?: number; requeues?: number };
      const id = kind === 'page' ? data.pageId : kind === 'target' ? data.targetId : data.deliveryId;
      return { kind, id: id!, crawlId: data.crawlId ?? null, requeues: data.requeues ?? 0 };
    },
  };
}

import type { Queue } from 'bullmq';
import { every } from './every.js';
import type { Runtime } from '../services/runtime.js';
import { stalePendingItems, type PendingItem } from '../services/store/pending.js';
import { pageJobId, checkJobId, deliveryJobId } from '../services/queues.js';
import { stalePendingDeliveries } from '../services/store/webhook-outbox.js';

const BATCH = 1_000;

export interface Reconciler {
  /** Re-enqueues every stale pending item whose job is gone; returns how many. */
  runOnce(): Promise<number>;
  stop(): void;
}

/**
 * BullMQ is only transport: a process that dies between committing new pages or targets and enqueuing
 * their jobs leaves rows with no job, and their crawl would never finish. Every interval this finds
 * pending rows older than minAgeMs whose job does not exist and enqueues it again. Job ids are derived
 * from row ids, so several worker processes reconciling at once add each job once.
 */
export function startReconciler(runtime: Runtime, options: { intervalMs: number; minAgeMs: number }): Reconciler {
  const { db, queues, logger } = runtime;

  async function missing<T extends { id: number }>(queue: Queue, items: T[], jobId: (id: number) => string): Promise<T[]> {
    if (items.length === 0) return [];
    const client = await queue.client;
    const pipeline = client.pipeline();
    for (const item of items) pipeline.exists(queue.toKey(jobId(item.id)));
    const results = (await pipeline.exec()) ?? [];
    return items.filter((_, index) => results[index]?.[1] === 0);
  }

  async function runOnce(): Promise<number> {
    const stale = await stalePendingItems(db, options.minAgeMs, BATCH);
    const pages = await missing(queues.pages, stale.filter((item) => item.kind === 'page'), pageJobId);
    const targets = await missing(queues.checks, stale.filter((item) => item.kind === 'target'), checkJobId);
    await queues.enqueuePages(pages);
    for (const crawlId of new Set(targets.map((target) => target.crawlId))) {
      await queues.enqueueChecks(crawlId, targets.filter((target) => target.crawlId === crawlId));
    }
    const staleDeliveries = (await stalePendingDeliveries(db, options.minAgeMs, BATCH)).map((id) => ({ id }));
    const deliveries = await missing(queues.webhooks, staleDeliveries, deliveryJobId);
    await queues.enqueueDeliveries(deliveries.map((item) => item.id));
    const count = pages.length + targets.length + deliveries.length;
    if (count > 0) {
      logger.warn({ pages: pages.length, targets: targets.length, deliveries: deliveries.length }, 're-enqueued pending work whose jobs were lost');
    }
    return count;
  }

  const timer = every(options.intervalMs, runOnce, logger, 'reconciliation');
  return { runOnce, stop: timer.stop };
}

import type { Runtime } from '../services/runtime.js';
import { withTransaction } from '../services/store/db.js';
import { batchProspectsFound, crawlsWithNotifications } from '../services/store/webhook-outbox.js';
import { every } from './every.js';

/**
 * Every batch interval, turns the new prospects of each crawl into at most one prospects.found event
 * (up to the batch size); a crawl that has ended gets everything at once. Any number of worker processes
 * may run this: the per-crawl lock and interval check live in PostgreSQL.
 */
export function startWebhookBatcher(runtime: Runtime): { stop(): void } {
  const { db, config, queues, logger } = runtime;

  async function runOnce() {
    for (const { crawlId, running: crawlRunning } of await crawlsWithNotifications(db)) {
      const deliveries = await withTransaction(db, (tx) =>
        batchProspectsFound(tx, crawlId, {
          batchSize: config.webhooks.batchSize,
          intervalMs: config.webhooks.batchIntervalMs,
          force: !crawlRunning,
        }),
      );
      if (deliveries) await queues.enqueueDeliveries(deliveries);
    }
  }

  return every(config.webhooks.batchIntervalMs, runOnce, logger, 'webhook batching');
}

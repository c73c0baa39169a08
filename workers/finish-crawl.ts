import type { Runtime } from '../services/runtime.js';
import type { Config } from '../services/config.js';
import { finishCrawlIfDone } from '../services/transactions/crawl-transactions.js';

/** What ending a crawl needs. */
export type FinishDeps = Pick<Runtime, 'db' | 'queues' | 'logger'> & { config: Pick<Config, 'webhooks'> };

/** Ends the crawl when nothing of it is pending, then queues its webhook deliveries. */
export async function finishCrawl(runtime: FinishDeps, crawlId: string): Promise<void> {
  const finished = await finishCrawlIfDone(runtime.db, crawlId, runtime.config.webhooks.batchSize);
  if (!finished) return;
  runtime.logger.info({ crawlId, status: finished.status }, 'crawl finished');
  await runtime.queues.enqueueDeliveries(finished.deliveries);
}

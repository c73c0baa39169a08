import type { Runtime } from '../services/runtime.js';
import type { Config } from '../services/config.js';
import { batchedLookup } from '../services/batching.js';
import { readyToFinish } from '../services/store/crawls.js';
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

/**
 * finishCrawl for the jobs that settle a crawl's items, which call it once each: whether the crawl is
 * ready to end is asked first, for the jobs of the moment together (one read, see services/batching.ts),
 * and only a crawl that is ready pays the ending transaction.
 */
export function createFinisher(runtime: FinishDeps): (crawlId: string) => Promise<void> {
  const isReady = batchedLookup(async (crawlIds: string[]) => new Map([...(await readyToFinish(runtime.db, crawlIds))].map((id) => [id, true])));
  return async (crawlId) => {
    if (await isReady(crawlId)) await finishCrawl(runtime, crawlId);
  };
}

import type { Job } from 'bullmq';
import type { Runtime } from '../services/runtime.js';
import type { Config } from '../services/config.js';
import type { LinkJob } from '../services/queues.js';
import type { ParsePool } from '../services/crawl/parse-pool.js';
import { linkChange, observeLink, type LinkObservation } from '../services/crawl/link-presence.js';
import { dueLinkChecks, linkCheckWork, recordLinkCheck, skipLinkCheck } from '../services/store/link-checks.js';
import { findProspect } from '../services/store/prospects.js';
import { createEvent } from '../services/store/webhook-outbox.js';
import { withTransaction } from '../services/store/db.js';
import { politenessOf, type PoliteDeps } from './polite-attempt.js';
import { readSourcePage } from './source-page.js';

/** Checks due are enqueued this many at a time by a scan. */
const SCAN_BATCH = 500;

/** What checking won links needs (besides the parse pool). */
export type LinkCheckDeps = PoliteDeps & Pick<Runtime, 'db' | 'http' | 'queues'> & { config: Pick<Config, 'retry' | 'politeness' | 'linkCheckIntervalMs'> };

/**
 * The `links` queue: a scan (BullMQ's job scheduler, see scheduleLinkScan) enqueues a check for each
 * won prospect due; a check fetches the source page politely, looks for our link (the replacement URL)
 * and records what it saw. A change (our link appeared, turned nofollow or followed, its anchor text
 * changed, it was removed or replaced, the page is gone) goes into the prospect's history and out as a
 * link.changed or link.lost event, in one transaction, once.
 */
export function createLinkCheckProcessor(runtime: LinkCheckDeps, parser: ParsePool) {
  const { db, http, config } = runtime;

  return async function processLinkCheck(job: Job<LinkJob>, token?: string): Promise<void> {
    if (job.data.prospectId === undefined) {
      await runtime.queues.enqueueLinkChecks(await dueLinkChecks(db, config.linkCheckIntervalMs, SCAN_BATCH));
      return;
    }
    const work = await linkCheckWork(db, job.data.prospectId);
    if (!work || work.checks !== job.data.checks) return;
    const { verdict, links } = await readSourcePage(runtime, parser, job, token, work.sourceUrl, politenessOf(runtime, work));
    const previousAnchor = work.previous?.state === 'present' ? work.previous.anchorText : null;
    const observation: LinkObservation | null = verdict.verdict === 'dead' ? { state: 'page_gone', reason: verdict.reason }
      : links ? observeLink(links, work.replacementUrl, previousAnchor) : null;
    const change = observation ? linkChange(work.previous, observation) : null;
    const deliveries = await withTransaction(db, async (tx) => {
      const stored = await recordLinkCheck(tx, work, { observation, change, sourceStatus: verdict.httpStatus });
      if (!stored || !change) return [];
      const prospect = await findProspect(tx, work.accountId, String(work.prospectId));
      return createEvent(tx, {
        accountId: work.accountId, type: change.event, crawlId: null,
        data: { change: change.change, previous: work.previous, current: observation, prospect },
      });
    });
    await runtime.queues.enqueueDeliveries(deliveries);
    runtime.logger.info({ jobId: job.id, prospectId: work.prospectId, state: observation?.state ?? 'unreadable', change: change?.change }, 'won link checked');
  };
}

/** A check whose job failed for good: the next one is due after the interval. */
export async function giveUpLinkCheck(runtime: Pick<Runtime, 'db'>, job: Job<LinkJob>): Promise<void> {
  if (job.data.prospectId !== undefined) await skipLinkCheck(runtime.db, job.data.prospectId, job.data.checks ?? 0);
}

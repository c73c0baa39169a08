import type { Job } from 'bullmq';
import type { Runtime } from '../services/runtime.js';
import type { Config } from '../services/config.js';
import type { RecheckJob } from '../services/queues.js';
import { attemptCheck } from '../services/crawl/check-url.js';
import type { ParsePool } from '../services/crawl/parse-pool.js';
import { recheckWork, recordRecheck } from '../services/store/rechecks.js';
import { saveVerdict } from '../services/store/verdicts.js';
import { withTransaction } from '../services/store/db.js';
import { findProspect } from '../services/store/prospects.js';
import { createEvent } from '../services/store/webhook-outbox.js';
import { politenessOf, politeAttempt, type PoliteDeps } from './polite-attempt.js';
import { readSourcePage } from './source-page.js';

/** What a recheck needs (besides the parse pool). */
export type RecheckDeps = PoliteDeps & Pick<Runtime, 'db' | 'http' | 'queues'> & { config: Pick<Config, 'retry' | 'politeness' | 'http'> };

/**
 * Re-verifies a prospect the day before an email goes out: a fresh verdict for the dead URL (never the
 * cache), then a fetch of the source page to see that it still links there. Both fetches are polite and
 * retried like any check; the dead URL's verdict is kept in the job's data while the source page waits.
 */
export function createRecheckProcessor(runtime: RecheckDeps, parser: ParsePool) {
  const { db, http, config } = runtime;

  return async function processRecheck(job: Job<RecheckJob>, token?: string): Promise<void> {
    const work = await recheckWork(db, job.data.prospectId);
    if (!work?.pending) return;
    const limits = politenessOf(runtime, work);

    let dead = job.data.dead;
    if (!dead) {
      const settled = await politeAttempt(runtime, job, token, work.deadUrl, limits, (pace) =>
        attemptCheck(http, work.deadUrl, { maxBodyBytes: config.http.checkBodyBytes, pace }),
      );
      dead = settled!.verdict;
      await saveVerdict(db, work.deadUrl, dead);
      // The source page's own attempts start from zero.
      await job.updateData({ prospectId: work.prospectId, dead });
    }

    const { result, links } = await readSourcePage(runtime, parser, job, token, work.sourceUrl, limits);
    const stillLinked = links?.some((link) => link.url === work.deadUrl) ?? false;
    // The outcome and its prospect.rechecked event commit together.
    const deliveries = await withTransaction(db, async (tx) => {
      await recordRecheck(tx, work.prospectId, {
        dead,
        sourceStatus: result.ok ? result.status : null,
        sourceError: result.ok ? null : result.error,
        stillLinked,
      });
      const prospect = await findProspect(tx, work.accountId, String(work.prospectId));
      return createEvent(tx, { accountId: work.accountId, type: 'prospect.rechecked', crawlId: null, data: { prospect } });
    });
    await runtime.queues.enqueueDeliveries(deliveries);
    runtime.logger.info({ jobId: job.id, prospectId: work.prospectId, stillDead: dead.verdict === 'dead', stillLinked }, 'prospect rechecked');
  };
}

import type { Job } from 'bullmq';
import type { Runtime } from '../services/runtime.js';
import type { CheckJob } from '../services/queues.js';
import { checkUrl } from '../services/crawl/check-url.js';
import { recordCheckedTarget } from '../services/store/crawl-progress.js';
import { finishIfDone } from '../services/store/crawls.js';
import { targetForWork } from '../services/store/targets.js';
import { freshVerdict, saveVerdict } from '../services/store/verdicts.js';

/**
 * Decides one outbound URL's verdict for a crawl, reusing a fresh cached verdict when there is one,
 * and turns the crawl's links to it into prospects when it is dead. Safe to run twice.
 */
export function createCheckProcessor(runtime: Runtime) {
  const { db, http, config } = runtime;

  return async function processCheck(job: Job<CheckJob>): Promise<void> {
    const target = await targetForWork(db, job.data.targetId);
    if (!target || target.state !== 'pending') return;
    if (target.crawlStatus !== 'running' && target.crawlStatus !== 'queued') return;

    let checked = await freshVerdict(db, target.url, config.verdictMaxAgeMs);
    if (!checked) {
      checked = await checkUrl(http, target.url, config.connectionRetryDelayMs);
      await saveVerdict(db, target.url, checked);
    }
    const verdict = checked;
    await recordCheckedTarget(db, target, verdict);
    runtime.logger.debug(
      { crawlId: target.crawlId, jobId: job.id, url: target.url, verdict: verdict.verdict, reason: verdict.reason },
      'link checked',
    );
    await finishIfDone(db, target.crawlId);
  };
}

import type { Job } from 'bullmq';
import type { Runtime } from '../services/runtime.js';
import type { Config } from '../services/config.js';
import type { CheckJob } from '../services/queues.js';
import { attemptCheck } from '../services/crawl/check-url.js';
import { recordCheckedTargets, type CheckedTarget } from '../services/transactions/crawl-transactions.js';
import { batched, batchedLookup } from '../services/batching.js';
import { targetsForWork } from '../services/store/targets.js';
import { createFinisher, type FinishDeps } from './finish-crawl.js';
import { politenessOf, politeAttempt, type PoliteDeps } from './polite-attempt.js';
import { postpone } from './job-control.js';
import { lookUpDeadLink } from './dead-link-lookups.js';

// A check waiting for the same URL's page fetch asks again after 1 s, 2 s, 4 s ... at most this.
const MAX_PAGE_WAIT_MS = 15_000;

/** What checking a link needs. */
export type CheckDeps = PoliteDeps & FinishDeps & Pick<Runtime, 'http'> & {
  config: Pick<Config, 'retry' | 'politeness' | 'webhooks' | 'verdictMaxAgeMs' | 'http' | 'archive'>;
};

/**
 * Decides one outbound URL's verdict for a crawl and turns the crawl's links to it into prospects when
 * it is dead. A URL is fetched once: when the crawl also crawls it as a page, that fetch decides; a
 * fresh cached verdict is reused across crawls and accounts. Safe to run twice.
 */
export function createCheckProcessor(runtime: CheckDeps) {
  const { db, http, config } = runtime;
  // The hot statements of concurrent checks go together (see services/batching.ts).
  const workOf = batchedLookup((targetIds: number[]) => targetsForWork(db, targetIds, config.verdictMaxAgeMs));
  const record = batched((checked: CheckedTarget[]) => recordCheckedTargets(db, checked));
  const finishCrawl = createFinisher(runtime);

  return async function processCheck(job: Job<CheckJob>, token?: string): Promise<void> {
    const target = await workOf(job.data.targetId);
    if (!target || target.state !== 'pending') return;
    if (target.crawlStatus !== 'running' && target.crawlStatus !== 'queued') return;

    if (target.asPage?.pending) {
      const waits = job.data.progress?.pageWaits ?? 0;
      const progress = { tries: 0, requests: [], ...job.data.progress, pageWaits: waits + 1 };
      return await postpone(job, token, Math.min(1_000 * 2 ** waits, MAX_PAGE_WAIT_MS), { ...job.data, progress });
    }
    let verdict = target.asPage?.verdict ?? target.cached;
    const fetched = !verdict;
    if (!verdict) {
      const settled = await politeAttempt(runtime, job, token, target.url, politenessOf(runtime, target), (pace) =>
        attemptCheck(http, target.url, { maxBodyBytes: config.http.checkBodyBytes, pace }),
      );
      verdict = settled!.verdict;
    }
    // A verdict this job fetched is cached for other crawls in the same transaction.
    if (await record({ target, verdict, cache: fetched })) {
      runtime.metrics.count('checks', { verdict: verdict.verdict, reason: verdict.reason ?? '' });
    }
    await lookUpDeadLink(runtime, target.url, verdict);
    runtime.logger.debug(
      { crawlId: target.crawlId, jobId: job.id, url: target.url, verdict: verdict.verdict, reason: verdict.reason },
      'link checked',
    );
    await finishCrawl(target.crawlId);
  };
}

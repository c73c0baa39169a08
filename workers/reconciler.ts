import { every } from './every.js';
import type { Runtime } from '../services/runtime.js';
import { archiveJobId, domainJobId, jobIdOf, LINK_SCAN_SCHEDULER, linkScanEveryMs, recheckJobId, watchSchedulerId } from '../services/queues.js';
import { activeWatches } from '../services/store/watches.js';
import { pendingArchiveLookups, recordArchiveLookup } from '../services/store/archive.js';
import { pendingDomainLookups, recordDomainFacts } from '../services/store/domain-facts.js';
import { UNKNOWN_DOMAIN } from '../services/crawl/rdap.js';
import { pendingRechecks, recordRecheckFailure } from '../services/store/rechecks.js';
import { jobStates } from '../services/job-states.js';
import { crawlsToFinish, freezeSettledCrawlStats, stuckCrawls } from '../services/store/crawls.js';
import { failStuckCrawl } from '../services/transactions/crawl-transactions.js';
import { pendingWorkItems, type WorkItem, type WorkKind } from '../services/store/work-items.js';
import { finishCrawl } from './finish-crawl.js';
import type { Recovery } from './recovery.js';

const BATCH = 2_000;
// A crawl cancelled (or failed as stuck) while work was pending may still see its jobs in flight record
// what they did; each is bounded by the HTTP client's timeouts (well under a minute), so after this long
// its counts no longer move and are kept.
const ENDED_SETTLE_MS = 10 * 60_000;
const KINDS: WorkKind[] = ['page', 'target', 'delivery'];

export interface ReconcilerOptions {
  intervalMs: number;
  /** Items planned or enqueued anew more recently than this are left alone (their job is on its way). */
  minAgeMs: number;
  /** A job active without a lock for this long has lost its worker. */
  orphanAfterMs: number;
  /** A live crawl with no progress for this long is failed (0: never). */
  stuckAfterMs: number;
}

export interface Reconciler {
  /** One pass: every kind's next batch of pending items and lookups, then crawls left unfinished or stuck. */
  runOnce(): Promise<{ enqueued: number; retried: number; finished: number; failed: number }>;
  stop(): void;
}

/**
 * BullMQ is only transport, PostgreSQL is the authority. Every interval, each worker process walks the
 * pending items a batch at a time and asks Redis where each one's job stands (one script call per
 * batch): a missing job (lost between commit and enqueue, or Redis lost its data) is enqueued again;
 * a job that failed for good, finished without settling its item, or lost its worker is handed to
 * recovery (a new generation, or the item settled as failed). Then crawls with nothing pending are
 * ended, crawls that made no progress for stuckAfterMs are failed with what was left, and the counts
 * of crawls cancelled or failed a while ago are kept (see freezeSettledCrawlStats). Job ids and
 * generations derive from rows, so any number of processes reconciling at once add each job once.
 */
export function startReconciler(runtime: Runtime, recovery: Recovery, options: ReconcilerOptions): Reconciler {
  const { db, queues, logger, config } = runtime;
  const cursors: Record<WorkKind, number> = { page: 0, target: 0, delivery: 0 };
  let stuckCheckedAt = 0;

  async function reconcileKind(kind: WorkKind) {
    const items = await pendingWorkItems(db, kind, { afterId: cursors[kind], minAgeMs: options.minAgeMs, limit: BATCH });
    cursors[kind] = items.length < BATCH ? 0 : items[items.length - 1]!.id;
    const states = await jobStates(queues.queueOf(kind), items.map(jobIdOf), options.orphanAfterMs);
    const missing: WorkItem[] = [];
    let retried = 0;
    for (const [index, item] of items.entries()) {
      const job = states[index]!;
      if (job.state === 'missing') missing.push(item);
      else if (job.state === 'failed') retried += Number((await recovery.retryOrSettle(item, job.reason)) !== 'unchanged');
      else if (job.state === 'completed' || job.state === 'orphaned') {
        const why = job.state === 'completed' ? 'its job finished without settling it' : 'its worker was lost';
        retried += Number((await recovery.retryOrSettle(item, why)) !== 'unchanged');
      }
    }
    await queues.enqueueWork(missing);
    return { enqueued: missing.length, retried };
  }

  async function runOnce() {
    let enqueued = 0;
    let retried = 0;
    for (const kind of KINDS) {
      const done = await reconcileKind(kind);
      enqueued += done.enqueued;
      retried += done.retried;
    }
    const lookups = await reconcileLookups();
    enqueued += lookups.enqueued;
    retried += lookups.settled;
    const unfinished = await crawlsToFinish(db);
    for (const crawlId of unfinished) await finishCrawl(runtime, crawlId);
    await reconcileSchedulers();
    const failed = await failStuck();
    await freezeSettledCrawlStats(db, ENDED_SETTLE_MS);
    if (enqueued + retried + failed > 0) logger.warn({ enqueued, retried, failed }, 'reconciled work whose jobs were lost or failed');
    return { enqueued, retried, finished: unfinished.length, failed };
  }

  /**
   * Archive and domain lookups and rechecks are side work (no crawl waits for them), but a pending one
   * must not stay pending forever: a lost job is enqueued again; one that failed for good, or is gone
   * from its worker, is settled as its failure handler would (archive unavailable, domain unknown,
   * recheck failed).
   */
  async function reconcileLookups() {
    const counts = { enqueued: 0, settled: 0 };
    /** A kind of side work: its pending items, their job ids and queue, and what a lost or dead job leaves to do. */
    async function reconcile<T>(kind: {
      pending: T[];
      queue: (typeof queues)['all'][number];
      jobId(item: T): string;
      enqueue(item: T): Promise<unknown>;
      settle(item: T): Promise<unknown>;
    }) {
      const states = await jobStates(kind.queue, kind.pending.map(kind.jobId), options.orphanAfterMs);
      for (const [index, item] of kind.pending.entries()) {
        const { state } = states[index]!;
        if (state === 'missing') await kind.enqueue(item);
        else if (state !== 'live') await kind.settle(item);
        counts.enqueued += Number(state === 'missing');
        counts.settled += Number(state !== 'missing' && state !== 'live');
      }
    }
    await reconcile({
      pending: await pendingArchiveLookups(db, options.minAgeMs, BATCH), queue: queues.archive, jobId: archiveJobId,
      enqueue: (url) => queues.enqueueArchiveLookup(url), settle: (url) => recordArchiveLookup(db, url, { state: 'unavailable' }),
    });
    await reconcile({
      pending: await pendingDomainLookups(db, options.minAgeMs, BATCH), queue: queues.domains, jobId: domainJobId,
      enqueue: (lookup) => queues.enqueueDomainLookup(lookup), settle: (lookup) => recordDomainFacts(db, lookup.domain, UNKNOWN_DOMAIN),
    });
    await reconcile({
      pending: await pendingRechecks(db, options.minAgeMs, BATCH), queue: queues.rechecks, jobId: recheckJobId,
      enqueue: (recheck) => queues.enqueueRecheck(recheck), settle: (recheck) => recordRecheckFailure(db, recheck.prospectId),
    });
    return counts;
  }

  /**
   * Job schedulers live in Redis, watches in PostgreSQL: every watch that is not paused has its
   * scheduler with its schedule, no other watch scheduler remains, and the scan for won links due runs
   * (a wiped Redis gets them back on the next pass).
   */
  async function reconcileSchedulers() {
    const wanted = new Map((await activeWatches(db)).map((watch) => [watchSchedulerId(watch.id), watch]));
    const existing = await queues.watches.getJobSchedulers(0, -1);
    for (const scheduler of existing) {
      const watch = wanted.get(scheduler.key);
      const same = watch && ('everyMs' in watch.schedule
        ? Number(scheduler.every) === watch.schedule.everyMs
        : scheduler.pattern === watch.schedule.cron && scheduler.tz === watch.schedule.timezone);
      if (same) wanted.delete(scheduler.key);
      else if (!watch) await queues.watches.removeJobScheduler(scheduler.key);
    }
    for (const watch of wanted.values()) await queues.scheduleWatch(watch.id, watch.schedule);
    if (!(await queues.links.getJobScheduler(LINK_SCAN_SCHEDULER))) await queues.scheduleLinkScan(linkScanEveryMs(config.linkCheckIntervalMs));
  }

  // Stuck crawls are rare and the check reads every live crawl's progress: at most every minute.
  async function failStuck(): Promise<number> {
    if (options.stuckAfterMs <= 0 || Date.now() - stuckCheckedAt < Math.min(60_000, options.stuckAfterMs / 4)) return 0;
    stuckCheckedAt = Date.now();
    // Paused queues stop crawls on purpose (ops at work): that is not being stuck.
    if ((await queues.pages.isPaused()) || (await queues.checks.isPaused())) return 0;
    let failed = 0;
    for (const crawlId of await stuckCrawls(db, options.stuckAfterMs)) {
      const deliveries = await failStuckCrawl(db, crawlId, options.stuckAfterMs, config.webhooks.batchSize);
      if (!deliveries) continue;
      failed++;
      logger.error({ crawlId, idleMinutes: options.stuckAfterMs / 60_000 }, 'crawl made no progress: failed');
      await queues.enqueueDeliveries(deliveries);
    }
    return failed;
  }

  const timer = every(options.intervalMs, runOnce, logger, 'reconciliation');
  return { runOnce, stop: timer.stop };
}

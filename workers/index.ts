import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import type { Runtime } from '../services/runtime.js';
import { QUEUE_NAMES } from '../services/queues.js';
import { createRedis } from '../services/redis.js';
import { recordPageResult } from '../services/store/pages.js';
import { recordTargetVerdict } from '../services/store/targets.js';
import { createCheckProcessor } from './checks.js';
import { createPageProcessor } from './pages.js';
import { finishCrawl } from './finish-crawl.js';
import { createParsePool } from '../services/crawl/parse-pool.js';
import { startReconciler, type Reconciler } from './reconciler.js';
import { createRecheckProcessor } from './rechecks.js';
import { createArchiveProcessor, giveUpArchiveLookup } from './archive.js';
import { recordRecheckFailure } from '../services/store/rechecks.js';
import { createDeliveryProcessor } from './webhooks.js';
import { startWebhookBatcher } from './webhook-batcher.js';
import { startHeartbeat } from './heartbeat.js';

export interface Workers {
  workers: Worker[];
  reconciler: Reconciler;
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
}

/** Starts one BullMQ worker per queue, each on its own Redis connection. */
export function startWorkers(runtime: Runtime): Workers {
  const { config, logger, db } = runtime;
  const connections = Array.from({ length: 5 }, () => createRedis(config.redisUrl, 'worker'));
  const options = (concurrency: number, index: number) => ({
    connection: connections[index]!,
    prefix: config.queuePrefix,
    concurrency,
    // Recorded on each job as processedBy, so ops (and tests) see which process ran it.
    name: `${hostname()}:${process.pid}`,
    // A process that dies mid-job stops renewing its lock; another takes the job over after this.
    lockDuration: config.jobLockMs,
    stalledInterval: config.jobLockMs,
  });
  const parser = createParsePool({ threads: config.parseThreads, timeoutMs: config.parseTimeoutMs });
  const pages = new Worker(QUEUE_NAMES.pages, createPageProcessor(runtime, parser), options(config.pageConcurrency, 0));
  const checks = new Worker(QUEUE_NAMES.checks, createCheckProcessor(runtime), options(config.checkConcurrency, 1));
  const rechecks = new Worker(QUEUE_NAMES.rechecks, createRecheckProcessor(runtime, parser), options(4, 2));
  const archive = new Worker(QUEUE_NAMES.archive, createArchiveProcessor(runtime), options(config.archive.concurrency, 3));
  const webhooks = new Worker(QUEUE_NAMES.webhooks, createDeliveryProcessor(runtime), options(16, 4));
  const all = [pages, checks, rechecks, archive, webhooks];
  const batcher = startWebhookBatcher(runtime);

  // A job that exhausted its attempts still settles its item, so the crawl can finish.
  const onFinalFailure = (settle: (job: Job) => Promise<unknown>) => async (job: Job | undefined, error: Error) => {
    logger.error({ err: error, jobId: job?.id, queue: job?.queueName, crawlId: job?.data?.crawlId }, 'job failed');
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    try {
      await settle(job);
      if (job.data.crawlId) await finishCrawl(runtime, job.data.crawlId);
    } catch (settleError) {
      logger.error({ err: settleError, jobId: job.id }, 'could not settle a failed job');
    }
  };
  pages.on('failed', onFinalFailure((job) =>
    recordPageResult(db, job.data.pageId, {
      state: 'failed', finalUrl: null, httpStatus: null, title: null, outcome: 'internal_error', verdict: null,
    }),
  ));
  checks.on('failed', onFinalFailure((job) =>
    recordTargetVerdict(db, job.data.targetId, {
      verdict: 'unknown', reason: 'internal_error', httpStatus: null, finalUrl: null,
      attempts: job.data.progress?.requests ?? [], checkedAt: new Date(),
    }),
  ));
  rechecks.on('failed', onFinalFailure((job) =>
    recordRecheckFailure(db, job.data.prospectId),
  ));
  archive.on('failed', onFinalFailure((job) => giveUpArchiveLookup(runtime, job)));
  for (const worker of all) {
    worker.on('error', (error) => logger.error({ err: error, queue: worker.name }, 'worker error'));
  }

  const heartbeat = startHeartbeat(runtime, all, `${hostname()}:${process.pid}`);
  const reconciler = startReconciler(runtime, { intervalMs: config.reconcileIntervalMs, minAgeMs: config.reconcileMinAgeMs });

  return {
    workers: all,
    reconciler,
    async close() {
      reconciler.stop();
      batcher.stop();
      await heartbeat.stop();
      await Promise.all(all.map((worker) => worker.close()));
      await parser.close();
      // BullMQ leaves connections it was given open: they are ours to close.
      await Promise.all(connections.map((connection) => connection.quit().catch(() => {})));
    },
  };
}

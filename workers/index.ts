import { hostname } from 'node:os';
import { Worker, type Job, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Runtime } from '../services/runtime.js';
import { QUEUE_NAMES } from '../services/queues.js';
import { createRedis } from '../services/redis.js';
import { startHeartbeat } from '../services/heartbeat.js';
import type { WorkKind } from '../services/store/work-items.js';
import { recordRecheckFailure } from '../services/store/rechecks.js';
import { createParsePool } from '../services/crawl/parse-pool.js';
import { createCheckProcessor } from './checks.js';
import { createPageProcessor } from './pages.js';
import { startReconciler, type Reconciler } from './reconciler.js';
import { createRecheckProcessor } from './rechecks.js';
import { createArchiveProcessor, giveUpArchiveLookup } from './archive.js';
import { createDeliveryProcessor } from './webhooks.js';
import { startWebhookBatcher } from './webhook-batcher.js';
import { createRecovery } from './recovery.js';
import { tolerateOutages } from './job-control.js';

export interface Workers {
  workers: Worker[];
  reconciler: Reconciler;
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
}

// After a Redis error BullMQ waits this long before its loop asks again (its default is 15 s): work
// resumes about a second after Redis is back.
const RUN_RETRY_DELAY_MS = 1_000;

/** Starts one BullMQ worker per queue, each on its own Redis connection. */
export function startWorkers(runtime: Runtime): Workers {
  const { config, logger, db, outages } = runtime;
  const connections: Redis[] = [];
  const parser = createParsePool({ threads: config.parseThreads, timeoutMs: config.parseTimeoutMs });
  const start = <T>(queue: string, processor: Processor<T>, concurrency: number) => {
    const connection = createRedis(config.redisUrl, 'worker', outages);
    connections.push(connection);
    const worker = new Worker<T>(queue, tolerateOutages(processor), {
      connection,
      prefix: config.queuePrefix,
      concurrency,
      // Recorded on each job as processedBy, so ops (and tests) see which process ran it.
      name: `${hostname()}:${process.pid}`,
      // A process that dies mid-job stops renewing its lock; another takes the job over once the lock has
      // expired and a stall check (every third of the lock) has seen it twice.
      lockDuration: config.jobLockMs,
      stalledInterval: Math.max(500, Math.round(config.jobLockMs / 3)),
      runRetryDelay: RUN_RETRY_DELAY_MS,
    });
    worker.on('error', (error) => outages.report('redis', `worker ${queue}`, error));
    return worker;
  };
  const pages = start(QUEUE_NAMES.pages, createPageProcessor(runtime, parser), config.pageConcurrency);
  const checks = start(QUEUE_NAMES.checks, createCheckProcessor(runtime), config.checkConcurrency);
  const rechecks = start(QUEUE_NAMES.rechecks, createRecheckProcessor(runtime, parser), 4);
  const archive = start(QUEUE_NAMES.archive, createArchiveProcessor(runtime), config.archive.concurrency);
  const webhooks = start(QUEUE_NAMES.webhooks, createDeliveryProcessor(runtime), 16);
  const all = [pages, checks, rechecks, archive, webhooks] as Worker[];
  const batcher = startWebhookBatcher(runtime);
  const recovery = createRecovery(runtime);

  // BullMQ emits 'failed' for every failed attempt; a job has failed for good once it is finished.
  const onFailedForGood = (settle: (job: Job) => Promise<unknown>) => async (job: Job | undefined, error: Error) => {
    logger.error({ err: error, jobId: job?.id, queue: job?.queueName, crawlId: job?.data?.crawlId }, 'job failed');
    if (!job?.finishedOn) return;
    // What fails here (the database is away, the process is stopping) is left to the reconciler.
    await settle(job).catch((settleError) => logger.warn({ err: settleError, jobId: job.id }, 'could not settle a failed job'));
  };
  const workItem = (kind: WorkKind) => onFailedForGood((job) => recovery.retryOrSettle(recovery.itemOf(kind, job), job.failedReason));
  pages.on('failed', workItem('page'));
  checks.on('failed', workItem('target'));
  webhooks.on('failed', workItem('delivery'));
  rechecks.on('failed', onFailedForGood((job) => recordRecheckFailure(db, job.data.prospectId)));
  archive.on('failed', onFailedForGood((job) => giveUpArchiveLookup(runtime, job)));

  // A worker process counts for /readyz while all of its workers run and none is paused.
  const heartbeat = startHeartbeat(runtime.redis, config.queuePrefix, 'worker', `${hostname()}:${process.pid}`, () =>
    all.every((worker) => worker.isRunning() && !worker.isPaused()),
  );
  const reconciler = startReconciler(runtime, recovery, {
    intervalMs: config.reconcileIntervalMs,
    minAgeMs: config.reconcileMinAgeMs,
    orphanAfterMs: 3 * config.jobLockMs,
    stuckAfterMs: config.stuckCrawlTimeoutMs,
  });

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

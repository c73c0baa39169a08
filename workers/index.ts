import { hostname } from 'node:os';
import { Worker, type Job, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Runtime } from '../services/runtime.js';
import { QUEUE_NAMES, type QueueName } from '../services/queues.js';
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
import { createDomainFactsProcessor, giveUpDomainLookup, RDAP_RATE_LIMIT } from './domain-facts.js';
import { createDeliveryProcessor } from './webhooks.js';
import { createWatchRunProcessor } from './watch-runs.js';
import { createLinkCheckProcessor, giveUpLinkCheck } from './link-checks.js';
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

/** One BullMQ worker: its queue, how many jobs it runs at once, what runs them, and what a job that failed for good leaves behind. */
interface WorkerSpec {
  queue: QueueName;
  concurrency: number;
  processor: Processor;
  /** Settles (or enqueues anew) the work of a job that failed for good. */
  settle(job: Job): Promise<unknown>;
  /** At most max jobs started per duration ms, across every worker of the queue (a third party's rate limit). */
  limiter?: { max: number; duration: number };
  /**
   * A third party the queue's jobs ask (the archive, RDAP): when it is away every job fails alike, so
   * failures are logged at warn, without a stack, once per THIRD_PARTY_LOG_MS with how many were alike.
   */
  thirdParty?: string;
}

// A third party that stays away is reported again this often.
const THIRD_PARTY_LOG_MS = 10 * 60_000;

/** Starts one BullMQ worker per queue, each on a Redis connection of its own, named after it. */
export function startWorkers(runtime: Runtime): Workers {
  const { config, logger, db, outages } = runtime;
  const processName = `${hostname()}:${process.pid}`;
  const parser = createParsePool({ threads: config.parseThreads, timeoutMs: config.parseTimeoutMs });
  const recovery = createRecovery(runtime);
  const workItem = (kind: WorkKind) => (job: Job) => recovery.retryOrSettle(recovery.itemOf(kind, job), job.failedReason);

  const specs: WorkerSpec[] = [
    { queue: 'pages', concurrency: config.pageConcurrency, processor: createPageProcessor(runtime, parser), settle: workItem('page') },
    { queue: 'checks', concurrency: config.checkConcurrency, processor: createCheckProcessor(runtime), settle: workItem('target') },
    { queue: 'rechecks', concurrency: 4, processor: createRecheckProcessor(runtime, parser), settle: (job) => recordRecheckFailure(db, job.data.prospectId) },
    {
      queue: 'archive', concurrency: config.archive.concurrency, processor: createArchiveProcessor(runtime), settle: (job) => giveUpArchiveLookup(runtime, job),
      thirdParty: `the archive (ARCHIVE_URL ${config.archive.url ?? 'off'})`,
    },
    {
      queue: 'domains', concurrency: config.rdap.concurrency, processor: createDomainFactsProcessor(runtime),
      settle: (job) => giveUpDomainLookup(runtime, job), limiter: RDAP_RATE_LIMIT, thirdParty: `RDAP (RDAP_URL ${config.rdap.url})`,
    },
    { queue: 'webhooks', concurrency: 16, processor: createDeliveryProcessor(runtime), settle: workItem('delivery') },
    // A slot that failed for good is a run that did not happen; the next slot starts the next one.
    { queue: 'watches', concurrency: 2, processor: createWatchRunProcessor(runtime), settle: async () => {} },
    { queue: 'links', concurrency: 4, processor: createLinkCheckProcessor(runtime, parser), settle: (job) => giveUpLinkCheck(runtime, job) },
  ];

  const connections: Redis[] = [];
  const all = specs.map((spec) => {
    const connection = createRedis(config.redisUrl, 'worker', outages, `${config.queuePrefix}:worker:${spec.queue}:${processName}`);
    connections.push(connection);
    const worker = new Worker(QUEUE_NAMES[spec.queue], tolerateOutages(spec.processor), {
      connection,
      prefix: config.queuePrefix,
      concurrency: spec.concurrency,
      // Recorded on each job as processedBy, so ops (and tests) see which process ran it.
      name: processName,
      // A process that dies mid-job stops renewing its lock; another takes the job over once the lock has
      // expired and a stall check (every third of the lock) has seen it twice.
      lockDuration: config.jobLockMs,
      stalledInterval: Math.max(500, Math.round(config.jobLockMs / 3)),
      runRetryDelay: RUN_RETRY_DELAY_MS,
      ...(spec.limiter ? { limiter: spec.limiter } : {}),
    });
    worker.on('error', (error) => outages.report('redis', `worker ${spec.queue}`, error));
    // BullMQ emits 'failed' for every failed attempt; a job has failed for good once it is finished.
    let reported = { at: -Infinity, alike: 0 };
    worker.on('failed', async (job: Job | undefined, error: Error) => {
      if (!spec.thirdParty) logger.error({ err: error, jobId: job?.id, queue: spec.queue, crawlId: job?.data?.crawlId }, 'job failed');
      else if (Date.now() - reported.at < THIRD_PARTY_LOG_MS) reported.alike++;
      else {
        logger.warn({ queue: spec.queue, error: error.message, alikeSinceLastReport: reported.alike }, `${spec.thirdParty} could not be asked; lookups are retried, then settled without it`);
        reported = { at: Date.now(), alike: 0 };
      }
      if (!job?.finishedOn) return;
      // What fails here (the database is away, the process is stopping) is left to the reconciler.
      await spec.settle(job).catch((settleError) => logger.warn({ err: settleError, jobId: job.id }, 'could not settle a failed job'));
    });
    return worker;
  });
  const batcher = startWebhookBatcher(runtime);

  const heartbeat = startHeartbeat(runtime.redis, config.queuePrefix, 'worker', processName, () =>
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

import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Logger } from './logger.js';
import { createHash } from 'node:crypto';
import type { Attempt, SettledVerdict } from './crawl/verdict.js';

/** Queue names and the payload each job carries: ids only, PostgreSQL holds the rest. */
export const QUEUE_NAMES = {
  pages: 'pages', checks: 'checks', rechecks: 'rechecks', archive: 'archive', webhooks: 'webhooks',
} as const;

/** Carried across a job's delayed retries: how many fetch attempts were made, and their evidence. */
export interface FetchProgress {
  tries: number;
  requests: Attempt[];
  /** Times a link check waited for the same URL's page fetch. */
  pageWaits?: number;
}

export interface PageJob {
  crawlId: string;
  pageId: number;
  progress?: FetchProgress;
}

export interface CheckJob {
  crawlId: string;
  targetId: number;
  progress?: FetchProgress;
}

// Attempts are for operational trouble (database or Redis hiccups); a dead link is a result, not a failure.
export const JOB_DEFAULTS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
};

export interface RecheckJob {
  prospectId: number;
  /** The dead URL's fresh verdict, once decided; then the source page is fetched. */
  dead?: SettledVerdict;
  progress?: FetchProgress;
}

export interface ArchiveJob {
  url: string;
}

export interface DeliveryJob {
  deliveryId: number;
}

/** Job ids derive from database ids: enqueuing the same page or target twice while its job exists adds nothing. */
export const pageJobId = (pageId: number) => `page-${pageId}`;
export const checkJobId = (targetId: number) => `check-${targetId}`;
/** A redelivery after a reset is a new job: the id carries the reset's time. */
export const deliveryJobId = (deliveryId: number) => `delivery-${deliveryId}`;

export interface Queues {
  pages: Queue<PageJob>;
  checks: Queue<CheckJob>;
  rechecks: Queue<RecheckJob>;
  archive: Queue<ArchiveJob>;
  webhooks: Queue<DeliveryJob>;
  /** Every queue, for metrics and the admin. */
  all: Queue[];
  enqueueDeliveries(deliveryIds: number[], fresh?: boolean): Promise<void>;
  enqueueRecheck(prospectId: number): Promise<void>;
  enqueueArchiveLookup(url: string): Promise<void>;
  enqueuePages(pages: { id: number; crawlId: string }[]): Promise<void>;
  enqueueChecks(crawlId: string, targets: { id: number }[]): Promise<void>;
  close(): Promise<void>;
}

/** How long the oldest job waiting in the queue has waited, in seconds; 0 when none waits. */
export async function oldestWaitingSeconds(queue: Queue): Promise<number> {
  const [oldest] = await queue.getJobs(['waiting'], 0, 0, true);
  return oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0;
}

/** Producers for every queue. */
export function createQueues(connection: ConnectionOptions, prefix: string, logger: Logger, archiveRetryDelayMs = 30_000): Queues {
  const pages = new Queue<PageJob>(QUEUE_NAMES.pages, { connection, prefix, defaultJobOptions: JOB_DEFAULTS });
  const checks = new Queue<CheckJob>(QUEUE_NAMES.checks, { connection, prefix, defaultJobOptions: JOB_DEFAULTS });
  const rechecks = new Queue<RecheckJob>(QUEUE_NAMES.rechecks, { connection, prefix, defaultJobOptions: JOB_DEFAULTS });
  // The archive can be down for a while: a lookup is retried for minutes, then given up.
  const archive = new Queue<ArchiveJob>(QUEUE_NAMES.archive, {
    connection, prefix, defaultJobOptions: { ...JOB_DEFAULTS, attempts: 4, backoff: { type: 'exponential', delay: archiveRetryDelayMs } },
  });
  // Delivery retries follow the webhook schedule (the job postpones itself); BullMQ's attempts only
  // cover operational trouble.
  const webhooks = new Queue<DeliveryJob>(QUEUE_NAMES.webhooks, { connection, prefix, defaultJobOptions: JOB_DEFAULTS });
  const all = [pages, checks, rechecks, archive, webhooks];
  for (const queue of all) {
    queue.on('error', (error) => logger.error({ err: error, queue: queue.name }, 'queue error'));
  }
  return {
    pages,
    checks,
    rechecks,
    archive,
    webhooks,
    all: all as Queue[],
    async enqueueDeliveries(deliveryIds, fresh = false) {
      if (deliveryIds.length === 0) return;
      await webhooks.addBulk(
        deliveryIds.map((deliveryId) => ({
          name: 'delivery',
          data: { deliveryId },
          opts: { jobId: fresh ? `${deliveryJobId(deliveryId)}-${Date.now()}` : deliveryJobId(deliveryId) },
        })),
      );
    },
    async enqueueRecheck(prospectId) {
      await rechecks.add('recheck', { prospectId }, { jobId: `recheck-${prospectId}-${Date.now()}` });
    },
    async enqueueArchiveLookup(url) {
      const id = createHash('sha256').update(url).digest('hex').slice(0, 32);
      await archive.add('archive', { url }, { jobId: `archive-${id}` });
    },
    async enqueuePages(planned) {
      if (planned.length === 0) return;
      await pages.addBulk(
        planned.map((page) => ({
          name: 'page',
          data: { crawlId: page.crawlId, pageId: page.id },
          opts: { jobId: pageJobId(page.id) },
        })),
      );
    },
    async enqueueChecks(crawlId, targets) {
      if (targets.length === 0) return;
      await checks.addBulk(
        targets.map((target) => ({
          name: 'check',
          data: { crawlId, targetId: target.id },
          opts: { jobId: checkJobId(target.id) },
        })),
      );
    },
    async close() {
      await Promise.all(all.map((queue) => queue.close()));
    },
  };
}

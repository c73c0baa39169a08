import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Logger } from './logger.js';
import type { Attempt } from './crawl/verdict.js';

/** Queue names and the payload each job carries: ids only, PostgreSQL holds the rest. */
export const QUEUE_NAMES = { pages: 'pages', checks: 'checks' } as const;

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

/** Job ids derive from database ids: enqueuing the same page or target twice while its job exists adds nothing. */
export const pageJobId = (pageId: number) => `page-${pageId}`;
export const checkJobId = (targetId: number) => `check-${targetId}`;

export interface Queues {
  pages: Queue<PageJob>;
  checks: Queue<CheckJob>;
  enqueuePages(pages: { id: number; crawlId: string }[]): Promise<void>;
  enqueueChecks(crawlId: string, targets: { id: number }[]): Promise<void>;
  close(): Promise<void>;
}

/** Producers for every queue. */
export function createQueues(connection: ConnectionOptions, prefix: string, logger: Logger): Queues {
  const pages = new Queue<PageJob>(QUEUE_NAMES.pages, { connection, prefix, defaultJobOptions: JOB_DEFAULTS });
  const checks = new Queue<CheckJob>(QUEUE_NAMES.checks, { connection, prefix, defaultJobOptions: JOB_DEFAULTS });
  for (const queue of [pages, checks]) {
    queue.on('error', (error) => logger.error({ err: error, queue: queue.name }, 'queue error'));
  }
  return {
    pages,
    checks,
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
      await Promise.all([pages.close(), checks.close()]);
    },
  };
}

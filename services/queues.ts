import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { OutageLog } from './outages.js';
import { createHash } from 'node:crypto';
import type { Attempt, SettledVerdict } from './crawl/verdict.js';
import type { WorkItem, WorkKind } from './store/work-items.js';
import type { PendingRecheck } from './store/rechecks.js';
import type { DueLinkCheck } from './store/link-checks.js';
import type { Schedule } from './crawl/schedule.js';

/** Queue names and the payload each job carries: ids only, PostgreSQL holds the rest. */
export const QUEUE_NAMES = {
  pages: 'pages', checks: 'checks', rechecks: 'rechecks', archive: 'archive', domains: 'domains', webhooks: 'webhooks',
  watches: 'watches', links: 'links',
} as const;
export type QueueName = keyof typeof QUEUE_NAMES;

/** Carried across a job's delayed retries: how many fetch attempts were made, and their evidence. */
export interface FetchProgress {
  tries: number;
  requests: Attempt[];
  /** Times a link check waited for the same URL's page fetch. */
  pageWaits?: number;
}

/** Jobs of work items (pages, targets, deliveries) carry which enqueuing of the item they are (see jobIdOf). */
interface WorkJob {
  /** 0 (or absent) for the first job of the item; n for the job enqueued anew after n earlier ones failed. */
  requeues?: number;
}

export interface PageJob extends WorkJob {
  crawlId: string;
  pageId: number;
  progress?: FetchProgress;
}

export interface CheckJob extends WorkJob {
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

/** An RDAP lookup of a dead link's registrable domain (lower case), and which asking of it this is. */
export interface DomainJob {
  domain: string;
  /** 0 (or absent) for the first lookup of the domain; n for the nth time its facts are asked for again. */
  refreshes?: number;
}

/** A slot of a watch's schedule (the job of BullMQ's job scheduler watch-<id>; the slot is its opts.prevMillis). */
export interface WatchJob {
  watchId: string;
}

/** A won link's check (one job per prospect and check), or the periodic scan for checks due (no data). */
export interface LinkJob extends Partial<DueLinkCheck> {
  progress?: FetchProgress;
}

/** The job scheduler of a watch. */
export const watchSchedulerId = (watchId: string) => `watch-${watchId}`;
/** The job scheduler of the scan for won links due a check. */
export const LINK_SCAN_SCHEDULER = 'won-link-scan';
/** The scan runs four times per check interval, at least every second and at most every hour apart. */
export const linkScanEveryMs = (checkIntervalMs: number) => Math.min(Math.max(1_000, Math.round(checkIntervalMs / 4)), 3_600_000);
/** A link check's job: the prospect's nth check. */
export const linkCheckJobId = (due: DueLinkCheck) => `link-${due.prospectId}-${due.checks}`;

export interface DeliveryJob extends WorkJob {
  deliveryId: number;
}

const JOB_NAMES: Record<WorkKind, string> = { page: 'page', target: 'check', delivery: 'delivery' };
/**
 * Job ids derive from database ids, so enqueuing an item twice while its job exists adds nothing. An item
 * enqueued anew (its job failed for good or vanished, or a delivery was reset) gets the next generation's
 * id, page-12-r1: the failed job stays visible to ops, and only one process can claim each generation.
 */
export const jobIdOf = (item: Pick<WorkItem, 'kind' | 'id' | 'requeues'>) =>
  `${JOB_NAMES[item.kind]}-${item.id}${item.requeues > 0 ? `-r${item.requeues}` : ''}`;

export interface Queues {
  pages: Queue<PageJob>;
  checks: Queue<CheckJob>;
  rechecks: Queue<RecheckJob>;
  archive: Queue<ArchiveJob>;
  domains: Queue<DomainJob>;
  webhooks: Queue<DeliveryJob>;
  watches: Queue<WatchJob>;
  links: Queue<LinkJob>;
  /** Every queue, for metrics and the admin. */
  all: Queue[];
  enqueueDeliveries(deliveryIds: number[]): Promise<void>;
  enqueueRecheck(recheck: PendingRecheck): Promise<void>;
  enqueueArchiveLookup(url: string): Promise<void>;
  enqueueDomainLookup(lookup: DomainJob): Promise<void>;
  enqueueLinkChecks(due: DueLinkCheck[]): Promise<void>;
  /** Creates or changes a watch's job scheduler (BullMQ fires one job per slot, however many workers run). */
  scheduleWatch(watchId: string, schedule: Schedule): Promise<void>;
  unscheduleWatch(watchId: string): Promise<void>;
  scheduleLinkScan(everyMs: number): Promise<void>;
  /** When a watch's next slot is, from its job scheduler (null when it has none). */
  nextRunOf(watchId: string): Promise<Date | null>;
  /** Enqueues planned pages, each at its crawl's fair priority (see fairPriority). */
  enqueuePages(pages: { id: number; crawlId: string; ordinal?: number }[]): Promise<void>;
  /** Enqueues a crawl's new targets at the priority of the page that found them (see fairPriority). */
  enqueueChecks(crawlId: string, targets: { id: number }[], priority?: number): Promise<void>;
  /** Enqueues work items as they are (any generation), after delayMs; for recovery and redelivery. */
  enqueueWork(items: WorkItem[], delayMs?: number): Promise<void>;
  /** The queue that carries a kind of work item. */
  queueOf(kind: WorkKind): Queue;
  close(): Promise<void>;
}

/** A recheck's job: one per request, so a new request after a finished one is a new job. */
export const recheckJobId = (recheck: PendingRecheck) => `recheck-${recheck.prospectId}-${Date.parse(recheck.requestedAt)}`;
/** An archive lookup's job: one per dead URL. */
export const archiveJobId = (url: string) => `archive-${createHash('sha256').update(url).digest('hex').slice(0, 32)}`;
/**
 * A domain lookup's job: one per domain and asking, so the dead URLs of one domain collapse into one
 * lookup, and asking again (facts too old) is a new job, domain-<name>-r1, whatever became of the old
 * one (a finished job may outlive its retention on an idle queue). A registrable domain is letters,
 * digits, dots and hyphens: readable as it is, and never BullMQ's separator (:).
 */
export const domainJobId = (lookup: DomainJob) => `domain-${lookup.domain}${lookup.refreshes ? `-r${lookup.refreshes}` : ''}`;

/**
 * The jobs of pages and checks are served in the order of their place in their crawl (BullMQ's priority,
 * lowest first): the 10th page of a crawl started a moment ago goes before the 5,000th page of a big
 * crawl started an hour ago, so that no crawl, however big, starves the others, while within a crawl
 * the order stays first come, first served. BullMQ takes priorities from 1 to 2^21.
 */
export const fairPriority = (ordinal: number) => Math.min(Math.max(1, Math.round(ordinal)), 2 ** 21);

/** What a work item's job carries: its row's id (and crawl), and its generation. */
function jobData(item: WorkItem): PageJob | CheckJob | DeliveryJob {
  const requeues = item.requeues > 0 ? { requeues: item.requeues } : {};
  if (item.kind === 'page') return { crawlId: item.crawlId!, pageId: item.id, ...requeues };
  if (item.kind === 'target') return { crawlId: item.crawlId!, targetId: item.id, ...requeues };
  return { deliveryId: item.id, ...requeues };
}

/** How long the oldest job waiting in the queue has waited, in seconds; 0 when none waits. */
export async function oldestWaitingSeconds(queue: Queue): Promise<number> {
  // Pages and checks wait in priority order (see fairPriority), where the oldest is not at one end: it is
  // looked for among the first and the last few in line (an estimate that is exact for a single crawl).
  const candidates = [
    ...(await queue.getJobs(['waiting'], 0, 0, true)),
    ...(await queue.getJobs(['prioritized'], 0, 9, true)),
    ...(await queue.getJobs(['prioritized'], -10, -1, true)),
  ];
  const oldest = Math.min(...candidates.filter(Boolean).map((job) => job.timestamp));
  return Number.isFinite(oldest) ? Math.max(0, (Date.now() - oldest) / 1000) : 0;
}

/** Producers for every queue. */
export function createQueues(connection: ConnectionOptions, prefix: string, outages: OutageLog, archiveRetryDelayMs = 30_000): Queues {
  const pages = new Queue<PageJob>(QUEUE_NAMES.pages, { connection, prefix, defaultJobOptions: JOB_DEFAULTS });
  const checks = new Queue<CheckJob>(QUEUE_NAMES.checks, { connection, prefix, defaultJobOptions: JOB_DEFAULTS });
  const rechecks = new Queue<RecheckJob>(QUEUE_NAMES.rechecks, { connection, prefix, defaultJobOptions: JOB_DEFAULTS });
  // The archive can be down for a while: a lookup is retried for minutes, then given up.
  const archive = new Queue<ArchiveJob>(QUEUE_NAMES.archive, {
    connection, prefix, defaultJobOptions: { ...JOB_DEFAULTS, attempts: 4, backoff: { type: 'exponential', delay: archiveRetryDelayMs } },
  });
  // RDAP lookups take BullMQ's default retries: a busy or broken RDAP is asked again for about 15 s, then
  // the domain is settled as unknown (the failed-job handler and the reconciler see to it).
  const domains = new Queue<DomainJob>(QUEUE_NAMES.domains, { connection, prefix, defaultJobOptions: JOB_DEFAULTS });
  // Delivery retries follow the webhook schedule (the job postpones itself); BullMQ's attempts only
  // cover operational trouble.
  const webhooks = new Queue<DeliveryJob>(QUEUE_NAMES.webhooks, { connection, prefix, defaultJobOptions: JOB_DEFAULTS });
  const watches = new Queue<WatchJob>(QUEUE_NAMES.watches, { connection, prefix, defaultJobOptions: JOB_DEFAULTS });
  const links = new Queue<LinkJob>(QUEUE_NAMES.links, { connection, prefix, defaultJobOptions: JOB_DEFAULTS });
  const all = [pages, checks, rechecks, archive, domains, webhooks, watches, links];
  const queueOf = (kind: WorkKind) => (kind === 'page' ? pages : kind === 'target' ? checks : webhooks) as Queue;
  const enqueueWork = async (items: (WorkItem & { priority?: number })[], delayMs = 0) => {
    for (const kind of ['page', 'target', 'delivery'] as const) {
      const ofKind = items.filter((item) => item.kind === kind);
      if (ofKind.length === 0) continue;
      await queueOf(kind).addBulk(
        ofKind.map((item) => ({
          name: JOB_NAMES[kind],
          data: jobData(item),
          opts: { jobId: jobIdOf(item), ...(delayMs > 0 ? { delay: delayMs } : {}), ...(item.priority ? { priority: item.priority } : {}) },
        })),
      );
    }
  };
  for (const queue of all) {
    queue.on('error', (error) => outages.report('redis', `queue ${queue.name}`, error));
  }
  return {
    pages,
    checks,
    rechecks,
    archive,
    domains,
    webhooks,
    watches,
    links,
    all: all as Queue[],
    async enqueueDeliveries(deliveryIds) {
      await enqueueWork(deliveryIds.map((id) => ({ kind: 'delivery', id, crawlId: null, requeues: 0 })));
    },
    async enqueueRecheck(recheck) {
      await rechecks.add('recheck', { prospectId: recheck.prospectId }, { jobId: recheckJobId(recheck) });
    },
    async enqueueArchiveLookup(url) {
      await archive.add('archive', { url }, { jobId: archiveJobId(url) });
    },
    async enqueueDomainLookup({ domain, refreshes }) {
      await domains.add('domain', { domain, ...(refreshes ? { refreshes } : {}) }, { jobId: domainJobId({ domain, refreshes }) });
    },
    async enqueueLinkChecks(due) {
      await links.addBulk(due.map((check) => ({ name: 'check', data: check, opts: { jobId: linkCheckJobId(check) } })));
    },
    async scheduleWatch(watchId, schedule) {
      const repeat = 'everyMs' in schedule ? { every: schedule.everyMs } : { pattern: schedule.cron, tz: schedule.timezone };
      await watches.upsertJobScheduler(watchSchedulerId(watchId), repeat, { name: 'run', data: { watchId } });
    },
    async unscheduleWatch(watchId) {
      await watches.removeJobScheduler(watchSchedulerId(watchId));
    },
    async scheduleLinkScan(everyMs) {
      await links.upsertJobScheduler(LINK_SCAN_SCHEDULER, { every: everyMs }, { name: 'scan', data: {} });
    },
    async nextRunOf(watchId) {
      const scheduler = await watches.getJobScheduler(watchSchedulerId(watchId));
      return scheduler?.next ? new Date(scheduler.next) : null;
    },
    async enqueuePages(planned) {
      await enqueueWork(planned.map((page) => ({
        kind: 'page', id: page.id, crawlId: page.crawlId, requeues: 0, priority: page.ordinal ? fairPriority(page.ordinal) : undefined,
      })));
    },
    async enqueueChecks(crawlId, targets, priority) {
      await enqueueWork(targets.map((target) => ({ kind: 'target', id: target.id, crawlId, requeues: 0, priority })));
    },
    enqueueWork,
    queueOf,
    async close() {
      await Promise.all(all.map((queue) => queue.close()));
    },
  };
}

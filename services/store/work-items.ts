import type { Queryable } from './db.js';

/** The rows whose work the queues carry: each stays pending in PostgreSQL until its job settles it. */
export type WorkKind = 'page' | 'target' | 'delivery';

/** One enqueuing of a work item: its row and how many jobs of it came before. */
export interface WorkItem {
  kind: WorkKind;
  id: number;
  /** The crawl the page or target belongs to (null for deliveries). */
  crawlId: string | null;
  requeues: number;
}

// Fixed table facts per kind (never user input): the table, what pending means, and whether the item
// still matters (pages and targets only while their crawl runs).
const KINDS: Record<WorkKind, { table: string; pending: string; live: string; crawl: string }> = {
  page: {
    table: 'pages', pending: `w.state = 'queued'`, crawl: 'w.crawl_id',
    live: `EXISTS (SELECT 1 FROM crawls c WHERE c.id = w.crawl_id AND c.status IN ('queued', 'running'))`,
  },
  target: {
    table: 'crawl_targets', pending: `w.state = 'pending'`, crawl: 'w.crawl_id',
    live: `EXISTS (SELECT 1 FROM crawls c WHERE c.id = w.crawl_id AND c.status IN ('queued', 'running'))`,
  },
  delivery: { table: 'webhook_deliveries', pending: `w.state = 'pending'`, crawl: 'NULL::uuid', live: 'true' },
};

/**
 * Pending items of a kind that still matter, with id above afterId, last worked on (planned, or
 * enqueued anew) longer than minAgeMs ago; in id order, at most `limit`. The reconciler walks them
 * batch by batch, so a long backlog is covered in turn rather than only its oldest rows.
 */
export async function pendingWorkItems(
  db: Queryable,
  kind: WorkKind,
  page: { afterId: number; minAgeMs: number; limit: number },
): Promise<WorkItem[]> {
  const k = KINDS[kind];
  const { rows } = await db.query<{ id: number; crawlId: string | null; requeues: number }>(
    `/* work-items.pendingWorkItems */ SELECT w.id, ${k.crawl} AS "crawlId", w.requeues FROM ${k.table} w
     WHERE ${k.pending} AND w.id > $1 AND w.worked_at < now() - make_interval(secs => $2) AND ${k.live}
     ORDER BY w.id LIMIT $3`,
    [page.afterId, page.minAgeMs / 1000, page.limit],
  );
  return rows.map((row) => ({ kind, ...row }));
}

/**
 * Claims the next generation of a pending item whose job `seen` failed for good or vanished: true for
 * exactly one caller (the failure handler and every process's reconciler may try at once), false when
 * the item is settled, another caller claimed it first, or `max` generations were used.
 */
export async function claimRequeue(db: Queryable, item: WorkItem, max: number): Promise<WorkItem | null> {
  const k = KINDS[item.kind];
  const { rows } = await db.query<{ requeues: number }>(
    `/* work-items.claimRequeue */ UPDATE ${k.table} w SET requeues = requeues + 1, worked_at = now()
     WHERE w.id = $1 AND ${k.pending} AND w.requeues = $2 AND w.requeues < $3 RETURNING w.requeues`,
    [item.id, item.requeues, max],
  );
  return rows[0] ? { ...item, requeues: rows[0].requeues } : null;
}

// How each kind records that its work could not be done: a failed page, a target judged unknown (never
// dead: we could not tell), a failed delivery with the reason in its log. `$2` is why, kept as evidence.
const SETTLE_FAILED: Record<WorkKind, string> = {
  page: `/* work-items.settleFailedPage */ UPDATE pages w SET state = 'failed', outcome = 'job_failed', evidence = jsonb_build_object('jobFailure', $2::text),
           fetched_at = now()
         WHERE w.id = $1 AND w.state = 'queued' AND w.requeues = $3 RETURNING w.id`,
  target: `/* work-items.settleFailedTarget */ UPDATE crawl_targets w SET state = 'checked', verdict = 'unknown', reason = 'job_failed',
             evidence = jsonb_build_object('attempts', '[]'::jsonb, 'checkedAt', now(), 'jobFailure', $2::text), checked_at = now()
           WHERE w.id = $1 AND w.state = 'pending' AND w.requeues = $3 RETURNING w.id`,
  delivery: `/* work-items.settleFailedDelivery */ WITH settled AS (
               UPDATE webhook_deliveries w SET state = 'failed', attempts = attempts + 1, updated_at = now()
               WHERE w.id = $1 AND w.state = 'pending' AND w.requeues = $3 RETURNING w.id, w.attempts)
             INSERT INTO webhook_attempts (delivery_id, attempt, error, duration_ms)
             SELECT id, attempts, 'could not be delivered: ' || $2::text, 0 FROM settled RETURNING delivery_id AS id`,
};

/**
 * Settles a pending item whose last generation failed for good, so its crawl can finish: failed, with
 * why. Only the generation `item.requeues` may do it (a newer one may be running). False when already settled.
 */
export async function settleFailedWorkItem(db: Queryable, item: WorkItem, why: string): Promise<boolean> {
  const { rowCount } = await db.query(SETTLE_FAILED[item.kind], [item.id, why.slice(0, 1_000), item.requeues]);
  return (rowCount ?? 0) > 0;
}

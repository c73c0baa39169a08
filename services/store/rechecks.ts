import type { Queryable } from './db.js';
import type { SettledVerdict } from '../crawl/verdict.js';

export interface RecheckWork {
  prospectId: number;
  accountId: string;
  deadUrl: string;
  sourceUrl: string;
  pending: boolean;
  crawlId: string;
  hostConcurrency: number | null;
  hostIntervalMs: number | null;
}

/** A requested recheck: its job's id derives from the prospect and the time of the request. */
export interface PendingRecheck {
  prospectId: number;
  requestedAt: string;
}

/** Marks a recheck as requested; null when one is already pending (it is not queued twice). */
export async function requestRecheck(db: Queryable, accountId: string, prospectId: string): Promise<PendingRecheck | null> {
  const { rows } = await db.query<PendingRecheck>(
    `/* rechecks.requestRecheck */ UPDATE prospects SET recheck = jsonb_build_object('state', 'pending', 'requestedAt', now()), updated_at = now()
     WHERE account_id = $1 AND id = $2 AND (recheck IS NULL OR recheck ->> 'state' <> 'pending')
     RETURNING id AS "prospectId", recheck ->> 'requestedAt' AS "requestedAt"`,
    [accountId, prospectId],
  );
  return rows[0] ?? null;
}

/** Rechecks pending for longer than minAgeMs, oldest first: the reconciler checks that each has a job. */
export async function pendingRechecks(db: Queryable, minAgeMs: number, limit: number): Promise<PendingRecheck[]> {
  const { rows } = await db.query<PendingRecheck>(
    `/* rechecks.pendingRechecks */ SELECT id AS "prospectId", recheck ->> 'requestedAt' AS "requestedAt" FROM prospects
     WHERE recheck ->> 'state' = 'pending' AND (recheck ->> 'requestedAt')::timestamptz < now() - make_interval(secs => $1)
     ORDER BY id LIMIT $2`,
    [minAgeMs / 1000, limit],
  );
  return rows;
}

export async function recheckWork(db: Queryable, prospectId: number): Promise<RecheckWork | null> {
  const { rows } = await db.query<RecheckWork>(
    `/* rechecks.recheckWork */ SELECT r.id AS "prospectId", r.account_id AS "accountId", r.dead_url AS "deadUrl", coalesce(p.final_url, p.url) AS "sourceUrl",
       coalesce(r.recheck ->> 'state' = 'pending', false) AS pending, r.crawl_id AS "crawlId",
       c.host_concurrency AS "hostConcurrency", c.host_interval_ms AS "hostIntervalMs"
     FROM prospects r JOIN pages p ON p.id = r.source_page_id JOIN crawls c ON c.id = r.crawl_id WHERE r.id = $1`,
    [prospectId],
  );
  return rows[0] ?? null;
}

/**
 * Stores a recheck's outcome on the prospect: is the link still dead, does the source page still link
 * to it. When both hold, the prospect was seen again today.
 */
export async function recordRecheck(
  db: Queryable,
  prospectId: number,
  outcome: { dead: SettledVerdict; sourceStatus: number | null; sourceError: string | null; stillLinked: boolean },
): Promise<void> {
  const stillDead = outcome.dead.verdict === 'dead';
  const recheck = {
    state: 'done',
    checkedAt: new Date().toISOString(),
    stillDead,
    verdict: outcome.dead.verdict,
    reason: outcome.dead.reason,
    httpStatus: outcome.dead.httpStatus,
    stillLinked: outcome.stillLinked,
    sourceStatus: outcome.sourceStatus,
    sourceError: outcome.sourceError,
    evidence: { attempts: outcome.dead.attempts, checkedAt: outcome.dead.checkedAt },
  };
  await db.query(
    `/* rechecks.recordRecheck */ UPDATE prospects SET recheck = $2, updated_at = now(),
       last_seen_at = CASE WHEN $3 THEN now() ELSE last_seen_at END
     WHERE id = $1`,
    [prospectId, JSON.stringify(recheck), stillDead && outcome.stillLinked],
  );
}

/** A recheck that could not run (its job failed for good): the record says so instead of staying pending. */
export async function recordRecheckFailure(db: Queryable, prospectId: number): Promise<void> {
  await db.query(
    `/* rechecks.recordRecheckFailure */ UPDATE prospects SET recheck = jsonb_build_object('state', 'failed', 'checkedAt', now()), updated_at = now()
     WHERE id = $1 AND recheck ->> 'state' = 'pending'`,
    [prospectId],
  );
}

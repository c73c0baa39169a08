import type { Queryable } from './db.js';
import type { LinkChange, LinkObservation } from '../crawl/link-presence.js';

/** A won prospect's link check to run: its job's id derives from the prospect and how many checks it had. */
export interface DueLinkCheck {
  prospectId: number;
  checks: number;
}

export interface LinkCheckWork extends DueLinkCheck {
  accountId: string;
  sourceUrl: string;
  replacementUrl: string;
  /** What the last check saw (null before the first). */
  previous: LinkObservation | null;
  /** The crawl that saw it last: its politeness settings apply. */
  crawlId: string;
  hostConcurrency: number | null;
  hostIntervalMs: number | null;
}

/** What prospects.link_check holds: the last observation, when, and how many checks were made. */
type StoredCheck = { observation: LinkObservation | null; checks: number; checkedAt: string; sourceStatus: number | null };

const CHECKS = `coalesce((r.link_check ->> 'checks')::int, 0)`;

/** Won prospects with a replacement URL whose link was never checked, or not for intervalMs (of `prospectIds` only, when given). */
export async function dueLinkChecks(db: Queryable, intervalMs: number, limit: number, prospectIds?: string[]): Promise<DueLinkCheck[]> {
  const { rows } = await db.query<DueLinkCheck>(
    `/* link-checks.dueLinkChecks */ SELECT r.id::int AS "prospectId", ${CHECKS} AS checks FROM prospects r
     WHERE r.status = 'won' AND r.replacement_url IS NOT NULL
       AND (r.link_checked_at IS NULL OR r.link_checked_at < now() - make_interval(secs => $1))
       AND ($3::bigint[] IS NULL OR r.id = ANY($3))
     ORDER BY r.link_checked_at NULLS FIRST, r.id LIMIT $2`,
    [intervalMs / 1000, limit, prospectIds ?? null],
  );
  return rows;
}

export async function linkCheckWork(db: Queryable, prospectId: number): Promise<LinkCheckWork | null> {
  const { rows } = await db.query<LinkCheckWork>(
    `/* link-checks.linkCheckWork */ SELECT r.id::int AS "prospectId", ${CHECKS} AS checks, r.account_id AS "accountId", r.source_url AS "sourceUrl",
       r.replacement_url AS "replacementUrl", r.link_check -> 'observation' AS previous,
       r.crawl_id AS "crawlId", c.host_concurrency AS "hostConcurrency", c.host_interval_ms AS "hostIntervalMs"
     FROM prospects r JOIN crawls c ON c.id = r.crawl_id WHERE r.id = $1 AND r.status = 'won' AND r.replacement_url IS NOT NULL`,
    [prospectId],
  );
  return rows[0] ?? null;
}

/**
 * Stores a check's observation on the prospect, once per check (a repeated job finds the count moved
 * on and stores nothing), with a history entry when the link changed or was first seen one way or the
 * other. An observation of null (the page could not be read this time) only moves the check on.
 * Returns whether it stored.
 */
export async function recordLinkCheck(
  db: Queryable,
  work: Pick<LinkCheckWork, 'prospectId' | 'checks' | 'previous' | 'replacementUrl'>,
  outcome: { observation: LinkObservation | null; change: LinkChange | null; sourceStatus: number | null },
): Promise<boolean> {
  const observation = outcome.observation ?? work.previous;
  const stored: StoredCheck = { observation, checks: work.checks + 1, checkedAt: new Date().toISOString(), sourceStatus: outcome.sourceStatus };
  const { rowCount } = await db.query(
    `/* link-checks.recordLinkCheck */ UPDATE prospects r SET link_check = $3, link_checked_at = now() WHERE r.id = $1 AND ${CHECKS} = $2`,
    [work.prospectId, work.checks, JSON.stringify(stored)],
  );
  if (rowCount !== 1) return false;
  const first = work.previous === null && outcome.observation !== null;
  if (outcome.change || first) {
    await db.query(
      `/* link-checks.recordLinkCheck */ INSERT INTO prospect_history (prospect_id, kind, from_value, to_value, reason, actor, detail)
       VALUES ($1, 'link', $2, $3, $4, 'link_check', $5)`,
      [work.prospectId, work.previous?.state ?? null, observation!.state, outcome.change?.change ?? null, JSON.stringify({ replacementUrl: work.replacementUrl, ...observation })],
    );
  }
  return true;
}

/** A check that could not run (its job failed for good): the next one is due after the interval, as a new job. */
export async function skipLinkCheck(db: Queryable, prospectId: number, checks: number): Promise<void> {
  await db.query(
    `/* link-checks.skipLinkCheck */ UPDATE prospects r SET link_checked_at = now(),
       link_check = coalesce(r.link_check, '{}') || jsonb_build_object('checks', ${CHECKS} + 1)
     WHERE r.id = $1 AND ${CHECKS} = $2`,
    [prospectId, checks],
  );
}

/** A watch's run makes its won prospects' link checks due now: they follow the watch's schedule. */
export async function makeWatchLinksDue(db: Queryable, watchId: string): Promise<void> {
  await db.query(
    `/* link-checks.makeWatchLinksDue */ UPDATE prospects r SET link_checked_at = NULL
     WHERE r.status = 'won' AND r.replacement_url IS NOT NULL AND r.link_checked_at IS NOT NULL
       AND EXISTS (SELECT 1 FROM prospect_sightings s JOIN crawls k ON k.id = s.crawl_id WHERE s.prospect_id = r.id AND k.watch_id = $1)`,
    [watchId],
  );
}

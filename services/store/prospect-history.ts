import type { Queryable } from './db.js';
import { DEAD_REASONS } from '../crawl/vocabulary.js';

/** Why a prospect was resolved: its source page no longer links to the dead URL, is itself gone, or the URL lives again. */
export type Resolution = 'link_removed' | 'source_gone' | 'revived';

/**
 * At the end of a completed crawl, resolves the account's open prospects that this crawl had the chance
 * to see again and did not: their source page was fetched by the crawl (by its URL or where it
 * redirected) and no longer links to the dead URL, or answered as dead itself, or still links to it
 * while the URL now lives. A prospect whose source page the crawl never fetched is left as it is, and a
 * won one is left to its link checks (its dead link is meant to be gone). Each resolution goes into
 * the prospect's history as part of this crawl's diff. Returns the resolved prospects' ids, in order.
 */
export async function resolveUnseen(db: Queryable, crawlId: string): Promise<{ id: string; resolution: Resolution }[]> {
  const { rows } = await db.query<{ id: string; resolution: Resolution }>(
    `/* prospect-history.resolveUnseen */ WITH fetched AS (
       -- A twin (one page under another URL) was read as its page: that page's links are the twin's.
       SELECT coalesce(p.duplicate_of, p.id) AS page_id, p.state, p.outcome, u.url FROM pages p CROSS JOIN LATERAL (VALUES (p.url), (p.final_url)) AS u(url)
       WHERE p.crawl_id = $1 AND p.state IN ('crawled', 'failed') AND u.url IS NOT NULL
     ),
     judged AS (
       SELECT r.id, bool_or(f.state = 'crawled') AS crawled, bool_or(f.state = 'failed' AND f.outcome = ANY($2::text[])) AS gone,
         bool_or(l.source_page_id IS NOT NULL) AS linked, bool_or(t.verdict = 'alive') AS alive
       FROM crawls c JOIN prospects r ON r.account_id = c.account_id
       JOIN fetched f ON f.url = r.source_url
       LEFT JOIN links l ON l.crawl_id = c.id AND l.source_page_id = f.page_id AND l.target_url = r.dead_url
       LEFT JOIN crawl_targets t ON t.crawl_id = c.id AND t.url = r.dead_url AND l.source_page_id IS NOT NULL
       WHERE c.id = $1 AND r.state = 'open' AND r.status <> 'won'
         AND NOT EXISTS (SELECT 1 FROM prospect_sightings s WHERE s.crawl_id = c.id AND s.prospect_id = r.id)
       GROUP BY r.id
     ),
     decided AS (
       SELECT id, CASE WHEN linked AND alive THEN 'revived' WHEN crawled AND NOT linked THEN 'link_removed'
         WHEN gone AND NOT crawled THEN 'source_gone' END AS resolution
       FROM judged
     ),
     resolved AS (
       UPDATE prospects r SET state = 'resolved', resolution = d.resolution, resolved_at = now(), updated_at = now()
       FROM decided d WHERE r.id = d.id AND d.resolution IS NOT NULL
       RETURNING r.id, r.resolution
     ),
     told AS (
       INSERT INTO prospect_history (prospect_id, kind, from_value, to_value, reason, actor, crawl_id)
       SELECT id, 'state', 'open', 'resolved', resolution, 'crawl', $1 FROM resolved
     )
     SELECT id::text, resolution FROM resolved ORDER BY id`,
    [crawlId, DEAD_REASONS],
  );
  return rows;
}

/** What one crawl changed among the account's prospects (a watch run's diff), each list in prospect order. */
export interface CrawlDiff {
  /** Found for the first time. */
  new: DiffEntry[];
  /** Resolved before, dead on their source page again. */
  reopened: DiffEntry[];
  /** The source page no longer links to the dead URL, or is gone itself. */
  gone: DiffEntry[];
  /** The dead URL answers again. */
  revived: DiffEntry[];
}

export interface DiffEntry {
  prospectId: string;
  sourceUrl: string;
  deadUrl: string;
  /** For gone: link_removed or source_gone. */
  resolution?: Resolution;
}

export type DiffCounts = Record<keyof CrawlDiff, number>;

/** The diff of a crawl, read from its prospects' history. */
export async function crawlDiff(db: Queryable, crawlId: string): Promise<CrawlDiff> {
  const { rows } = await db.query<DiffEntry & { reason: string }>(
    `/* prospect-history.crawlDiff */ SELECT h.prospect_id::text AS "prospectId", r.source_url AS "sourceUrl", r.dead_url AS "deadUrl", h.reason
     FROM prospect_history h JOIN prospects r ON r.id = h.prospect_id
     WHERE h.crawl_id = $1 AND h.kind = 'state' ORDER BY h.prospect_id, h.id`,
    [crawlId],
  );
  const diff: CrawlDiff = { new: [], reopened: [], gone: [], revived: [] };
  for (const { reason, ...entry } of rows) {
    if (reason === 'found') diff.new.push(entry);
    else if (reason === 'dead_again') diff.reopened.push(entry);
    else if (reason === 'revived') diff.revived.push(entry);
    else diff.gone.push({ ...entry, resolution: reason as Resolution });
  }
  return diff;
}


export interface HistoryEntry {
  at: Date;
  kind: 'state' | 'status' | 'replacement_url' | 'link';
  from: string | null;
  to: string | null;
  reason: string | null;
  actor: string;
  crawlId: string | null;
  detail: Record<string, unknown>;
}

/** A prospect's history, oldest first (the caller has checked that the prospect is the account's). */
export async function prospectHistory(db: Queryable, prospectId: string): Promise<HistoryEntry[]> {
  const { rows } = await db.query<HistoryEntry>(
    `/* prospect-history.prospectHistory */ SELECT at, kind, from_value AS "from", to_value AS "to", reason, actor, crawl_id AS "crawlId", detail
     FROM prospect_history WHERE prospect_id = $1 ORDER BY id`,
    [prospectId],
  );
  return rows;
}

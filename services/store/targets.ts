import type { Queryable } from './db.js';
import type { CrawlStatus } from '../crawl/settings.js';
import type { SettledVerdict } from '../crawl/verdict.js';
import { evidenceOf, pageVerdictJson, pageVerdictOf } from './pages.js';
import { freshVerdictJson, verdictOf } from './verdicts.js';

export interface TargetWork {
  id: number;
  crawlId: string;
  url: string;
  state: 'pending' | 'checked';
  crawlStatus: CrawlStatus;
  hostConcurrency: number | null;
  hostIntervalMs: number | null;
  /** How the URL fared as a page of the same crawl (see pageVerdictOf). */
  asPage: { pending: boolean; verdict: SettledVerdict | null } | null;
  /** A fresh cached verdict of the URL (from any crawl), or null. */
  cached: SettledVerdict | null;
}

/**
 * Registers the outbound URLs a page links to as targets of its crawl and returns the ones that are new
 * (they need a check job). ON CONFLICT DO UPDATE takes each row's lock: a check that is recording its
 * verdict at the same moment either finishes first (and the caller's materializeProspects sees it) or
 * waits for this transaction (and then sees this page's links). URLs are sorted so that concurrent
 * pages lock rows in one order and never deadlock.
 */
export async function registerTargets(db: Queryable, crawlId: string, urls: string[]): Promise<{ id: number }[]> {
  if (urls.length === 0) return [];
  const sorted = [...new Set(urls)].sort();
  const { rows } = await db.query<{ id: number; created: boolean }>(
    `/* targets.registerTargets */ INSERT INTO crawl_targets (crawl_id, url) SELECT $1, u FROM unnest($2::text[]) AS u
     ON CONFLICT (crawl_id, url) DO UPDATE SET url = EXCLUDED.url
     RETURNING id, (xmax = 0) AS created`,
    [crawlId, sorted],
  );
  return rows.filter((row) => row.created).map(({ id }) => ({ id }));
}

/**
 * A check's work in one read: the target, its crawl's status and politeness settings, how its URL fared
 * as a page of the crawl, and a cached verdict younger than verdictMaxAgeMs.
 */
export async function targetForWork(db: Queryable, targetId: number, verdictMaxAgeMs: number): Promise<TargetWork | null> {
  const { rows } = await db.query(
    `/* targets.targetForWork */ SELECT t.id, t.crawl_id AS "crawlId", t.url, t.state, c.status AS "crawlStatus",
       c.host_concurrency AS "hostConcurrency", c.host_interval_ms AS "hostIntervalMs",
       ${pageVerdictJson('t.crawl_id', 't.url')} AS "asPage", ${freshVerdictJson('t.url', '$2')} AS cached
     FROM crawl_targets t JOIN crawls c ON c.id = t.crawl_id WHERE t.id = $1`,
    [targetId, verdictMaxAgeMs / 1000],
  );
  const row = rows[0];
  return row ? { ...row, asPage: pageVerdictOf(row.asPage), cached: verdictOf(row.cached) } : null;
}

/** Stores a target's verdict and its evidence once; returns false when it was already checked (a repeated job). */
export async function recordTargetVerdict(db: Queryable, targetId: number, verdict: SettledVerdict): Promise<boolean> {
  const { rowCount } = await db.query(
    `/* targets.recordTargetVerdict */ UPDATE crawl_targets SET state = 'checked', verdict = $2, reason = $3, http_status = $4, evidence = $5,
       checked_at = now()
     WHERE id = $1 AND state = 'pending'`,
    [targetId, verdict.verdict, verdict.reason, verdict.httpStatus, evidenceOf(verdict)],
  );
  return rowCount === 1;
}

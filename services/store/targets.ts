import type { Queryable } from './db.js';
import type { CrawlStatus } from '../crawl/settings.js';
import type { SettledVerdict } from '../crawl/verdict.js';
import { evidenceOf } from './pages.js';
import { registrableDomain } from '../crawl/urls.js';

export interface TargetWork {
  id: number;
  crawlId: string;
  url: string;
  state: 'pending' | 'checked';
  crawlStatus: CrawlStatus;
  hostConcurrency: number | null;
  hostIntervalMs: number | null;
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
    `INSERT INTO crawl_targets (crawl_id, url) SELECT $1, u FROM unnest($2::text[]) AS u
     ON CONFLICT (crawl_id, url) DO UPDATE SET url = EXCLUDED.url
     RETURNING id, (xmax = 0) AS created`,
    [crawlId, sorted],
  );
  return rows.filter((row) => row.created).map(({ id }) => ({ id }));
}

export async function targetForWork(db: Queryable, targetId: number): Promise<TargetWork | null> {
  const { rows } = await db.query<TargetWork>(
    `SELECT t.id, t.crawl_id AS "crawlId", t.url, t.state, c.status AS "crawlStatus",
       c.host_concurrency AS "hostConcurrency", c.host_interval_ms AS "hostIntervalMs"
     FROM crawl_targets t JOIN crawls c ON c.id = t.crawl_id WHERE t.id = $1`,
    [targetId],
  );
  return rows[0] ?? null;
}

/** Stores a target's verdict and its evidence once; returns false when it was already checked (a repeated job). */
export async function recordTargetVerdict(db: Queryable, targetId: number, verdict: SettledVerdict): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE crawl_targets SET state = 'checked', verdict = $2, reason = $3, http_status = $4, evidence = $5,
       checked_at = now()
     WHERE id = $1 AND state = 'pending'`,
    [targetId, verdict.verdict, verdict.reason, verdict.httpStatus, evidenceOf(verdict)],
  );
  return rowCount === 1;
}

/**
 * Turns every outbound link of the crawl to the given URLs whose verdict is dead into a prospect, and
 * puts each new one in the webhook outbox in the same statement. Idempotent: the natural key (crawl,
 * source page, dead URL) absorbs repeats.
 */
export async function materializeProspects(db: Queryable, crawlId: string, urls: string[]): Promise<number> {
  if (urls.length === 0) return 0;
  const { rowCount } = await db.query(
    `WITH inserted AS (
     INSERT INTO prospects (account_id, crawl_id, source_page_id, dead_url, reason, http_status, anchor_text, rel,
       context, position, followed, source_domain, dead_domain, score)
     SELECT c.account_id, t.crawl_id, l.source_page_id, t.url, t.reason, t.http_status, l.anchor_text, l.rel,
       l.context, l.position, f.followed, coalesce(src.domain, ''), u.domain,
       crawl_prospect_score(t.crawl_id, t.url, l.source_page_id, f.followed, l.position)
     FROM unnest($2::text[], $3::text[]) AS u(url, domain)
     JOIN crawl_targets t ON t.crawl_id = $1 AND t.url = u.url AND t.verdict = 'dead'
     JOIN crawls c ON c.id = t.crawl_id
     JOIN links l ON l.crawl_id = t.crawl_id AND l.target_url = t.url AND l.outbound
     JOIN pages src ON src.id = l.source_page_id
     CROSS JOIN LATERAL (SELECT ' ' || l.rel || ' ' !~ ' (nofollow|sponsored|ugc) ' AS followed) f
     ON CONFLICT (crawl_id, source_page_id, dead_url) DO NOTHING
     RETURNING id, account_id, crawl_id
     )
     INSERT INTO prospect_notifications (prospect_id, account_id, crawl_id) SELECT id, account_id, crawl_id FROM inserted`,
    [crawlId, urls, urls.map((url) => registrableDomain(url))],
  );
  return rowCount ?? 0;
}

/** Scores a crawl's prospects again on its final link graph (they are scored as found, then frozen). */
export async function refreshProspectScores(db: Queryable, crawlId: string): Promise<void> {
  await db.query(
    `UPDATE prospects SET score = crawl_prospect_score(crawl_id, dead_url, source_page_id, followed, position)
     WHERE crawl_id = $1`,
    [crawlId],
  );
}

import type { Queryable } from './db.js';
import type { CrawlSettings, CrawlStatus } from './crawls.js';

export type PageState = 'queued' | 'crawled' | 'failed' | 'skipped';

export interface PlannedPage {
  id: number;
  crawlId: string;
  url: string;
  depth: number;
}

export interface PageWork extends PlannedPage {
  state: PageState;
  crawl: CrawlSettings & { status: CrawlStatus };
}

export interface PageResult {
  state: Exclude<PageState, 'queued'>;
  finalUrl: string | null;
  httpStatus: number | null;
  title: string | null;
  /** Why a page failed or was skipped. */
  outcome: string | null;
}

export interface StoredLink {
  url: string;
  anchorText: string;
  rel: string;
  outbound: boolean;
}

/**
 * Adds pages to a crawl's frontier within its page budget. URLs already in the crawl are not added
 * again, so no URL is fetched twice. The crawl row is locked for the count, so concurrent page jobs
 * never overspend maxPages. The lock is FOR NO KEY UPDATE, not FOR UPDATE: every insert into a table
 * that references crawls holds FOR KEY SHARE on the crawl row, which FOR UPDATE waits for, and two
 * page transactions would deadlock. Returns the pages that are new.
 */
export async function planPages(
  db: Queryable,
  crawlId: string,
  candidates: { url: string; depth: number }[],
): Promise<PlannedPage[]> {
  if (candidates.length === 0) return [];
  const { rows: budget } = await db.query<{ left: number }>(
    'SELECT max_pages - pages_planned AS left FROM crawls WHERE id = $1 FOR NO KEY UPDATE',
    [crawlId],
  );
  const left = budget[0]?.left ?? 0;
  if (left <= 0) return [];
  const { rows } = await db.query<PlannedPage>(
    `INSERT INTO pages (crawl_id, url, depth)
     SELECT $1, c.url, c.depth FROM unnest($2::text[], $3::int[]) WITH ORDINALITY AS c(url, depth, n)
     WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.crawl_id = $1 AND p.url = c.url)
     ORDER BY c.n LIMIT $4
     ON CONFLICT (crawl_id, url) DO NOTHING
     RETURNING id, crawl_id AS "crawlId", url, depth`,
    [crawlId, candidates.map((c) => c.url), candidates.map((c) => c.depth), left],
  );
  if (rows.length > 0) {
    await db.query('UPDATE crawls SET pages_planned = pages_planned + $2 WHERE id = $1', [crawlId, rows.length]);
  }
  return rows;
}

export async function pageForWork(db: Queryable, pageId: number): Promise<PageWork | null> {
  const { rows } = await db.query(
    `SELECT p.id, p.crawl_id AS "crawlId", p.url, p.depth, p.state,
       json_build_object('status', c.status, 'scope', c.scope, 'seeds', c.seeds, 'maxDepth', c.max_depth,
         'maxPages', c.max_pages, 'respectRobots', c.respect_robots) AS crawl
     FROM pages p JOIN crawls c ON c.id = p.crawl_id WHERE p.id = $1`,
    [pageId],
  );
  return rows[0] ?? null;
}

/** Records how a page's fetch ended; only a queued page changes, so a repeated job changes nothing. */
export async function recordPageResult(db: Queryable, pageId: number, result: PageResult): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE pages SET state = $2, final_url = $3, http_status = $4, title = $5, outcome = $6, fetched_at = now()
     WHERE id = $1 AND state = 'queued'`,
    [pageId, result.state, result.finalUrl, result.httpStatus, result.title, result.outcome],
  );
  return rowCount === 1;
}

export async function insertLinks(db: Queryable, crawlId: string, pageId: number, links: StoredLink[]): Promise<void> {
  if (links.length === 0) return;
  await db.query(
    `INSERT INTO links (crawl_id, source_page_id, target_url, anchor_text, rel, outbound)
     SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::text[], $6::boolean[])
     ON CONFLICT (crawl_id, source_page_id, target_url) DO NOTHING`,
    [
      crawlId,
      pageId,
      links.map((l) => l.url),
      links.map((l) => l.anchorText),
      links.map((l) => l.rel),
      links.map((l) => l.outbound),
    ],
  );
}

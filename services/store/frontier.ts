import type { Queryable } from './db.js';
import { CRAWL_SETTINGS_JSON } from './crawls.js';
import type { CrawlSettings } from '../crawl/settings.js';
import { childPages, type ChildCandidate } from '../crawl/scope.js';
import type { PlannedPage } from './pages.js';

/**
 * Locks the crawl's row for planning and reads what planning needs: its settings and the pages its
 * budget has left. Every change to a crawl's frontier (new pages, lowered depths) happens under this
 * lock, so planning is serial per crawl: budgets are never overspent and depths never race. The lock is
 * FOR NO KEY UPDATE, not FOR UPDATE: every insert into a table that references crawls holds FOR KEY
 * SHARE on the crawl row, which FOR UPDATE waits for, and two page transactions would deadlock.
 */
async function lockForPlanning(db: Queryable, crawlId: string): Promise<{ settings: CrawlSettings; left: number }> {
  const { rows } = await db.query<{ settings: CrawlSettings; left: number }>(
    `/* frontier.lockForPlanning */ SELECT ${CRAWL_SETTINGS_JSON} AS settings, c.max_pages - c.pages_planned AS left FROM crawls c WHERE c.id = $1
     FOR NO KEY UPDATE`,
    [crawlId],
  );
  if (!rows[0]) throw new Error(`crawl ${crawlId} does not exist`);
  return rows[0];
}

/** The shallowest depth each URL was found at. */
function shallowest(candidates: ChildCandidate[]): ChildCandidate[] {
  const best = new Map<string, number>();
  for (const { url, depth } of candidates) best.set(url, Math.min(depth, best.get(url) ?? Infinity));
  return [...best].map(([url, depth]) => ({ url, depth }));
}

/**
 * Adds pages to a crawl's frontier within its page budget, keeping every page's depth the length of its
 * shortest path from a seed: a URL already in the crawl that is found again by a shorter path gets the
 * lower depth, and if it was crawled already its links are planned again from there (to the same rule,
 * level by level), since links its old depth left out may now be within maxDepth. A queued page simply
 * waits with its new depth: its job reads it (see recordCrawledPage). So the pages of a crawl do not
 * depend on the order its jobs ran in. Returns the pages that are new.
 */
export async function planPages(db: Queryable, crawlId: string, candidates: ChildCandidate[]): Promise<PlannedPage[]> {
  if (candidates.length === 0) return [];
  const { settings, left } = await lockForPlanning(db, crawlId);
  return plan(db, crawlId, settings, left, candidates);
}

/**
 * Plans the pages a crawled page links to, from its depth as it stands under the planning lock (a
 * shorter path may have lowered it while the page was being fetched). Null when the page is no longer
 * queued: another run of its job recorded it first.
 */
export async function planChildren(db: Queryable, crawlId: string, pageId: number, linkUrls: string[]): Promise<PlannedPage[] | null> {
  const { settings, left } = await lockForPlanning(db, crawlId);
  const { rows } = await db.query<{ depth: number; state: string }>('/* frontier.planChildren */ SELECT depth, state FROM pages WHERE id = $1', [pageId]);
  if (rows[0]?.state !== 'queued') return null;
  return plan(db, crawlId, settings, left, childPages(settings, rows[0].depth, linkUrls));
}

async function plan(db: Queryable, crawlId: string, settings: CrawlSettings, left: number, candidates: ChildCandidate[]): Promise<PlannedPage[]> {
  const planned: PlannedPage[] = [];
  for (let level = shallowest(candidates); level.length > 0; ) {
    const lowered = await lowerDepths(db, crawlId, level);
    planned.push(...(await insertPages(db, crawlId, level, left - planned.length, settings.maxPagesPerHost)));
    const crawled = lowered.filter((page) => page.state === 'crawled');
    if (crawled.length === 0) break;
    const linksFrom = await linkTargets(db, crawlId, crawled.map((page) => page.id));
    level = shallowest(crawled.flatMap((page) => childPages(settings, page.depth, linksFrom.get(page.id) ?? [])));
  }
  if (planned.length > 0) {
    await db.query('/* frontier.countPlanned */ UPDATE crawls SET pages_planned = pages_planned + $2 WHERE id = $1', [crawlId, planned.length]);
  }
  return planned;
}

/** Gives pages already in the crawl the lower depth a candidate brings; returns the ones lowered. */
async function lowerDepths(
  db: Queryable,
  crawlId: string,
  candidates: ChildCandidate[],
): Promise<{ id: number; depth: number; state: string }[]> {
  const { rows } = await db.query(
    `/* frontier.lowerDepths */ UPDATE pages p SET depth = c.depth FROM unnest($2::text[], $3::int[]) AS c(url, depth)
     WHERE p.crawl_id = $1 AND p.url = c.url AND p.depth > c.depth
     RETURNING p.id, p.depth, p.state`,
    [crawlId, candidates.map((c) => c.url), candidates.map((c) => c.depth)],
  );
  return rows;
}

/**
 * Inserts the candidates not yet in the crawl, at most `left` of them. maxPagesPerHost: a candidate is
 * ranked among the new ones of its host and counted with the host's pages already planned; the generated
 * pages.host column extracts the host the same way.
 */
async function insertPages(
  db: Queryable,
  crawlId: string,
  candidates: ChildCandidate[],
  left: number,
  maxPagesPerHost: number | null,
): Promise<PlannedPage[]> {
  if (left <= 0) return [];
  const { rows } = await db.query<PlannedPage>(
    `/* frontier.insertPages */ WITH candidate AS (
       SELECT c.url, c.depth, c.n, substring(c.url from '^[a-z]+://([^/:?#]+)') AS host
       FROM unnest($2::text[], $3::int[]) WITH ORDINALITY AS c(url, depth, n)
       WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.crawl_id = $1 AND p.url = c.url)
     ), ranked AS (
       SELECT candidate.*, row_number() OVER (PARTITION BY host ORDER BY n) AS rank_in_host FROM candidate
     )
     INSERT INTO pages (crawl_id, url, depth)
     SELECT $1, r.url, r.depth FROM ranked r
     WHERE $5::int IS NULL
       OR r.rank_in_host + (SELECT count(*) FROM pages p WHERE p.crawl_id = $1 AND p.host = r.host) <= $5::int
     ORDER BY r.n LIMIT $4
     ON CONFLICT (crawl_id, url) DO NOTHING
     RETURNING id, crawl_id AS "crawlId", url, depth`,
    [crawlId, candidates.map((c) => c.url), candidates.map((c) => c.depth), left, maxPagesPerHost],
  );
  return rows;
}

/** The URLs each of the given crawled pages links to. */
async function linkTargets(db: Queryable, crawlId: string, pageIds: number[]): Promise<Map<number, string[]>> {
  const { rows } = await db.query<{ pageId: number; url: string }>(
    `/* frontier.linkTargets */ SELECT source_page_id AS "pageId", target_url AS url FROM links WHERE crawl_id = $1 AND source_page_id = ANY($2::bigint[])`,
    [crawlId, pageIds],
  );
  const byPage = new Map<number, string[]>();
  for (const row of rows) {
    const urls = byPage.get(row.pageId);
    if (urls) urls.push(row.url);
    else byPage.set(row.pageId, [row.url]);
  }
  return byPage;
}

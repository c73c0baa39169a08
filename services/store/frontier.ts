import type { Queryable } from './db.js';
import { CRAWL_SETTINGS_JSON } from './crawls.js';
import type { CrawlSettings } from '../crawl/settings.js';
import { childPages, type ChildCandidate } from '../crawl/scope.js';
import { admitPages, hostOf } from '../crawl/budget.js';
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
 * Adds pages to a crawl's frontier within its page budget (admitPages decides which), keeping every page's depth the length of its
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
 * Plans the pages that crawled pages of a crawl link to, from each page's depth as it stands under the
 * planning lock (a shorter path may have lowered it while the page was being fetched). Pages no longer
 * queued (another run of their job recorded them first) plan nothing and are left out of `queued`.
 * The lock and the pages' rows are taken in one statement; locking the pages' rows too makes it read
 * their latest versions (a locking read), and no planner holds such a row without holding the crawl's
 * lock first.
 */
export async function planChildren(
  db: Queryable,
  crawlId: string,
  pages: { pageId: number; linkUrls: string[] }[],
): Promise<{ queued: Set<number>; newPages: PlannedPage[] }> {
  // The crawl's row is locked first (the pages' probes refer to it, so they run after it), then each
  // page's row by one index probe (see "Batch lookups" in docs/ARCHITECTURE.md), in the order of their ids.
  const { rows } = await db.query<{ settings: CrawlSettings; left: number; id: number; depth: number; state: string }>(
    `/* frontier.planChildren */ WITH c AS MATERIALIZED (
       SELECT c.id, ${CRAWL_SETTINGS_JSON} AS settings, c.max_pages - c.pages_planned AS left FROM crawls c WHERE c.id = $1
       FOR NO KEY UPDATE)
     SELECT c.settings, c.left, p.id, p.depth, p.state FROM c
     CROSS JOIN LATERAL unnest($2::bigint[]) AS k(id)
     CROSS JOIN LATERAL (SELECT id, depth, state FROM pages WHERE id = k.id AND crawl_id = c.id LIMIT 1 FOR NO KEY UPDATE) p`,
    [crawlId, [...new Set(pages.map((page) => page.pageId))].sort((a, b) => a - b)],
  );
  if (rows.length === 0) return { queued: new Set(), newPages: [] };
  const { settings, left } = rows[0]!;
  const queued = new Map(rows.filter((row) => row.state === 'queued').map((row) => [row.id, row.depth]));
  const candidates = pages.flatMap((page) => (queued.has(page.pageId) ? childPages(settings, queued.get(page.pageId)!, page.linkUrls) : []));
  // A page of this batch that another one lowers is still queued in its row, but its links are planned
  // here: from its lower depth too, as a crawled page's would be.
  const beingRecorded = new Map(pages.filter((page) => queued.has(page.pageId)).map((page) => [page.pageId, page.linkUrls]));
  return { queued: new Set(queued.keys()), newPages: await plan(db, crawlId, settings, left, candidates, beingRecorded) };
}

/** `beingRecorded`: the links of pages whose results are being recorded with this planning (still queued in their rows). */
async function plan(
  db: Queryable, crawlId: string, settings: CrawlSettings, left: number, candidates: ChildCandidate[],
  beingRecorded = new Map<number, string[]>(),
): Promise<PlannedPage[]> {
  const planned: PlannedPage[] = [];
  for (let level = shallowest(candidates); level.length > 0; ) {
    const state = await frontierState(db, crawlId, level, settings.maxPagesPerHost !== null);
    const fresh = level.filter((candidate) => !state.known.has(candidate.url));
    const admitted = admitPages(fresh, { left: left - planned.length, maxPagesPerHost: settings.maxPagesPerHost, plannedPerHost: state.perHost });
    planned.push(...(await insertPages(db, crawlId, admitted)));
    const replanned = state.lowered.filter((page) => page.state === 'crawled' || beingRecorded.has(page.id));
    if (replanned.length === 0) break;
    const stored = replanned.filter((page) => !beingRecorded.has(page.id));
    const linksFrom = stored.length > 0 ? await linkTargets(db, crawlId, stored.map((page) => page.id)) : new Map<number, string[]>();
    level = shallowest(replanned.flatMap((page) => childPages(settings, page.depth, beingRecorded.get(page.id) ?? linksFrom.get(page.id) ?? [])));
  }
  return planned;
}

/**
 * What the frontier knows of the candidates, in one statement: the pages already in the crawl that a
 * candidate reaches by a shorter path get the lower depth (returned as `lowered`); `known` are the
 * candidates already in the crawl; `perHost` the pages planned on each candidate host (when the crawl
 * caps pages per host).
 */
async function frontierState(
  db: Queryable,
  crawlId: string,
  candidates: ChildCandidate[],
  countHosts: boolean,
): Promise<{ lowered: { id: number; depth: number; state: string }[]; known: Set<string>; perHost: Map<string, number> }> {
  const hosts = countHosts ? [...new Set(candidates.map((c) => hostOf(c.url)))] : [];
  const { rows } = await db.query<{ kind: string; id: number; depth: number; state: string; key: string; n: number }>(
    `/* frontier.frontierState */ WITH c AS (SELECT * FROM unnest($2::text[], $3::int[]) AS c(url, depth)),
     known AS (
       SELECT k.id, c.url, c.depth FROM c
       CROSS JOIN LATERAL (SELECT id FROM pages WHERE crawl_id = $1 AND url = c.url LIMIT 1) k),
     lowered AS (
       UPDATE pages p SET depth = k.depth FROM known k
       WHERE p.id = k.id AND p.id = ANY(ARRAY(SELECT id FROM known)) AND p.depth > k.depth
       RETURNING p.id, p.depth, p.state)
     SELECT 'lowered' AS kind, id, depth, state, NULL AS key, NULL::bigint AS n FROM lowered
     UNION ALL SELECT 'known', NULL, NULL, NULL, url, NULL FROM known
     UNION ALL SELECT 'host', NULL, NULL, NULL, p.host, count(*) FROM pages p
       WHERE cardinality($4::text[]) > 0 AND p.crawl_id = $1 AND p.host = ANY($4::text[]) GROUP BY p.host`,
    [crawlId, candidates.map((c) => c.url), candidates.map((c) => c.depth), hosts],
  );
  return {
    lowered: rows.filter((row) => row.kind === 'lowered').map(({ id, depth, state }) => ({ id, depth, state })),
    known: new Set(rows.filter((row) => row.kind === 'known').map((row) => row.key)),
    perHost: new Map(rows.filter((row) => row.kind === 'host').map((row) => [row.key, row.n])),
  };
}

/**
 * Inserts the admitted pages and counts them against the crawl's budget, in one statement (a page
 * planned meanwhile by a repeated job is absorbed, and not counted); each new page's ordinal is its
 * place in the count.
 */
async function insertPages(db: Queryable, crawlId: string, pages: (ChildCandidate & { host: string })[]): Promise<PlannedPage[]> {
  if (pages.length === 0) return [];
  const { rows } = await db.query<PlannedPage>(
    `/* frontier.insertPages */ WITH inserted AS (
       INSERT INTO pages (crawl_id, url, depth, host)
       SELECT $1, * FROM unnest($2::text[], $3::int[], $4::text[])
       ON CONFLICT (crawl_id, url) DO NOTHING
       RETURNING id, crawl_id AS "crawlId", url, depth),
     counted AS (
       UPDATE crawls SET pages_planned = pages_planned + (SELECT count(*) FROM inserted)
       WHERE id = $1 AND EXISTS (SELECT 1 FROM inserted)
       RETURNING pages_planned)
     SELECT i.*, (SELECT pages_planned FROM counted) - (SELECT count(*) FROM inserted) + row_number() OVER (ORDER BY i.id) AS ordinal
     FROM inserted i`,
    [crawlId, pages.map((p) => p.url), pages.map((p) => p.depth), pages.map((p) => p.host)],
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

import { withTransaction, type Db, type Queryable } from './db.js';
import { ENDED_CRAWL_ACTIVITY } from './crawl-activity.js';
import type { CrawlSettings, CrawlStatus } from '../crawl/settings.js';
import { buildProfile, mergeProfile, type NicheProfile, type PageTerms } from '../crawl/relevance.js';

export interface CrawlStats {
  pagesCrawled: number;
  pagesFailed: number;
  linksFound: number;
  linksChecked: number;
  deadLinks: number;
  prospects: number;
}

export interface Crawl extends CrawlSettings {
  id: string;
  accountId: string;
  status: CrawlStatus;
  /** What the crawl takes the niche to be: its language and heaviest words (null until a seed page or keyword says). */
  niche: { lang: string | null; topTerms: string[] } | null;
  /** The watch this crawl is a run of, if any. */
  watchId: string | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  stats: CrawlStats;
  /** created_at at full (microsecond) precision, for keyset paging; a JS Date keeps only milliseconds. */
  cursorKey: string;
}

/** The settings of crawl `c` as a CrawlSettings-shaped JSON object (workers read them with each job). */
export const CRAWL_SETTINGS_JSON = `json_build_object('scope', c.scope, 'seeds', c.seeds, 'maxDepth', c.max_depth,
  'maxPages', c.max_pages, 'respectRobots', c.respect_robots, 'maxPagesPerHost', c.max_pages_per_host,
  'include', c.include_patterns, 'exclude', c.exclude_patterns, 'hostConcurrency', c.host_concurrency,
  'hostIntervalMs', c.host_interval_ms, 'keywords', c.keywords, 'minRelevance', c.min_relevance)`;

/**
 * How many of the niche profile's heaviest stems a crawl shows (the profile keeps them by weight, heaviest
 * first), each as a word the seeds or keywords wrote (crawl/relevance.ts topTerms).
 */
const NICHE_TERMS_SHOWN = 12;

const CRAWL_COLUMNS = `c.id, c.account_id AS "accountId", c.status, c.scope, c.seeds, c.max_depth AS "maxDepth",
  c.max_pages AS "maxPages", c.respect_robots AS "respectRobots", c.max_pages_per_host AS "maxPagesPerHost",
  c.include_patterns AS include, c.exclude_patterns AS exclude, c.host_concurrency AS "hostConcurrency",
  c.host_interval_ms AS "hostIntervalMs", c.keywords, c.min_relevance AS "minRelevance",
  CASE WHEN c.niche_profile IS NOT NULL THEN json_build_object('lang', c.niche_profile -> 'lang', 'topTerms',
    coalesce((SELECT json_agg(coalesce(c.niche_profile -> 'shown' ->> (t.term ->> 0), t.term ->> 0))
      FROM (SELECT jsonb_array_elements(c.niche_profile -> 'terms') AS term LIMIT ${NICHE_TERMS_SHOWN}) t), '[]'))
  END AS niche,
  c.watch_id AS "watchId", c.error, c.created_at AS "createdAt",
  c.started_at AS "startedAt", c.finished_at AS "finishedAt", c.created_at::text AS "cursorKey"`;

// Counted rather than kept as counters: always exact. A live crawl's are counted at every read, its
// pages and its targets passed over once each (the counts FILTERed), not once a count.
const CRAWL_COUNTS = `(SELECT json_build_object(
    'pagesCrawled', p.crawled, 'pagesFailed', p.failed,
    'linksFound', (SELECT count(*) FROM links l WHERE l.crawl_id = c.id),
    'linksChecked', t.checked, 'deadLinks', t.dead,
    'prospects', (SELECT count(*) FROM prospect_sightings s WHERE s.crawl_id = c.id),
    'offTopicPages', p.off_topic, 'duplicatePages', p.duplicates, 'pagesQueued', p.queued, 'linksQueued', t.pending)
  FROM (SELECT count(*) FILTER (WHERE state = 'crawled') AS crawled, count(*) FILTER (WHERE state = 'failed') AS failed,
          count(*) FILTER (WHERE state = 'crawled' AND relevance < c.min_relevance) AS off_topic,
          count(*) FILTER (WHERE duplicate_of IS NOT NULL) AS duplicates, count(*) FILTER (WHERE state = 'queued') AS queued
        FROM pages WHERE crawl_id = c.id) p,
       (SELECT count(*) FILTER (WHERE state = 'checked') AS checked, count(*) FILTER (WHERE verdict = 'dead') AS dead,
          count(*) FILTER (WHERE state = 'pending') AS pending
        FROM crawl_targets WHERE crawl_id = c.id) t)`;

// An ended crawl's counts are counted once more and kept (final_stats, see freezeCrawlStats): listing an
// account's crawls then costs a row per crawl, not a pass over each one's pages, links and targets.
const CRAWL_STATS = `coalesce(c.final_stats, ${CRAWL_COUNTS}) AS stats`;

/**
 * Keeps the counts (and the admin's activity counts) of a crawl that finishIfDone ended (completed, or
 * failed with no seed page crawled), in the same transaction: nothing of it was pending, so they cannot
 * move any more. A crawl cancelled or failed while work was pending may still see jobs that were in
 * flight land: see freezeSettledCrawlStats. (Every end of a crawl sets finished_at, and only an end does.)
 */
export async function freezeCrawlStats(db: Queryable, crawlId: string): Promise<void> {
  await db.query(
    `/* crawls.freezeCrawlStats */ UPDATE crawls c SET final_stats = ${CRAWL_COUNTS}, final_activity = ${ENDED_CRAWL_ACTIVITY}
     WHERE c.id = $1 AND c.finished_at IS NOT NULL`,
    [crawlId],
  );
}

/**
 * Keeps what is kept of crawls that ended more than settledMs ago and have no activity counts kept yet
 * (a batch at a time, the longest ended first): their activity counts, and their counts unless a process
 * kept them already. These are crawls cancelled or failed while work was pending, once the jobs they had
 * in flight are long over; crawls that ended before counts or activity were kept; and crawls whose counts
 * a process of the previous version kept during a deploy. Rows another process is keeping are skipped
 * (and, once it has kept them, no longer match). Returns how many.
 */
export async function freezeSettledCrawlStats(db: Queryable, settledMs: number, batch = 20): Promise<number> {
  const { rowCount } = await db.query(
    `/* crawls.freezeSettledCrawlStats */ UPDATE crawls c
     SET final_stats = coalesce(c.final_stats, ${CRAWL_COUNTS}), final_activity = ${ENDED_CRAWL_ACTIVITY}
     WHERE c.id IN (SELECT id FROM crawls WHERE final_activity IS NULL AND finished_at < now() - make_interval(secs => $1)
       ORDER BY finished_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [settledMs / 1000, batch],
  );
  return rowCount ?? 0;
}

/** A new crawl; `watchId` when it is a run of that watch. */
export async function insertCrawl(db: Queryable, accountId: string, settings: CrawlSettings, watchId: string | null = null): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `/* crawls.insertCrawl */ INSERT INTO crawls (account_id, scope, seeds, max_depth, max_pages, respect_robots, max_pages_per_host,
       include_patterns, exclude_patterns, host_concurrency, host_interval_ms, keywords, min_relevance, watch_id, niche_profile)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
    [
      accountId, settings.scope, settings.seeds, settings.maxDepth, settings.maxPages, settings.respectRobots,
      settings.maxPagesPerHost, settings.include, settings.exclude, settings.hostConcurrency, settings.hostIntervalMs,
      settings.keywords ?? [], settings.minRelevance ?? null, watchId,
      settings.keywords?.length ? JSON.stringify(buildProfile([], settings.keywords)) : null,
    ],
  );
  return rows[0]!.id;
}

/** Whose crawls a query sees: one account's (the client API), or every account's (the ops admin). */
export type CrawlOwner = { accountId: string } | 'any';

/** A SQL condition on c.account_id for `owner`, its parameter appended to `params`. */
function ownerCondition(owner: CrawlOwner, params: unknown[]): string {
  if (owner === 'any') return 'true';
  params.push(owner.accountId);
  return `c.account_id = $${params.length}`;
}

/** One crawl with its stats; null when it does not exist or the owner does not see it. */
export async function findCrawl(db: Queryable, owner: CrawlOwner, crawlId: string): Promise<Crawl | null> {
  const params: unknown[] = [crawlId];
  const { rows } = await db.query<Crawl>(
    `/* crawls.findCrawl */ SELECT ${CRAWL_COLUMNS}, ${CRAWL_STATS} FROM crawls c WHERE c.id = $1 AND ${ownerCondition(owner, params)}`,
    params,
  );
  return rows[0] ?? null;
}

/** findCrawl without the stats, which cost a pass over the crawl's pages, links and targets. */
export async function findCrawlRecord(db: Queryable, owner: CrawlOwner, crawlId: string): Promise<Omit<Crawl, 'stats'> | null> {
  const params: unknown[] = [crawlId];
  const { rows } = await db.query<Omit<Crawl, 'stats'>>(
    `/* crawls.findCrawlRecord */ SELECT ${CRAWL_COLUMNS} FROM crawls c WHERE c.id = $1 AND ${ownerCondition(owner, params)}`,
    params,
  );
  return rows[0] ?? null;
}

/** Crawls newest first, paged by keyset on (created_at, id), optionally of one status. */
export async function listCrawls(
  db: Queryable,
  owner: CrawlOwner,
  page: { limit: number; before?: { createdAt: string; id: string }; status?: CrawlStatus },
): Promise<Crawl[]> {
  const params: unknown[] = [page.limit];
  const conditions = [ownerCondition(owner, params)];
  if (page.before) {
    params.push(page.before.createdAt, page.before.id);
    conditions.push(`(c.created_at, c.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  if (page.status) {
    params.push(page.status);
    conditions.push(`c.status = $${params.length}`);
  }
  const { rows } = await db.query<Crawl>(
    `/* crawls.listCrawls */ SELECT ${CRAWL_COLUMNS}, ${CRAWL_STATS} FROM crawls c WHERE ${conditions.join(' AND ')}
     ORDER BY c.created_at DESC, c.id DESC LIMIT $1`,
    params,
  );
  return rows;
}

/** Cancels a crawl that has not finished; returns false when it does not exist for this owner. */
export async function cancelCrawl(db: Queryable, owner: CrawlOwner, crawlId: string): Promise<boolean> {
  const params: unknown[] = [crawlId];
  const { rowCount } = await db.query(
    `/* crawls.cancelCrawl */ UPDATE crawls c SET status = CASE WHEN status IN ('queued', 'running') THEN 'cancelled' ELSE status END,
       finished_at = CASE WHEN status IN ('queued', 'running') THEN now() ELSE finished_at END
     WHERE c.id = $1 AND ${ownerCondition(owner, params)}`,
    params,
  );
  return rowCount === 1;
}

/** A crawl that could not be started (its seeds could not be enqueued): failed at once, with why. */
export async function failCrawlAtStart(db: Queryable, crawlId: string, error: string): Promise<void> {
  await db.query(`/* crawls.failCrawlAtStart */ UPDATE crawls SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, [crawlId, error]);
}

export async function markRunning(db: Queryable, crawlId: string): Promise<void> {
  await db.query(`/* crawls.markRunning */ UPDATE crawls SET status = 'running', started_at = now() WHERE id = $1 AND status = 'queued'`, [
    crawlId,
  ]);
}

/**
 * Ends a running crawl once nothing of it is pending. The conditional UPDATE makes this happen exactly
 * once however many jobs call it at the same moment: the row lock makes every other caller re-check
 * `status = 'running'` and match nothing. Returns the final status when this call ended the crawl.
 */
export async function finishIfDone(db: Queryable, crawlId: string): Promise<CrawlStatus | null> {
  const { rows } = await db.query<{ status: CrawlStatus }>(
    `/* crawls.finishIfDone */ UPDATE crawls c SET
       status = CASE WHEN crawled.any THEN 'completed' ELSE 'failed' END,
       error = CASE WHEN crawled.any THEN NULL ELSE 'no seed page could be crawled' END,
       finished_at = now()
     FROM (SELECT EXISTS (SELECT 1 FROM pages WHERE crawl_id = $1 AND state = 'crawled') AS any) crawled
     WHERE c.id = $1 AND c.status = 'running'
       AND NOT EXISTS (SELECT 1 FROM pages WHERE crawl_id = $1 AND state = 'queued')
       AND NOT EXISTS (SELECT 1 FROM crawl_targets WHERE crawl_id = $1 AND state = 'pending')
     RETURNING c.status`,
    [crawlId],
  );
  return rows[0]?.status ?? null;
}

/**
 * Which of the given crawls are running with nothing pending, in one read outside any transaction:
 * nearly every job that settles an item finds its crawl's work still pending, and pays this (shared)
 * statement instead of a transaction around finishIfDone.
 */
export async function readyToFinish(db: Queryable, crawlIds: string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>(
    `/* crawls.readyToFinish */ SELECT c.id FROM crawls c WHERE c.id = ANY($1::uuid[]) AND c.status = 'running'
       AND NOT EXISTS (SELECT 1 FROM pages WHERE crawl_id = c.id AND state = 'queued')
       AND NOT EXISTS (SELECT 1 FROM crawl_targets WHERE crawl_id = c.id AND state = 'pending')`,
    [crawlIds],
  );
  return new Set(rows.map((row) => row.id));
}

/**
 * Running crawls with nothing pending: normally the job that settles the last item ends its crawl, but
 * that job can die (or lose the database) between the two; the reconciler ends these.
 */
export async function crawlsToFinish(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `/* crawls.crawlsToFinish */ SELECT c.id FROM crawls c WHERE c.status = 'running'
       AND NOT EXISTS (SELECT 1 FROM pages WHERE crawl_id = c.id AND state = 'queued')
       AND NOT EXISTS (SELECT 1 FROM crawl_targets WHERE crawl_id = c.id AND state = 'pending')`,
  );
  return rows.map((row) => row.id);
}

// When a live crawl last moved: a page or link settled, or the crawl started (or was created).
const LAST_PROGRESS = `greatest(c.created_at, c.started_at,
  (SELECT max(p.fetched_at) FROM pages p WHERE p.crawl_id = c.id),
  (SELECT max(t.checked_at) FROM crawl_targets t WHERE t.crawl_id = c.id))`;

/** Live crawls that made no progress for idleMs (their pending work did not move). */
export async function stuckCrawls(db: Queryable, idleMs: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `/* crawls.stuckCrawls */ SELECT c.id FROM crawls c WHERE c.status IN ('queued', 'running') AND ${LAST_PROGRESS} < now() - make_interval(secs => $1)`,
    [idleMs / 1000],
  );
  return rows.map((row) => row.id);
}

/**
 * Fails a live crawl that is still stuck (re-checked under the row lock), saying what was left pending.
 * Returns whether it did.
 */
export async function failIfStuck(db: Queryable, crawlId: string, idleMs: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `/* crawls.failIfStuck */ UPDATE crawls c SET status = 'failed', finished_at = now(),
       error = format('no progress for %s: %s pages and %s links were still pending',
         CASE WHEN $2 < 60 THEN trim_scale($2::numeric) || ' seconds' ELSE trim_scale(round($2::numeric / 60, 1)) || ' minutes' END,
         (SELECT count(*) FROM pages p WHERE p.crawl_id = c.id AND p.state = 'queued'),
         (SELECT count(*) FROM crawl_targets t WHERE t.crawl_id = c.id AND t.state = 'pending'))
     WHERE c.id = $1 AND c.status IN ('queued', 'running') AND ${LAST_PROGRESS} < now() - make_interval(secs => $2)`,
    [crawlId, idleMs / 1000],
  );
  return rowCount === 1;
}

/** What a crawl.completed / crawl.failed event carries: the crawl as GET /v1/crawls/{id} shows it. */
export async function crawlEventData(db: Queryable, crawlId: string): Promise<{ accountId: string; data: unknown }> {
  const { rows } = await db.query(`/* crawls.crawlEventData */ SELECT ${CRAWL_COLUMNS}, ${CRAWL_STATS} FROM crawls c WHERE c.id = $1`, [crawlId]);
  const { accountId, cursorKey: _cursorKey, ...data } = rows[0];
  return { accountId, data };
}

/** A crawl's niche profile as it stands (null when no seed page or keyword made one yet). */
export async function nicheProfileOf(db: Queryable, crawlId: string): Promise<NicheProfile | null> {
  const { rows } = await db.query<{ profile: NicheProfile | null }>(
    '/* crawls.nicheProfileOf */ SELECT niche_profile AS profile FROM crawls WHERE id = $1',
    [crawlId],
  );
  return rows[0]?.profile ?? null;
}

/**
 * Folds a crawled seed page's terms into its crawl's niche profile, once per page (a repeated job finds
 * it there), under the crawl's row lock so that seeds recorded at the same moment all count. Returns
 * the profile as it now stands.
 */
export async function addSeedToProfile(db: Db, crawlId: string, pageId: number, terms: PageTerms): Promise<NicheProfile | null> {
  return withTransaction(db, async (tx) => {
    const { rows } = await tx.query<{ profile: NicheProfile | null; pages: string[]; keywords: string[] }>(
      `/* crawls.addSeedToProfile */ SELECT niche_profile AS profile, profile_pages AS pages, keywords FROM crawls WHERE id = $1 FOR NO KEY UPDATE`,
      [crawlId],
    );
    const row = rows[0];
    if (!row || row.pages.map(Number).includes(pageId)) return row?.profile ?? null;
    const profile = mergeProfile(row.profile ?? buildProfile([], row.keywords), terms, row.keywords);
    await tx.query(
      `/* crawls.addSeedToProfile */ UPDATE crawls SET niche_profile = $2, profile_pages = array_append(profile_pages, $3) WHERE id = $1`,
      [crawlId, JSON.stringify(profile), pageId],
    );
    return profile;
  });
}

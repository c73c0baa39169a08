import type { Queryable } from './db.js';
import type { CrawlSettings } from '../crawl/settings.js';
import type { Schedule } from '../crawl/schedule.js';
import type { CrawlStatus } from '../crawl/vocabulary.js';
import type { DiffCounts } from './prospect-history.js';

export interface Watch {
  id: string;
  accountId: string;
  name: string;
  settings: CrawlSettings;
  schedule: Schedule;
  paused: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** created_at at full precision, for keyset paging. */
  cursorKey: string;
}

/** A slot of a watch's schedule: the crawl it started, or why none (its status is then `skipped`). */
export interface WatchRun {
  id: string;
  watchId: string;
  slotAt: Date;
  crawlId: string | null;
  status: CrawlStatus | 'skipped';
  skipped: string | null;
  counts: DiffCounts;
  createdAt: Date;
}

const WATCH_COLUMNS = `w.id, w.account_id AS "accountId", w.name, w.settings, w.paused, w.created_at AS "createdAt",
  w.updated_at AS "updatedAt", w.created_at::text AS "cursorKey",
  CASE WHEN w.every_ms IS NOT NULL THEN json_build_object('everyMs', w.every_ms) ELSE json_build_object('cron', w.cron, 'timezone', w.timezone) END AS schedule`;

// A run's status is its crawl's (a run whose crawl was deleted counts as cancelled); its counts are its
// diff's (see crawlDiff), read from the history rows its crawl wrote.
const RUN_COLUMNS = `r.id, r.watch_id AS "watchId", r.slot_at AS "slotAt", r.crawl_id AS "crawlId",
  CASE WHEN r.skipped IS NOT NULL THEN 'skipped' ELSE coalesce(c.status, 'cancelled') END AS status, r.skipped,
  (SELECT json_build_object('new', count(*) FILTER (WHERE h.reason = 'found'), 'reopened', count(*) FILTER (WHERE h.reason = 'dead_again'),
      'gone', count(*) FILTER (WHERE h.reason IN ('link_removed', 'source_gone')), 'revived', count(*) FILTER (WHERE h.reason = 'revived'))
    FROM prospect_history h WHERE h.crawl_id = r.crawl_id AND h.kind = 'state') AS counts,
  r.created_at AS "createdAt"`;

const scheduleColumns = (schedule: Schedule) =>
  'everyMs' in schedule ? [schedule.everyMs, null, null] : [null, schedule.cron, schedule.timezone];

export async function insertWatch(db: Queryable, accountId: string, watch: { name: string; settings: CrawlSettings; schedule: Schedule; paused: boolean }): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `/* watches.insertWatch */ INSERT INTO watches (account_id, name, settings, every_ms, cron, timezone, paused)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [accountId, watch.name, JSON.stringify(watch.settings), ...scheduleColumns(watch.schedule), watch.paused],
  );
  return rows[0]!.id;
}

/** Whose watches a query sees: one account's, or every account's (the ops admin). */
export type WatchOwner = { accountId: string } | 'any';

export async function findWatch(db: Queryable, owner: WatchOwner, id: string): Promise<Watch | null> {
  const { rows } = await db.query<Watch>(
    `/* watches.findWatch */ SELECT ${WATCH_COLUMNS} FROM watches w WHERE w.id = $1 AND ($2::uuid IS NULL OR w.account_id = $2)`,
    [id, owner === 'any' ? null : owner.accountId],
  );
  return rows[0] ?? null;
}

/** Watches newest first, paged by keyset on (created_at, id). */
export async function listWatches(db: Queryable, owner: WatchOwner, page: { limit: number; before?: { createdAt: string; id: string } }): Promise<Watch[]> {
  const { rows } = await db.query<Watch>(
    `/* watches.listWatches */ SELECT ${WATCH_COLUMNS} FROM watches w
     WHERE ($2::uuid IS NULL OR w.account_id = $2) AND ($3::timestamptz IS NULL OR (w.created_at, w.id) < ($3, $4::uuid))
     ORDER BY w.created_at DESC, w.id DESC LIMIT $1`,
    [page.limit, owner === 'any' ? null : owner.accountId, page.before?.createdAt ?? null, page.before?.id ?? null],
  );
  return rows;
}

/** Changes what is given; false when the watch is not the account's. */
export async function updateWatch(
  db: Queryable,
  accountId: string,
  id: string,
  change: { name?: string; settings?: CrawlSettings; schedule?: Schedule; paused?: boolean },
): Promise<boolean> {
  const [everyMs, cron, timezone] = change.schedule ? scheduleColumns(change.schedule) : [null, null, null];
  const { rowCount } = await db.query(
    `/* watches.updateWatch */ UPDATE watches SET name = coalesce($3, name), settings = coalesce($4::jsonb, settings),
       every_ms = CASE WHEN $5 THEN $6::bigint ELSE every_ms END, cron = CASE WHEN $5 THEN $7 ELSE cron END,
       timezone = CASE WHEN $5 THEN $8 ELSE timezone END, paused = coalesce($9, paused), updated_at = now()
     WHERE id = $1 AND account_id = $2`,
    [id, accountId, change.name ?? null, change.settings ? JSON.stringify(change.settings) : null, change.schedule !== undefined, everyMs, cron, timezone, change.paused ?? null],
  );
  return rowCount === 1;
}

export async function deleteWatch(db: Queryable, accountId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query('/* watches.deleteWatch */ DELETE FROM watches WHERE id = $1 AND account_id = $2', [id, accountId]);
  return rowCount === 1;
}

/** Every watch that is not paused, with its schedule: each must have its job scheduler. */
export async function activeWatches(db: Queryable): Promise<{ id: string; schedule: Schedule }[]> {
  const { rows } = await db.query(`/* watches.activeWatches */ SELECT ${WATCH_COLUMNS} FROM watches w WHERE NOT w.paused`);
  return rows.map((row) => ({ id: row.id, schedule: row.schedule }));
}

/**
 * Takes a slot of a watch's schedule, under the watch's row lock so that the slots of one watch are
 * decided one at a time: null when the watch is gone or paused, or the slot was taken already (its job
 * ran twice); `skipped` (recorded) when a run of the watch is still going; else the watch, for its run.
 */
export async function claimSlot(db: Queryable, watchId: string, slotAt: Date): Promise<{ watch: Watch; skipped: boolean } | null> {
  const { rows } = await db.query<Watch>(`/* watches.claimSlot */ SELECT ${WATCH_COLUMNS} FROM watches w WHERE w.id = $1 AND NOT w.paused FOR UPDATE`, [watchId]);
  const watch = rows[0];
  if (!watch) return null;
  const { rows: taken } = await db.query('/* watches.claimSlot */ SELECT 1 FROM watch_runs WHERE watch_id = $1 AND slot_at = $2', [watchId, slotAt]);
  if (taken.length > 0) return null;
  const { rows: live } = await db.query(
    `/* watches.claimSlot */ SELECT 1 FROM crawls WHERE watch_id = $1 AND status IN ('queued', 'running') LIMIT 1`,
    [watchId],
  );
  if (live.length > 0) {
    await db.query(`/* watches.claimSlot */ INSERT INTO watch_runs (watch_id, slot_at, skipped) VALUES ($1, $2, 'previous_run_active')`, [watchId, slotAt]);
    return { watch, skipped: true };
  }
  return { watch, skipped: false };
}

/** Records the crawl a slot started. */
export async function recordRun(db: Queryable, watchId: string, slotAt: Date, crawlId: string): Promise<void> {
  await db.query('/* watches.recordRun */ INSERT INTO watch_runs (watch_id, slot_at, crawl_id) VALUES ($1, $2, $3)', [watchId, slotAt, crawlId]);
}

/**
 * What a watch's new run fetches again besides its seeds: the source pages of the open prospects its
 * runs saw, so that a page no longer linked from the niche is still looked at (gone, or fixed).
 */
export async function sourcesToRevisit(db: Queryable, watchId: string): Promise<string[]> {
  const { rows } = await db.query<{ url: string }>(
    `/* watches.sourcesToRevisit */ SELECT DISTINCT r.source_url AS url FROM prospects r
     JOIN prospect_sightings s ON s.prospect_id = r.id JOIN crawls k ON k.id = s.crawl_id
     WHERE k.watch_id = $1 AND r.state = 'open' AND r.status <> 'won' ORDER BY 1`,
    [watchId],
  );
  return rows.map((row) => row.url);
}

/** A watch's runs, newest slot first, paged by slot. */
export async function listRuns(db: Queryable, watchId: string, page: { limit: number; before?: string }): Promise<WatchRun[]> {
  const { rows } = await db.query<WatchRun>(
    `/* watches.listRuns */ SELECT ${RUN_COLUMNS} FROM watch_runs r LEFT JOIN crawls c ON c.id = r.crawl_id
     WHERE r.watch_id = $1 AND ($3::timestamptz IS NULL OR r.slot_at < $3) ORDER BY r.slot_at DESC LIMIT $2`,
    [watchId, page.limit, page.before ?? null],
  );
  return rows;
}

/** The newest run of each of these watches (a watch without runs has none in the map): one read for a list. */
export async function lastRuns(db: Queryable, watchIds: string[]): Promise<Map<string, WatchRun>> {
  if (watchIds.length === 0) return new Map();
  const { rows } = await db.query<WatchRun>(
    `/* watches.lastRuns */ SELECT ${RUN_COLUMNS} FROM unnest($1::uuid[]) AS w(id)
     CROSS JOIN LATERAL (SELECT * FROM watch_runs x WHERE x.watch_id = w.id ORDER BY x.slot_at DESC LIMIT 1) r
     LEFT JOIN crawls c ON c.id = r.crawl_id`,
    [watchIds],
  );
  return new Map(rows.map((run) => [run.watchId, run]));
}

export async function findRun(db: Queryable, watchId: string, runId: string): Promise<WatchRun | null> {
  const { rows } = await db.query<WatchRun>(
    `/* watches.findRun */ SELECT ${RUN_COLUMNS} FROM watch_runs r LEFT JOIN crawls c ON c.id = r.crawl_id WHERE r.watch_id = $1 AND r.id = $2`,
    [watchId, runId],
  );
  return rows[0] ?? null;
}

/** The run a crawl is (null for a crawl that is no watch's run). */
export async function runOfCrawl(db: Queryable, crawlId: string): Promise<(WatchRun & { accountId: string; watchName: string }) | null> {
  const { rows } = await db.query(
    `/* watches.runOfCrawl */ SELECT ${RUN_COLUMNS}, w.account_id AS "accountId", w.name AS "watchName"
     FROM watch_runs r JOIN crawls c ON c.id = r.crawl_id JOIN watches w ON w.id = r.watch_id WHERE r.crawl_id = $1`,
    [crawlId],
  );
  return rows[0] ?? null;
}

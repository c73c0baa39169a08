import type { Queryable } from './db.js';

/** How a crawl moved over time: its pages fetched and links checked, counted in buckets of equal width. */
export interface CrawlProgress {
  /** Where the first bucket starts: when the crawl started (or was created, if it never started). */
  from: Date;
  /** Where the last bucket ends: the last page or check, or when the crawl ended, or now while it runs. */
  to: Date;
  bucketSeconds: number;
  /** Only the buckets that saw something, in order; `index` counts buckets from `from`. */
  buckets: { index: number; pages: number; links: number }[];
}

/**
 * At most this many buckets, whatever the crawl's length: enough points for a chart a page wide, and
 * a bounded answer for a crawl of a week.
 */
export const PROGRESS_BUCKETS = 60;

/**
 * A crawl's progress from the times its pages were fetched and its links checked (both indexed per
 * crawl), or null when there is no such crawl.
 */
export async function crawlProgress(db: Queryable, crawlId: string): Promise<CrawlProgress | null> {
  const { rows } = await db.query<{ from: Date; to: Date; seconds: number; buckets: CrawlProgress['buckets'] | null }>(
    `/* crawl-progress.crawlProgress */ WITH events AS (
       SELECT fetched_at AS at, 1 AS pages, 0 AS links FROM pages WHERE crawl_id = $1 AND fetched_at IS NOT NULL
       UNION ALL
       SELECT checked_at, 0, 1 FROM crawl_targets WHERE crawl_id = $1 AND checked_at IS NOT NULL
     ),
     span AS (
       SELECT least(coalesce(c.started_at, c.created_at), (SELECT min(at) FROM events)) AS "from",
              greatest(coalesce(c.finished_at, now()), (SELECT max(at) FROM events)) AS "to"
       FROM crawls c WHERE c.id = $1
     ),
     sized AS (SELECT "from", "to", greatest(1, ceil(extract(epoch FROM "to" - "from") / $2::int))::int AS seconds FROM span)
     SELECT s."from", s."to", s.seconds,
       (SELECT json_agg(json_build_object('index', b.index, 'pages', b.pages, 'links', b.links) ORDER BY b.index)
        FROM (SELECT least(floor(extract(epoch FROM e.at - s."from") / s.seconds)::int, $2::int - 1) AS index,
                     sum(e.pages)::int AS pages, sum(e.links)::int AS links
              FROM events e GROUP BY 1) b) AS buckets
     FROM sized s`,
    [crawlId, PROGRESS_BUCKETS],
  );
  const row = rows[0];
  if (!row) return null;
  return { from: row.from, to: row.to, bucketSeconds: row.seconds, buckets: row.buckets ?? [] };
}

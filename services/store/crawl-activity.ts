import type { Queryable } from './db.js';

export interface CrawlActivity {
  /** Pages settled and links checked per second: over the last minute while the crawl runs, over the whole run once it has ended. */
  rate: { pagesPerSecond: number; linksPerSecond: number; over: 'last_minute' | 'whole_run' };
  /** Checked links by verdict and reason, most frequent first. */
  verdicts: { verdict: string; reason: string | null; count: number }[];
  /** Pages that could not be crawled, by what went wrong, most frequent first. */
  pageErrors: { outcome: string; count: number }[];
}

/** What activityCounts says of a crawl: pages settled and links checked (within the window), and the breakdowns. */
interface ActivityCounts {
  pages: number;
  links: number;
  verdicts: CrawlActivity['verdicts'];
  pageErrors: CrawlActivity['pageErrors'];
}

const RATE_WINDOW_SECONDS = 60;

/**
 * A crawl's activity counts as one JSON value, for the crawl row `c`: pages settled and links checked
 * (while the crawl runs and a `window` is given, a SQL expression of seconds, only those of the last
 * window), and its checked links and failed pages, grouped.
 */
function activityCounts(window?: string): string {
  const recent = (column: string) => (window ? `AND (c.status <> 'running' OR ${column} > now() - make_interval(secs => ${window}))` : '');
  return `json_build_object(
    'pages', (SELECT count(*) FROM pages p WHERE p.crawl_id = c.id AND p.fetched_at IS NOT NULL ${recent('p.fetched_at')}),
    'links', (SELECT count(*) FROM crawl_targets t WHERE t.crawl_id = c.id AND t.checked_at IS NOT NULL ${recent('t.checked_at')}),
    'verdicts', (SELECT coalesce(json_agg(json_build_object('verdict', v.verdict, 'reason', v.reason, 'count', v.count)
        ORDER BY v.count DESC, v.verdict, v.reason), '[]')
      FROM (SELECT verdict, reason, count(*) AS count FROM crawl_targets WHERE crawl_id = c.id AND state = 'checked' GROUP BY verdict, reason) v),
    'pageErrors', (SELECT coalesce(json_agg(json_build_object('outcome', e.outcome, 'count', e.count) ORDER BY e.count DESC, e.outcome), '[]')
      FROM (SELECT coalesce(outcome, 'unknown') AS outcome, count(*) AS count FROM pages WHERE crawl_id = c.id AND state = 'failed' GROUP BY 1) e))`;
}

/**
 * An ended crawl's activity counts, kept with its counts (crawls.final_activity, see freezeCrawlStats):
 * the admin's list of big ended crawls then reads a row per crawl, not a pass over each one's pages and targets.
 */
export const ENDED_CRAWL_ACTIVITY = activityCounts();

/** What the ops admin shows of each crawl beside its stats, for many crawls in one query. */
export async function crawlActivity(db: Queryable, crawlIds: string[]): Promise<Map<string, CrawlActivity>> {
  const activity = new Map<string, CrawlActivity>();
  if (crawlIds.length === 0) return activity;
  const { rows } = await db.query<{ id: string; running: boolean; seconds: number; counts: ActivityCounts }>(
    `/* crawl-activity.crawlActivity */ SELECT c.id, c.status = 'running' AS running,
       CASE WHEN c.status = 'running' THEN $2::float8
         ELSE greatest(1, extract(epoch FROM coalesce(c.finished_at, now()) - coalesce(c.started_at, c.created_at))) END AS seconds,
       coalesce(c.final_activity, ${activityCounts('$2')}) AS counts
     FROM crawls c WHERE c.id = ANY($1::uuid[])`,
    [crawlIds, RATE_WINDOW_SECONDS],
  );
  const round = (value: number) => Math.round(value * 100) / 100;
  for (const { id, running, seconds, counts } of rows) {
    activity.set(id, {
      rate: { pagesPerSecond: round(counts.pages / seconds), linksPerSecond: round(counts.links / seconds), over: running ? 'last_minute' : 'whole_run' },
      verdicts: counts.verdicts,
      pageErrors: counts.pageErrors,
    });
  }
  return activity;
}

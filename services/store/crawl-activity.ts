import type { Queryable } from './db.js';

export interface CrawlActivity {
  /** Pages settled and links checked per second: over the last minute while the crawl runs, over the whole run once it has ended. */
  rate: { pagesPerSecond: number; linksPerSecond: number; over: 'last_minute' | 'whole_run' };
  /** Checked links by verdict and reason, most frequent first. */
  verdicts: { verdict: string; reason: string | null; count: number }[];
  /** Pages that could not be crawled, by what went wrong, most frequent first. */
  pageErrors: { outcome: string; count: number }[];
}

const RATE_WINDOW_SECONDS = 60;

/** What the ops admin shows of each crawl beside its stats, for many crawls in three queries. */
export async function crawlActivity(db: Queryable, crawlIds: string[]): Promise<Map<string, CrawlActivity>> {
  const activity = new Map<string, CrawlActivity>();
  if (crawlIds.length === 0) return activity;
  const [rates, verdicts, errors] = await Promise.all([
    db.query<{ id: string; running: boolean; pages: number; links: number; seconds: number }>(
      `/* crawl-activity.rates */ SELECT c.id, c.status = 'running' AS running,
         CASE WHEN c.status = 'running' THEN $2::float8
           ELSE greatest(1, extract(epoch FROM coalesce(c.finished_at, now()) - coalesce(c.started_at, c.created_at))) END AS seconds,
         (SELECT count(*) FROM pages p WHERE p.crawl_id = c.id AND p.fetched_at IS NOT NULL
            AND (c.status <> 'running' OR p.fetched_at > now() - make_interval(secs => $2))) AS pages,
         (SELECT count(*) FROM crawl_targets t WHERE t.crawl_id = c.id AND t.checked_at IS NOT NULL
            AND (c.status <> 'running' OR t.checked_at > now() - make_interval(secs => $2))) AS links
       FROM crawls c WHERE c.id = ANY($1::uuid[])`,
      [crawlIds, RATE_WINDOW_SECONDS],
    ),
    db.query<{ crawl_id: string; verdict: string; reason: string | null; count: number }>(
      `/* crawl-activity.verdicts */ SELECT crawl_id, verdict, reason, count(*) AS count FROM crawl_targets
       WHERE crawl_id = ANY($1::uuid[]) AND state = 'checked'
       GROUP BY crawl_id, verdict, reason ORDER BY count DESC, verdict, reason`,
      [crawlIds],
    ),
    db.query<{ crawl_id: string; outcome: string; count: number }>(
      `/* crawl-activity.pageErrors */ SELECT crawl_id, coalesce(outcome, 'unknown') AS outcome, count(*) AS count FROM pages
       WHERE crawl_id = ANY($1::uuid[]) AND state = 'failed'
       GROUP BY crawl_id, outcome ORDER BY count DESC, outcome`,
      [crawlIds],
    ),
  ]);
  const round = (value: number) => Math.round(value * 100) / 100;
  for (const row of rates.rows) {
    activity.set(row.id, {
      rate: {
        pagesPerSecond: round(row.pages / row.seconds),
        linksPerSecond: round(row.links / row.seconds),
        over: row.running ? 'last_minute' : 'whole_run',
      },
      verdicts: [],
      pageErrors: [],
    });
  }
  for (const row of verdicts.rows) activity.get(row.crawl_id)?.verdicts.push({ verdict: row.verdict, reason: row.reason, count: row.count });
  for (const row of errors.rows) activity.get(row.crawl_id)?.pageErrors.push({ outcome: row.outcome, count: row.count });
  return activity;
}

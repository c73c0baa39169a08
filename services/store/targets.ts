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
export async function registerTargets(db: Queryable, crawlId: string, urls: string[]): Promise<{ id: number; url: string }[]> {
  if (urls.length === 0) return [];
  const sorted = [...new Set(urls)].sort();
  const { rows } = await db.query<{ id: number; url: string; created: boolean }>(
    `/* targets.registerTargets */ INSERT INTO crawl_targets (crawl_id, url) SELECT $1, u FROM unnest($2::text[]) AS u
     ON CONFLICT (crawl_id, url) DO UPDATE SET url = EXCLUDED.url
     RETURNING id, url, (xmax = 0) AS created`,
    [crawlId, sorted],
  );
  return rows.filter((row) => row.created).map(({ id, url }) => ({ id, url }));
}

/**
 * Settles new targets whose URL has a fresh cached verdict (see freshVerdictJson) with it, as their check
 * would, so that no check job is needed for them: a repeat crawl of a niche within VERDICT_MAX_AGE_HOURS
 * costs its known URLs no job at all. A URL that is also a page of the crawl is left to its check job,
 * which waits for the page's own fetch, and so is a target of a crawl that has ended (as its check would).
 * Returns the targets settled, with their verdicts.
 */
export async function settleFromCache(
  db: Queryable,
  targetIds: number[],
  verdictMaxAgeMs: number,
): Promise<{ id: number; url: string; verdict: SettledVerdict }[]> {
  if (targetIds.length === 0 || verdictMaxAgeMs <= 0) return [];
  const { rows } = await db.query<{ id: number; url: string; verdict: Omit<SettledVerdict, 'checkedAt'> & { checkedAt: string } }>(
    `/* targets.settleFromCache */ WITH fresh AS (
       -- Probes by id and by URL (see "Batch lookups" in docs/ARCHITECTURE.md); NOT EXISTS could become a pass over the crawl's pages.
       SELECT t.id, ${freshVerdictJson('t.url', '$2')} AS verdict FROM unnest($1::bigint[]) AS k(id)
       CROSS JOIN LATERAL (SELECT id, crawl_id, url FROM crawl_targets WHERE id = k.id AND state = 'pending' LIMIT 1) t
       JOIN crawls c ON c.id = t.crawl_id
       WHERE c.status IN ('queued', 'running') AND (SELECT 1 FROM pages p WHERE p.crawl_id = t.crawl_id AND p.url = t.url LIMIT 1) IS NULL
     )
     UPDATE crawl_targets t SET state = 'checked', verdict = f.verdict ->> 'verdict', reason = f.verdict ->> 'reason',
       http_status = (f.verdict ->> 'httpStatus')::int, checked_at = now(),
       -- The evidence as a check job writes it (evidenceOf): the time in JavaScript's ISO form.
       evidence = jsonb_build_object('attempts', f.verdict -> 'attempts',
         'checkedAt', to_char((f.verdict ->> 'checkedAt')::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
     FROM fresh f WHERE t.id = f.id AND t.id = ANY($1::bigint[]) AND f.verdict IS NOT NULL
     RETURNING t.id, t.url, f.verdict`,
    [targetIds, verdictMaxAgeMs / 1000],
  );
  return rows.map((row) => ({ id: row.id, url: row.url, verdict: verdictOf(row.verdict)! }));
}

/**
 * The work of checks in one read, by target id: each target, its crawl's status and politeness
 * settings, how its URL fared as a page of the crawl, and a cached verdict younger than verdictMaxAgeMs.
 */
export async function targetsForWork(db: Queryable, targetIds: number[], verdictMaxAgeMs: number): Promise<Map<number, TargetWork>> {
  const { rows } = await db.query(
    `/* targets.targetsForWork */ SELECT t.id, t.crawl_id AS "crawlId", t.url, t.state, c.status AS "crawlStatus",
       c.host_concurrency AS "hostConcurrency", c.host_interval_ms AS "hostIntervalMs",
       ${pageVerdictJson('t.crawl_id', 't.url')} AS "asPage", ${freshVerdictJson('t.url', '$2')} AS cached
     FROM crawl_targets t JOIN crawls c ON c.id = t.crawl_id WHERE t.id = ANY($1::bigint[])`,
    [targetIds, verdictMaxAgeMs / 1000],
  );
  return new Map(rows.map((row) => [row.id, { ...row, asPage: pageVerdictOf(row.asPage), cached: verdictOf(row.cached) }]));
}

/**
 * Stores targets' verdicts and their evidence, each once; returns the ids it stored (a target already
 * checked, by a repeated job, is left as it is). Rows are updated in URL order, the order in which
 * registerTargets locks them.
 */
export async function recordTargetVerdicts(db: Queryable, checked: { id: number; url: string; verdict: SettledVerdict }[]): Promise<Set<number>> {
  if (checked.length === 0) return new Set();
  const sorted = [...checked].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  const { rows } = await db.query<{ id: number }>(
    `/* targets.recordTargetVerdicts */ UPDATE crawl_targets t SET state = 'checked', verdict = u.verdict, reason = u.reason,
       http_status = u.http_status, evidence = u.evidence::jsonb, checked_at = now()
     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[]) AS u(id, verdict, reason, http_status, evidence)
     WHERE t.id = u.id AND t.id = ANY($1::bigint[]) AND t.state = 'pending'
     RETURNING t.id`,
    [
      sorted.map((c) => c.id), sorted.map((c) => c.verdict.verdict), sorted.map((c) => c.verdict.reason),
      sorted.map((c) => c.verdict.httpStatus), sorted.map((c) => evidenceOf(c.verdict)),
    ],
  );
  return new Set(rows.map((row) => row.id));
}

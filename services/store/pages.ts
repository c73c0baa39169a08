import type { Queryable } from './db.js';
import { CRAWL_SETTINGS_JSON } from './crawls.js';
import type { CrawlSettings, CrawlStatus } from '../crawl/settings.js';
import type { PageState } from '../crawl/vocabulary.js';
import type { SettledVerdict } from '../crawl/verdict.js';
import type { ContactHints } from '../crawl/contacts.js';
import { freshVerdictJson, verdictOf } from './verdicts.js';


export interface PlannedPage {
  id: number;
  crawlId: string;
  url: string;
  depth: number;
}

export interface PageWork extends PlannedPage {
  state: PageState;
  crawl: CrawlSettings & { status: CrawlStatus };
  /** A fresh cached verdict of the page's URL (from any crawl), or null. */
  known: SettledVerdict | null;
}

export interface PageResult {
  state: Exclude<PageState, 'queued'>;
  finalUrl: string | null;
  httpStatus: number | null;
  title: string | null;
  /** Why a page failed or was skipped. */
  outcome: string | null;
  /** The verdict its fetch gave the page's URL (none when it was never fetched: robots.txt). */
  verdict: SettledVerdict | null;
  description?: string | null;
  lang?: string | null;
  /** The registrable domain of finalUrl (null when there is none). */
  domain: string | null;
}

export interface StoredLink {
  url: string;
  anchorText: string;
  rel: string;
  outbound: boolean;
  /** Whether it passes authority (isFollowed of its rel). */
  followed: boolean;
  context: string;
  position: string;
}

/**
 * The work of page jobs in one read, by page id: each page, its crawl's status and settings, and a
 * cached verdict of its URL younger than verdictMaxAgeMs (see freshVerdictJson).
 */
export async function pagesForWork(db: Queryable, pageIds: number[], verdictMaxAgeMs: number): Promise<Map<number, PageWork>> {
  const { rows } = await db.query(
    `/* pages.pagesForWork */ SELECT p.id, p.crawl_id AS "crawlId", p.url, p.depth, p.state,
       jsonb_build_object('status', c.status) || ${CRAWL_SETTINGS_JSON}::jsonb AS crawl, ${freshVerdictJson('p.url', '$2')} AS known
     FROM pages p JOIN crawls c ON c.id = p.crawl_id WHERE p.id = ANY($1::bigint[])`,
    [pageIds, verdictMaxAgeMs / 1000],
  );
  return new Map(rows.map((row) => [row.id, { ...row, known: verdictOf(row.known) }]));
}

/** Records how a page's fetch ended; only a queued page changes, so a repeated job changes nothing. */
export async function recordPageResult(db: Queryable, pageId: number, result: PageResult): Promise<boolean> {
  const { rowCount } = await db.query(
    `/* pages.recordPageResult */ UPDATE pages SET state = $2, final_url = $3, http_status = $4, title = $5, outcome = $6, verdict = $7,
       evidence = $8, domain = $9, description = $10, lang = $11, fetched_at = now()
     WHERE id = $1 AND state = 'queued'`,
    [
      pageId, result.state, result.finalUrl, result.httpStatus, result.title, result.outcome,
      result.verdict?.verdict ?? null, result.verdict ? evidenceOf(result.verdict) : null,
      result.domain, result.description ?? null, result.lang ?? null,
    ],
  );
  return rowCount === 1;
}

/** The JSON kept as a verdict's evidence. */
export const evidenceOf = (verdict: SettledVerdict) => JSON.stringify({ attempts: verdict.attempts, checkedAt: verdict.checkedAt });

/**
 * How a URL fared as a page of the crawl, as one JSON value (NULL when it is not one), for a read that
 * fetches it with its own row; read it with pageVerdictOf. `crawlId` and `url` are SQL expressions.
 */
export const pageVerdictJson = (crawlId: string, url: string) =>
  `(SELECT json_build_object('state', p.state, 'verdict', p.verdict, 'reason', CASE WHEN p.verdict = 'alive' THEN NULL ELSE p.outcome END,
      'httpStatus', p.http_status, 'finalUrl', p.final_url, 'attempts', p.evidence -> 'attempts', 'checkedAt', p.evidence ->> 'checkedAt')
    FROM pages p WHERE p.crawl_id = ${crawlId} AND p.url = ${url})`;

/**
 * The page's side of a pageVerdictJson value: null when the URL is not a page of the crawl; `pending`
 * while the page waits to be fetched; otherwise the verdict its fetch gave (null when it was never
 * fetched, e.g. robots.txt).
 */
export function pageVerdictOf(row: Record<string, any> | null): { pending: boolean; verdict: SettledVerdict | null } | null {
  if (!row) return null;
  if (row.state === 'queued') return { pending: true, verdict: null };
  if (!row.verdict) return { pending: false, verdict: null };
  const { verdict, reason, httpStatus, finalUrl, attempts, checkedAt } = row;
  return { pending: false, verdict: { verdict, reason, httpStatus, finalUrl, attempts, checkedAt: new Date(checkedAt) } };
}

export async function insertLinks(db: Queryable, crawlId: string, pageId: number, links: StoredLink[]): Promise<void> {
  if (links.length === 0) return;
  await db.query(
    `/* pages.insertLinks */ INSERT INTO links (crawl_id, source_page_id, target_url, anchor_text, rel, outbound, context, position, followed)
     SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[], $9::boolean[])
     ON CONFLICT (crawl_id, source_page_id, target_url) DO NOTHING`,
    [
      crawlId,
      pageId,
      links.map((l) => l.url),
      links.map((l) => l.anchorText),
      links.map((l) => l.rel),
      links.map((l) => l.outbound),
      links.map((l) => l.context),
      links.map((l) => l.position),
      links.map((l) => l.followed),
    ],
  );
}

/** Adds a page's contact hints to its site's (its registrable domain), for the crawl (repeats are absorbed). */
export async function insertSiteContacts(db: Queryable, crawlId: string, domain: string, contacts: ContactHints): Promise<void> {
  const entries = [
    ...contacts.emails.map((value) => ['email', value]),
    ...contacts.contactPages.map((value) => ['contact_page', value]),
    ...contacts.authors.map((value) => ['author', value]),
  ];
  if (entries.length === 0) return;
  await db.query(
    `/* pages.insertSiteContacts */ INSERT INTO site_contacts (crawl_id, domain, kind, value)
     SELECT $1, $2, * FROM unnest($3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
    [crawlId, domain, entries.map((e) => e[0]), entries.map((e) => e[1])],
  );
}

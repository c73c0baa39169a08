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
  /** Its place among its crawl's pages in the order they were planned (1 for the first seed). */
  ordinal: number;
}

export interface PageWork extends Omit<PlannedPage, 'ordinal'> {
  state: PageState;
  /** Its crawl's settings and status, and the seed pages its niche profile holds (see crawls.nicheProfileOf). */
  crawl: CrawlSettings & { status: CrawlStatus; profilePages: number[] };
  /** A fresh cached verdict of the page's URL (from any crawl), or null. */
  cached: SettledVerdict | null;
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
  /** Its fit to the crawl's niche, 0 to 1 (crawled pages with text to read only). */
  relevance?: number | null;
  /** The page of the crawl this one is a twin of (the same page under another URL: see crawl/twins.ts). */
  duplicateOf?: number | null;
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
       jsonb_build_object('status', c.status, 'profilePages', c.profile_pages) || ${CRAWL_SETTINGS_JSON}::jsonb AS crawl, ${freshVerdictJson('p.url', '$2')} AS cached
     FROM pages p JOIN crawls c ON c.id = p.crawl_id WHERE p.id = ANY($1::bigint[])`,
    [pageIds, verdictMaxAgeMs / 1000],
  );
  return new Map(rows.map((row) => [row.id, { ...row, cached: verdictOf(row.cached) }]));
}

/**
 * Records how pages' fetches ended; only a queued page changes, so a repeated job changes nothing.
 * Returns the ids of the pages it recorded.
 */
export async function recordPageResults(db: Queryable, results: { pageId: number; result: PageResult }[]): Promise<Set<number>> {
  if (results.length === 0) return new Set();
  const sorted = [...results].sort((a, b) => a.pageId - b.pageId);
  const of = <T>(pick: (result: PageResult) => T) => sorted.map(({ result }) => pick(result));
  const { rows } = await db.query<{ id: number }>(
    `/* pages.recordPageResults */ UPDATE pages p SET state = u.state, final_url = u.final_url, http_status = u.http_status, title = u.title,
       outcome = u.outcome, verdict = u.verdict, evidence = u.evidence::jsonb, domain = u.domain, description = u.description, lang = u.lang,
       relevance = u.relevance, duplicate_of = u.duplicate_of, fetched_at = now()
     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::real[], $13::bigint[])
       AS u(id, state, final_url, http_status, title, outcome, verdict, evidence, domain, description, lang, relevance, duplicate_of)
     WHERE p.id = u.id AND p.id = ANY($1::bigint[]) AND p.state = 'queued'
     RETURNING p.id`,
    [
      sorted.map((r) => r.pageId), of((r) => r.state), of((r) => r.finalUrl), of((r) => r.httpStatus), of((r) => r.title),
      of((r) => r.outcome), of((r) => r.verdict?.verdict ?? null), of((r) => (r.verdict ? evidenceOf(r.verdict) : null)),
      of((r) => r.domain), of((r) => r.description ?? null), of((r) => r.lang ?? null), of((r) => r.relevance ?? null),
      of((r) => r.duplicateOf ?? null),
    ],
  );
  return new Set(rows.map((row) => row.id));
}

/** Records how one page's fetch ended (see recordPageResults); false for a repeated job. */
export async function recordPageResult(db: Queryable, pageId: number, result: PageResult): Promise<boolean> {
  return (await recordPageResults(db, [{ pageId, result }])).has(pageId);
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

/**
 * Claims crawled pages' twin keys (crawl/twins.ts) for their crawl: a key goes to the first page that
 * claims it (of one batch, the lowest page id). Answers, for each page that is a twin of another, the
 * page that holds one of its keys. Claiming again is harmless: a page's own keys stay its own.
 */
export async function claimTwinKeys(db: Queryable, crawlId: string, pages: { pageId: number; keys: string[] }[]): Promise<Map<number, number>> {
  const claims = pages.flatMap(({ pageId, keys }) => keys.map((key) => ({ pageId, key })));
  if (claims.length === 0) return new Map();
  // Keys in one order, so that two batches claiming the same keys never wait for each other in turn.
  claims.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.pageId - b.pageId));
  const keys = claims.map((claim) => claim.key);
  // The keys won, with their rows' addresses: rows this transaction inserted stay where they are until it
  // ends (no other transaction sees them), so a twin's keys are handed over by address below.
  const { rows: won } = await db.query<{ tid: string; page_id: number }>(
    `/* pages.claimTwinKeys */ INSERT INTO page_canonicals (crawl_id, url, page_id)
     SELECT $1, * FROM unnest($2::text[], $3::bigint[]) ON CONFLICT DO NOTHING
     RETURNING ctid AS tid, page_id`,
    [crawlId, keys, claims.map((claim) => claim.pageId)],
  );
  // A statement of its own: it sees the keys that a concurrent batch claimed first and has committed.
  // One index probe per key (see "Batch lookups" in docs/ARCHITECTURE.md), not a pass over the crawl's keys.
  const { rows } = await db.query<{ url: string; page_id: string }>(
    `/* pages.twinKeyHolders */ SELECT k.url, h.page_id FROM unnest($2::text[]) AS k(url)
     CROSS JOIN LATERAL (SELECT page_id FROM page_canonicals WHERE crawl_id = $1 AND url = k.url LIMIT 1) h`,
    [crawlId, keys],
  );
  const holders = new Map(rows.map((row) => [row.url, Number(row.page_id)]));
  const twins = new Map<number, number>();
  for (const { pageId, key } of claims) {
    const held = holders.get(key);
    // A key held by a twin found in this batch is its page's.
    const holder = held === undefined ? undefined : twins.get(held) ?? held;
    if (holder !== undefined && holder !== pageId && !twins.has(pageId)) twins.set(pageId, holder);
  }
  // A twin's other keys go to its page too, so that a third URL with any of them is that page's twin.
  const handed = won.filter((row) => twins.has(Number(row.page_id)));
  if (handed.length > 0) {
    await db.query(
      `/* pages.handTwinKeysOver */ UPDATE page_canonicals k SET page_id = t.page_id
       FROM unnest($1::tid[], $2::bigint[]) AS t(tid, page_id) WHERE k.ctid = ANY($1::tid[]) AND k.ctid = t.tid`,
      [handed.map((row) => row.tid), handed.map((row) => twins.get(Number(row.page_id))!)],
    );
  }
  return twins;
}

/** Inserts the links of crawled pages of a crawl (a repeated job's are absorbed). */
export async function insertLinks(db: Queryable, crawlId: string, pages: { pageId: number; links: StoredLink[] }[]): Promise<void> {
  const rows = pages.flatMap(({ pageId, links }) => links.map((link) => ({ pageId, ...link })));
  if (rows.length === 0) return;
  await db.query(
    `/* pages.insertLinks */ INSERT INTO links (crawl_id, source_page_id, target_url, anchor_text, rel, outbound, context, position, followed)
     SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[], $9::boolean[])
     ON CONFLICT (crawl_id, source_page_id, target_url) DO NOTHING`,
    [
      crawlId,
      rows.map((l) => l.pageId),
      rows.map((l) => l.url),
      rows.map((l) => l.anchorText),
      rows.map((l) => l.rel),
      rows.map((l) => l.outbound),
      rows.map((l) => l.context),
      rows.map((l) => l.position),
      rows.map((l) => l.followed),
    ],
  );
}

/** Adds pages' contact hints to their sites' (each page's registrable domain), for the crawl (repeats are absorbed). */
export async function insertSiteContacts(db: Queryable, crawlId: string, sites: { domain: string; contacts: ContactHints }[]): Promise<void> {
  const entries = sites.flatMap(({ domain, contacts }) => [
    ...contacts.emails.map((value) => [domain, 'email', value]),
    ...contacts.contactPages.map((value) => [domain, 'contact_page', value]),
    ...contacts.authors.map((value) => [domain, 'author', value]),
  ]);
  if (entries.length === 0) return;
  await db.query(
    `/* pages.insertSiteContacts */ INSERT INTO site_contacts (crawl_id, domain, kind, value)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
    [crawlId, entries.map((e) => e[0]), entries.map((e) => e[1]), entries.map((e) => e[2])],
  );
}

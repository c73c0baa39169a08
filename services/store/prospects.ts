import type { Queryable } from './db.js';
import { prospectWhere, type ProspectFilter } from './prospect-query.js';
import { relFlags } from '../crawl/vocabulary.js';
import { archiveJson } from './archive.js';
import { DOMAIN_FACTS_COLUMN, DOMAIN_FACTS_JOIN } from './domain-facts.js';
import { crawlScoreSql } from './score-function.js';

export type { ProspectFilter };
export type ProspectSort = 'score' | 'firstSeen' | 'relevance';
/** Keyset position: the last row's id, and its score or its source page's relevance when sorting by those. */
export interface ProspectCursor {
  id: number;
  score?: number;
  relevance?: number;
}

export interface Prospect {
  id: string;
  crawlId: string;
  status: string;
  notes: string;
  score: number;
  sourceUrl: string;
  sourceTitle: string | null;
  deadUrl: string;
  reason: string;
  [field: string]: unknown;
}

/** The record lists the crawls that saw a prospect, newest first, up to this many (seenBy.crawls counts them all). */
const SEEN_BY_IDS = 20;

// The record: the opportunity as its latest sighting saw it (crawlId; anchor text, context, verdict and
// the link graph's counts are that crawl's), with first and last seen over every crawl of the account.
const RECORD = `
  r.id::text AS id, r.crawl_id AS "crawlId", r.status, r.notes, r.score,
  coalesce(p.final_url, p.url) AS "sourceUrl", p.title AS "sourceTitle", p.description AS "sourceDescription",
  p.lang AS "sourceLang", p.relevance AS "sourceRelevance", r.source_domain AS "sourceDomain",
  r.dead_url AS "deadUrl", r.dead_domain AS "deadDomain", r.reason = 'dns_failure' AS "deadDomainExpired",
  r.reason, r.http_status AS "httpStatus",
  r.anchor_text AS "anchorText", r.context, r.position, r.rel, r.followed, NULL AS "relFlags",
  (SELECT count(*) FROM links l WHERE l.crawl_id = r.crawl_id AND l.target_url = r.dead_url) AS "referringPages",
  (SELECT count(DISTINCT sp.domain) FROM links l JOIN pages sp ON sp.id = l.source_page_id
    WHERE l.crawl_id = r.crawl_id AND l.target_url = r.dead_url) AS "referringDomains",
  (SELECT count(DISTINCT coalesce(sp.final_url, sp.url)) FROM links l JOIN crawls k ON k.id = l.crawl_id
    JOIN pages sp ON sp.id = l.source_page_id WHERE l.target_url = r.dead_url AND k.account_id = r.account_id) AS "accountReferringPages",
  (SELECT count(DISTINCT sp.domain) FROM links l JOIN crawls k ON k.id = l.crawl_id
    JOIN pages sp ON sp.id = l.source_page_id WHERE l.target_url = r.dead_url AND k.account_id = r.account_id) AS "accountReferringDomains",
  r.state, r.resolution, r.resolved_at AS "resolvedAt", r.first_seen_at AS "firstSeenAt", r.last_seen_at AS "lastSeenAt",
  r.first_crawl_id AS "firstCrawlId",
  (SELECT json_build_object('crawls', count(*), 'crawlIds', (array_agg(s.crawl_id ORDER BY s.seen_at DESC))[1:${SEEN_BY_IDS}])
    FROM prospect_sightings s WHERE s.prospect_id = r.id) AS "seenBy",
  r.replacement_url AS "replacementUrl", r.link_check AS "linkCheck",
  (SELECT json_build_object(
      'emails', coalesce(json_agg(c.value) FILTER (WHERE c.kind = 'email'), '[]'),
      'contactPages', coalesce(json_agg(c.value) FILTER (WHERE c.kind = 'contact_page'), '[]'),
      'authors', coalesce(json_agg(c.value) FILTER (WHERE c.kind = 'author'), '[]'))
    FROM site_contacts c WHERE c.crawl_id = r.crawl_id AND c.domain = r.source_domain) AS contacts,
  ${archiveJson('a')} AS archive, ${DOMAIN_FACTS_COLUMN},
  t.evidence, r.recheck, r.updated_at AS "updatedAt"`;

const FROM = `prospects r JOIN pages p ON p.id = r.source_page_id
  LEFT JOIN crawl_targets t ON t.crawl_id = r.crawl_id AND t.url = r.dead_url
  LEFT JOIN archive_snapshots a ON a.url = r.dead_url
  ${DOMAIN_FACTS_JOIN}`;

/**
 * One page of an account's prospects. Keyset paging: by id (oldest first), or by score or relevance
 * (highest first, then id), so rows inserted while a client pages never shift the rows it has not read yet. Scores are
 * set when a prospect is found and refreshed once, when its crawl completes.
 */
export async function listProspects(
  db: Queryable,
  accountId: string,
  query: { filter: ProspectFilter; sort: ProspectSort; after?: ProspectCursor; limit: number },
): Promise<Prospect[]> {
  const { sql, params } = prospectWhere(accountId, query.filter);
  const where = [sql];
  // Relevance sorts pages never scored as fully relevant (as the score does), highest first.
  const key = { score: 'r.score', relevance: 'coalesce(p.relevance, 1)', firstSeen: null }[query.sort];
  if (query.after && key) {
    params.push(query.after[query.sort as 'score' | 'relevance'] ?? 0, query.after.id);
    where.push(`(${key}, r.id) < ($${params.length - 1}, $${params.length})`);
  } else if (query.after) {
    params.push(query.after.id);
    where.push(`r.id > $${params.length}`);
  }
  params.push(query.limit);
  const order = key ? `${key} DESC, r.id DESC` : 'r.id';
  const { rows } = await db.query<Prospect>(
    `/* prospects.listProspects */ SELECT ${RECORD} FROM ${FROM} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT $${params.length}`,
    params,
  );
  return rows.map(withRelFlags);
}

export async function findProspect(db: Queryable, accountId: string, id: string): Promise<Prospect | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const { rows } = await db.query<Prospect>(`/* prospects.findProspect */ SELECT ${RECORD} FROM ${FROM} WHERE r.account_id = $1 AND r.id = $2`, [accountId, id]);
  return rows[0] ? withRelFlags(rows[0]) : null;
}

// The record's relFlags, read from its rel by the domain's rule (the column stands in the query so
// that the record's fields keep their order).
const withRelFlags = (row: Prospect): Prospect => ({ ...row, relFlags: relFlags(String(row.rel)) });

// A found link's score, from the rows createProspects joins (t: the dead target, l: the link, src and s: its source page).
const FOUND_SCORE = crawlScoreSql({
  crawlId: 't.crawl_id', deadUrl: 't.url', sourcePageId: 'l.source_page_id', followed: 'l.followed', position: 'l.position',
  relevance: 'coalesce(s.relevance, src.relevance)',
});

/**
 * Turns every outbound link of the crawl to the given dead targets into a prospect: one per account and
 * opportunity (source page URL, dead URL). A new one goes into the webhook outbox and its history in the
 * same statement; one found before takes this sighting (the crawl, what it saw, last seen now) and is
 * open again if it had been resolved. Every sighting is recorded for the crawl's own view. A page less
 * relevant than the crawl's minRelevance makes none (its dead links are not the niche's). Idempotent:
 * a repeated call finds the opportunity and its sighting there. Targets not (yet) judged dead are
 * skipped. `sources` give the domain, final URL and relevance of pages whose rows do not say them yet (their
 * results are recorded later in the same transaction).
 */
export async function createProspects(
  db: Queryable,
  crawlId: string,
  targets: { url: string; domain: string }[],
  sources: { pageId: number; domain: string | null; finalUrl: string | null; relevance: number | null }[] = [],
): Promise<number> {
  if (targets.length === 0) return 0;
  const { rowCount } = await db.query(
    `/* prospects.createProspects */ WITH found AS (
     SELECT DISTINCT ON (source_url, dead_url) * FROM (
       SELECT (SELECT account_id FROM crawls WHERE id = $1) AS account_id, t.crawl_id, l.source_page_id, t.url AS dead_url, t.reason, t.http_status, l.anchor_text, l.rel,
         l.context, l.position, l.followed, coalesce(s.domain, src.domain, '') AS source_domain, u.domain AS dead_domain,
         coalesce(s.final_url, src.final_url, src.url) AS source_url,
         ${FOUND_SCORE} AS score
       FROM unnest($2::text[], $3::text[]) AS u(url, domain)
       -- One index probe per URL (see "Batch lookups" in docs/ARCHITECTURE.md).
       CROSS JOIN LATERAL (SELECT crawl_id, url, reason, http_status FROM crawl_targets
         WHERE crawl_id = $1 AND url = u.url AND verdict = 'dead' LIMIT 1) t
       JOIN links l ON l.crawl_id = t.crawl_id AND l.target_url = t.url AND l.outbound
       JOIN pages src ON src.id = l.source_page_id
       LEFT JOIN unnest($4::bigint[], $5::text[], $6::text[], $7::real[]) AS s(page_id, domain, final_url, relevance) ON s.page_id = l.source_page_id
       -- An off-topic page's dead links are not the niche's prospects (seeds are the niche). The crawl's
       -- columns are read once each (InitPlans) rather than joined: the join made planning, which runs
       -- at every call, a third dearer. No min_relevance: every page is on topic.
       WHERE src.depth = 0 OR coalesce(coalesce(s.relevance, src.relevance, 1) >= (SELECT min_relevance FROM crawls WHERE id = $1), true)
     ) f ORDER BY source_url, dead_url, source_page_id
   ),
   earlier AS (
     SELECT r.id, r.state FROM prospects r JOIN found f ON r.account_id = f.account_id AND r.source_url = f.source_url AND r.dead_url = f.dead_url
   ),
   upserted AS (
     INSERT INTO prospects (account_id, crawl_id, first_crawl_id, source_page_id, source_url, dead_url, reason, http_status, anchor_text, rel,
       context, position, followed, source_domain, dead_domain, score)
     SELECT account_id, crawl_id, crawl_id, source_page_id, source_url, dead_url, reason, http_status, anchor_text, rel,
       context, position, followed, source_domain, dead_domain, score FROM found
     ON CONFLICT (account_id, source_url, dead_url) DO UPDATE SET crawl_id = EXCLUDED.crawl_id, source_page_id = EXCLUDED.source_page_id,
       reason = EXCLUDED.reason, http_status = EXCLUDED.http_status, anchor_text = EXCLUDED.anchor_text, rel = EXCLUDED.rel,
       context = EXCLUDED.context, position = EXCLUDED.position, followed = EXCLUDED.followed, source_domain = EXCLUDED.source_domain,
       score = EXCLUDED.score, last_seen_at = now(), state = 'open', resolution = NULL, resolved_at = NULL
     RETURNING id, account_id, crawl_id, source_page_id, (xmax = 0) AS inserted
   ),
   sighted AS (
     INSERT INTO prospect_sightings (crawl_id, prospect_id, source_page_id) SELECT crawl_id, id, source_page_id FROM upserted
     ON CONFLICT (crawl_id, prospect_id) DO NOTHING
   ),
   told AS (
     INSERT INTO prospect_history (prospect_id, kind, from_value, to_value, reason, actor, crawl_id)
     SELECT u.id, 'state', e.state, 'open', CASE WHEN u.inserted THEN 'found' ELSE 'dead_again' END, 'crawl', u.crawl_id
     FROM upserted u LEFT JOIN earlier e ON e.id = u.id WHERE u.inserted OR e.state = 'resolved'
   )
   INSERT INTO prospect_notifications (prospect_id, account_id, crawl_id) SELECT id, account_id, crawl_id FROM upserted WHERE inserted`,
    [
      crawlId, targets.map((t) => t.url), targets.map((t) => t.domain),
      sources.map((s) => s.pageId), sources.map((s) => s.domain), sources.map((s) => s.finalUrl), sources.map((s) => s.relevance),
    ],
  );
  return rowCount ?? 0;
}

// A prospect's score again, from its own row (r) and its source page's relevance.
const RESCORED = crawlScoreSql({
  crawlId: 'r.crawl_id', deadUrl: 'r.dead_url', sourcePageId: 'r.source_page_id', followed: 'r.followed', position: 'r.position',
  relevance: '(SELECT p.relevance FROM pages p WHERE p.id = r.source_page_id)',
});

/** Scores a crawl's prospects again on its final link graph (they are scored as found, then frozen). */
export async function refreshProspectScores(db: Queryable, crawlId: string): Promise<void> {
  await db.query(
    `/* prospects.refreshProspectScores */ UPDATE prospects r SET score = ${RESCORED}
      WHERE r.crawl_id = $1`,
    [crawlId],
  );
}

export interface ProspectChange {
  status?: string;
  notes?: string;
  /** Our page that replaced the dead link (a won prospect's link is checked on the source page); null clears it. */
  replacementUrl?: string | null;
}

/**
 * Sets outreach status, notes and/or replacement URL of the account's prospects, recording each status
 * and replacement change in their history with who made it; returns the ids it changed. A new
 * replacement URL starts its link checks afresh.
 */
export async function updateProspects(db: Queryable, accountId: string, ids: string[], change: ProspectChange, actor: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `/* prospects.updateProspects */ WITH before AS (
       SELECT id, status, replacement_url FROM prospects WHERE account_id = $1 AND id = ANY($2::bigint[]) FOR NO KEY UPDATE
     ),
     changed AS (
       UPDATE prospects r SET status = coalesce($3, r.status), notes = coalesce($4, r.notes), updated_at = now(),
         replacement_url = CASE WHEN $6 THEN $5 ELSE r.replacement_url END,
         link_check = CASE WHEN $6 AND $5 IS DISTINCT FROM r.replacement_url THEN NULL ELSE r.link_check END,
         link_checked_at = CASE WHEN $6 AND $5 IS DISTINCT FROM r.replacement_url THEN NULL ELSE r.link_checked_at END
       FROM before b WHERE r.id = b.id
       RETURNING r.id, b.status AS old_status, r.status, b.replacement_url AS old_url, r.replacement_url
     ),
     told AS (
       INSERT INTO prospect_history (prospect_id, kind, from_value, to_value, actor)
       SELECT id, 'status', old_status, status, $7 FROM changed WHERE old_status <> status
       UNION ALL
       SELECT id, 'replacement_url', old_url, replacement_url, $7 FROM changed WHERE old_url IS DISTINCT FROM replacement_url
     )
     SELECT id::text FROM changed`,
    [
      accountId, ids.filter((id) => /^\d{1,18}$/.test(id)), change.status ?? null, change.notes ?? null,
      change.replacementUrl ?? null, change.replacementUrl !== undefined, actor,
    ],
  );
  return rows.map((row) => row.id);
}

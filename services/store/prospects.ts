import type { Queryable } from './db.js';
import { prospectWhere, type ProspectFilter } from './prospect-query.js';
import { relFlags } from '../crawl/vocabulary.js';
import { archiveJson } from './archive.js';
import { DOMAIN_FACTS_COLUMN, DOMAIN_FACTS_JOIN } from './domain-facts.js';

export type { ProspectFilter };
export type ProspectSort = 'score' | 'firstSeen';
/** Keyset position: the last row's id, and its score when sorting by score. */
export interface ProspectCursor {
  id: number;
  score?: number;
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

const RECORD = `
  r.id::text AS id, r.crawl_id AS "crawlId", r.status, r.notes, r.score,
  coalesce(p.final_url, p.url) AS "sourceUrl", p.title AS "sourceTitle", p.description AS "sourceDescription",
  p.lang AS "sourceLang", r.source_domain AS "sourceDomain",
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
  seen.first AS "firstSeenAt", seen.last AS "lastSeenAt",
  (SELECT json_build_object(
      'emails', coalesce(json_agg(c.value) FILTER (WHERE c.kind = 'email'), '[]'),
      'contactPages', coalesce(json_agg(c.value) FILTER (WHERE c.kind = 'contact_page'), '[]'),
      'authors', coalesce(json_agg(c.value) FILTER (WHERE c.kind = 'author'), '[]'))
    FROM site_contacts c WHERE c.crawl_id = r.crawl_id AND c.domain = r.source_domain) AS contacts,
  ${archiveJson('a')} AS archive, ${DOMAIN_FACTS_COLUMN},
  t.evidence, r.recheck, r.updated_at AS "updatedAt"`;

// First and last seen across the account's crawls: the same source page linking to the same dead URL.
const FROM = `prospects r JOIN pages p ON p.id = r.source_page_id
  LEFT JOIN crawl_targets t ON t.crawl_id = r.crawl_id AND t.url = r.dead_url
  LEFT JOIN archive_snapshots a ON a.url = r.dead_url
  ${DOMAIN_FACTS_JOIN}
  CROSS JOIN LATERAL (SELECT min(x.first_seen_at) AS first, max(x.last_seen_at) AS last
    FROM prospects x JOIN pages xp ON xp.id = x.source_page_id
    WHERE x.account_id = r.account_id AND x.dead_url = r.dead_url
      AND coalesce(xp.final_url, xp.url) = coalesce(p.final_url, p.url)) seen`;

/**
 * One page of an account's prospects. Keyset paging: by id (oldest first) or by score (highest first,
 * then id), so rows inserted while a client pages never shift the rows it has not read yet. Scores are
 * set when a prospect is found and refreshed once, when its crawl completes.
 */
export async function listProspects(
  db: Queryable,
  accountId: string,
  query: { filter: ProspectFilter; sort: ProspectSort; after?: ProspectCursor; limit: number },
): Promise<Prospect[]> {
  const { sql, params } = prospectWhere(accountId, query.filter);
  const where = [sql];
  if (query.after && query.sort === 'score') {
    params.push(query.after.score ?? 0, query.after.id);
    where.push(`(r.score, r.id) < ($${params.length - 1}, $${params.length})`);
  } else if (query.after) {
    params.push(query.after.id);
    where.push(`r.id > $${params.length}`);
  }
  params.push(query.limit);
  const order = query.sort === 'score' ? 'r.score DESC, r.id DESC' : 'r.id';
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

/**
 * Turns every outbound link of the crawl to the given dead targets into a prospect, and puts each new
 * one in the webhook outbox in the same statement. Idempotent: the natural key (crawl, source page, dead
 * URL) absorbs repeats. Targets not (yet) judged dead are skipped. A prospect's source domain is its
 * page's; `sources` give it for pages whose rows do not say it yet (their results are recorded later in
 * the same transaction).
 */
export async function createProspects(
  db: Queryable,
  crawlId: string,
  targets: { url: string; domain: string }[],
  sources: { pageId: number; domain: string | null }[] = [],
): Promise<number> {
  if (targets.length === 0) return 0;
  const { rowCount } = await db.query(
    `/* prospects.createProspects */ WITH inserted AS (
     INSERT INTO prospects (account_id, crawl_id, source_page_id, dead_url, reason, http_status, anchor_text, rel,
       context, position, followed, source_domain, dead_domain, score)
     SELECT c.account_id, t.crawl_id, l.source_page_id, t.url, t.reason, t.http_status, l.anchor_text, l.rel,
       l.context, l.position, l.followed, coalesce(s.domain, src.domain, ''), u.domain,
       crawl_prospect_score(t.crawl_id, t.url, l.source_page_id, l.followed, l.position)
     FROM unnest($2::text[], $3::text[]) AS u(url, domain)
     JOIN crawl_targets t ON t.crawl_id = $1 AND t.url = u.url AND t.verdict = 'dead'
     JOIN crawls c ON c.id = t.crawl_id
     JOIN links l ON l.crawl_id = t.crawl_id AND l.target_url = t.url AND l.outbound
     JOIN pages src ON src.id = l.source_page_id
     LEFT JOIN unnest($4::bigint[], $5::text[]) AS s(page_id, domain) ON s.page_id = l.source_page_id
     ON CONFLICT (crawl_id, source_page_id, dead_url) DO NOTHING
     RETURNING id, account_id, crawl_id
     )
     INSERT INTO prospect_notifications (prospect_id, account_id, crawl_id) SELECT id, account_id, crawl_id FROM inserted`,
    [crawlId, targets.map((t) => t.url), targets.map((t) => t.domain), sources.map((s) => s.pageId), sources.map((s) => s.domain)],
  );
  return rowCount ?? 0;
}

/** Scores a crawl's prospects again on its final link graph (they are scored as found, then frozen). */
export async function refreshProspectScores(db: Queryable, crawlId: string): Promise<void> {
  await db.query(
    `/* prospects.refreshProspectScores */ UPDATE prospects SET score = crawl_prospect_score(crawl_id, dead_url, source_page_id, followed, position)
     WHERE crawl_id = $1`,
    [crawlId],
  );
}

/** Sets outreach status and/or notes of the account's prospects; returns the ids it changed. */
export async function updateProspects(
  db: Queryable,
  accountId: string,
  ids: string[],
  change: { status?: string; notes?: string },
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `/* prospects.updateProspects */ UPDATE prospects SET status = coalesce($3, status), notes = coalesce($4, notes), updated_at = now()
     WHERE account_id = $1 AND id = ANY($2::bigint[]) RETURNING id::text`,
    [accountId, ids.filter((id) => /^\d{1,18}$/.test(id)), change.status ?? null, change.notes ?? null],
  );
  return rows.map((row) => row.id);
}

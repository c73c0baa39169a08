import type { Queryable } from './db.js';
import { prospectWhere, type ProspectFilter } from './prospect-query.js';

/** Most referring pages listed per dead URL; `prospects` counts them all. */
const MAX_REFERRING_PAGES = 100;

export interface DeadLink {
  deadUrl: string;
  score: number;
  [field: string]: unknown;
}

/**
 * An account's prospects grouped by dead URL, highest score first: one replacement page, many outreach
 * emails. Keyset paging on (best score, dead URL).
 */
export async function listDeadLinks(
  db: Queryable,
  accountId: string,
  query: { filter: ProspectFilter; after?: { score: number; deadUrl: string }; limit: number },
): Promise<DeadLink[]> {
  const { sql, params } = prospectWhere(accountId, query.filter);
  let having = '';
  if (query.after) {
    params.push(query.after.score, query.after.deadUrl);
    having = `HAVING (max(r.score), r.dead_url) < ($${params.length - 1}, $${params.length})`;
  }
  params.push(query.limit);
  const { rows } = await db.query<DeadLink>(
    `/* dead-links.listDeadLinks */ SELECT g.*, CASE WHEN a.url IS NULL THEN NULL ELSE json_build_object('state', a.state, 'url', a.snapshot_url,
         'timestamp', a.snapshot_at, 'title', a.title) END AS archive
     FROM (
       SELECT r.dead_url AS "deadUrl", min(r.dead_domain) AS "deadDomain", min(r.reason) AS reason,
         bool_or(r.reason = 'dns_failure') AS "deadDomainExpired", max(r.http_status) AS "httpStatus",
         max(r.score) AS score, count(*) AS prospects,
         (array_agg(json_build_object('prospectId', r.id::text, 'crawlId', r.crawl_id,
            'sourceUrl', coalesce(p.final_url, p.url), 'sourceTitle', p.title, 'sourceDomain', r.source_domain,
            'anchorText', r.anchor_text, 'context', r.context, 'followed', r.followed, 'status', r.status,
            'score', r.score) ORDER BY r.score DESC, r.id))[1:${MAX_REFERRING_PAGES}] AS "referringPages"
       FROM prospects r JOIN pages p ON p.id = r.source_page_id
       WHERE ${sql}
       GROUP BY r.dead_url ${having}
       ORDER BY max(r.score) DESC, r.dead_url DESC
       LIMIT $${params.length}
     ) g LEFT JOIN archive_snapshots a ON a.url = g."deadUrl"
     ORDER BY g.score DESC, g."deadUrl" DESC`,
    params,
  );
  return rows;
}

import type { Queryable } from './db.js';
import { prospectWhere, type ProspectFilter } from './prospect-query.js';
import { archiveJson } from './archive.js';
import { DOMAIN_FACTS_COLUMN } from './domain-facts.js';

/** Most referring pages (and dead URLs of a domain) listed per group; `prospects` counts them all. */
const MAX_LISTED = 100;
// The best prospects of a group, each with its source page.
const REFERRING_PAGES = `(array_agg(json_build_object('prospectId', r.id::text, 'crawlId', r.crawl_id, 'deadUrl', r.dead_url,
    'sourceUrl', coalesce(p.final_url, p.url), 'sourceTitle', p.title, 'sourceDomain', r.source_domain,
    'anchorText', r.anchor_text, 'context', r.context, 'followed', r.followed, 'status', r.status,
    'score', r.score) ORDER BY r.score DESC, r.id))[1:${MAX_LISTED}] AS "referringPages"`;

/**
 * The filter's WHERE and parameters for a list of prospects grouped by `key`, with the keyset HAVING
 * after the last group read (its best score and key) and the limit as the last parameter.
 */
function groupedPage(accountId: string, filter: ProspectFilter, key: string, after: [score: number, key: string] | undefined, limit: number) {
  const { sql, params } = prospectWhere(accountId, filter);
  let having = '';
  if (after) {
    params.push(...after);
    having = `HAVING (max(r.score), ${key}) < ($${params.length - 1}, $${params.length})`;
  }
  params.push(limit);
  return { sql, params, having };
}

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
  const { sql, params, having } = groupedPage(accountId, query.filter, 'r.dead_url', query.after && [query.after.score, query.after.deadUrl], query.limit);
  const { rows } = await db.query<DeadLink>(
    `/* dead-links.listDeadLinks */ SELECT g.*, ${archiveJson('a')} AS archive
     FROM (
       SELECT r.dead_url AS "deadUrl", min(r.dead_domain) AS "deadDomain", min(r.reason) AS reason,
         bool_or(r.reason = 'dns_failure') AS "deadDomainExpired", max(r.http_status) AS "httpStatus",
         max(r.score) AS score, count(*) AS prospects, ${REFERRING_PAGES}
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

/**
 * An account's prospects grouped by dead domain, highest score first: a domain that is gone (expired,
 * parked) is one opportunity however many of its URLs are linked, and may be bought back whole. Carries
 * the domain's RDAP facts when its links are dead for dns_failure or parked_domain. Keyset paging on
 * (best score, domain).
 */
export async function listDeadDomains(
  db: Queryable,
  accountId: string,
  query: { filter: ProspectFilter; after?: { score: number; deadDomain: string }; limit: number },
): Promise<DeadLink[]> {
  const { sql, params, having } = groupedPage(accountId, query.filter, 'r.dead_domain', query.after && [query.after.score, query.after.deadDomain], query.limit);
  const { rows } = await db.query<DeadLink>(
    `/* dead-links.listDeadDomains */ SELECT g.*, ${DOMAIN_FACTS_COLUMN}
     FROM (
       SELECT r.dead_domain AS "deadDomain", array_agg(DISTINCT r.reason ORDER BY r.reason) AS reasons,
         max(r.score) AS score, count(*) AS prospects, count(DISTINCT r.dead_url) AS "deadUrlCount",
         (array_agg(DISTINCT r.dead_url ORDER BY r.dead_url))[1:${MAX_LISTED}] AS "deadUrls", ${REFERRING_PAGES}
       FROM prospects r JOIN pages p ON p.id = r.source_page_id
       WHERE ${sql}
       GROUP BY r.dead_domain ${having}
       ORDER BY max(r.score) DESC, r.dead_domain DESC
       LIMIT $${params.length}
     ) g LEFT JOIN domain_facts df ON df.domain = g."deadDomain" AND g.reasons && ARRAY['dns_failure', 'parked_domain']
     ORDER BY g.score DESC, g."deadDomain" DESC`,
    params,
  );
  return rows;
}

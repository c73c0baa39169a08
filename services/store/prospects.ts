import type { Queryable } from './db.js';

export interface Prospect {
  id: string;
  crawlId: string;
  sourceUrl: string;
  sourceTitle: string | null;
  deadUrl: string;
  reason: string;
  httpStatus: number | null;
  anchorText: string;
  rel: string;
  referringPages: number;
  status: string;
  firstSeenAt: Date;
}

/** An account's prospects in id order, optionally of one crawl, paged by keyset on id (stable under inserts). */
export async function listProspects(
  db: Queryable,
  accountId: string,
  filter: { crawlId?: string; afterId?: number; limit: number },
): Promise<Prospect[]> {
  const { rows } = await db.query<Prospect>(
    `SELECT r.id::text AS id, r.crawl_id AS "crawlId", coalesce(p.final_url, p.url) AS "sourceUrl",
       p.title AS "sourceTitle", r.dead_url AS "deadUrl", r.reason, r.http_status AS "httpStatus",
       r.anchor_text AS "anchorText", r.rel, r.status, r.first_seen_at AS "firstSeenAt",
       (SELECT count(*) FROM links l WHERE l.crawl_id = r.crawl_id AND l.target_url = r.dead_url)
         AS "referringPages"
     FROM prospects r JOIN pages p ON p.id = r.source_page_id
     WHERE r.account_id = $1 AND ($2::uuid IS NULL OR r.crawl_id = $2) AND r.id > $3
     ORDER BY r.id LIMIT $4`,
    [accountId, filter.crawlId ?? null, filter.afterId ?? 0, filter.limit],
  );
  return rows;
}

import type { Queryable } from './db.js';

export interface PendingItem {
  kind: 'page' | 'target';
  id: number;
  crawlId: string;
}

/**
 * Pages and targets of live crawls that have waited longer than minAgeMs: the reconciler checks that
 * each still has a job. Oldest first, at most `limit`.
 */
export async function stalePendingItems(db: Queryable, minAgeMs: number, limit: number): Promise<PendingItem[]> {
  const { rows } = await db.query<PendingItem>(
    `(SELECT 'page' AS kind, p.id, p.crawl_id AS "crawlId", p.created_at FROM pages p
       JOIN crawls c ON c.id = p.crawl_id
      WHERE p.state = 'queued' AND c.status IN ('queued', 'running') AND p.created_at < now() - make_interval(secs => $1)
      ORDER BY p.created_at LIMIT $2)
     UNION ALL
     (SELECT 'target', t.id, t.crawl_id, t.created_at FROM crawl_targets t
       JOIN crawls c ON c.id = t.crawl_id
      WHERE t.state = 'pending' AND c.status IN ('queued', 'running') AND t.created_at < now() - make_interval(secs => $1)
      ORDER BY t.created_at LIMIT $2)`,
    [minAgeMs / 1000, limit],
  );
  return rows.map(({ kind, id, crawlId }) => ({ kind, id, crawlId }));
}

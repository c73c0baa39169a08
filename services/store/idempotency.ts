import type { Queryable } from './db.js';

// Keys are remembered this long; after it the same key starts a new crawl.
const KEY_LIFETIME = '24 hours';

/** The crawl an earlier request with this key created, and that request's body hash; null when none. */
export async function findIdempotentCrawl(
  db: Queryable,
  accountId: string,
  key: string,
): Promise<{ crawlId: string; requestHash: string } | null> {
  const { rows } = await db.query(
    `/* idempotency.findIdempotentCrawl */ SELECT crawl_id AS "crawlId", request_hash AS "requestHash" FROM idempotency_keys
     WHERE account_id = $1 AND key = $2 AND created_at > now() - $3::interval`,
    [accountId, key, KEY_LIFETIME],
  );
  return rows[0] ?? null;
}

/**
 * Claims the key for a crawl inside the crawl's transaction. False when another request holds it: a
 * concurrent one waits here, on the primary key, until that transaction ends. An expired key is taken over.
 */
export async function claimIdempotencyKey(
  db: Queryable,
  claim: { accountId: string; key: string; requestHash: string; crawlId: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `/* idempotency.claimIdempotencyKey */ INSERT INTO idempotency_keys (account_id, key, request_hash, crawl_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, crawl_id = EXCLUDED.crawl_id,
       created_at = now()
     WHERE idempotency_keys.created_at <= now() - $5::interval`,
    [claim.accountId, claim.key, claim.requestHash, claim.crawlId, KEY_LIFETIME],
  );
  return rowCount === 1;
}

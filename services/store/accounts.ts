import type { Queryable } from './db.js';

export interface ApiKeyRecord {
  id: string;
  accountId: string;
  name: string;
  keyPrefix: string;
  createdAt: Date;
}

export async function createAccount(db: Queryable, name: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>('/* accounts.createAccount */ INSERT INTO accounts (name) VALUES ($1) RETURNING id', [name]);
  return rows[0]!.id;
}

export async function accountExists(db: Queryable, accountId: string): Promise<boolean> {
  const { rowCount } = await db.query('/* accounts.accountExists */ SELECT 1 FROM accounts WHERE id = $1', [accountId]);
  return rowCount === 1;
}

export async function insertApiKey(
  db: Queryable,
  key: { accountId: string; name: string; hash: Buffer; prefix: string },
): Promise<ApiKeyRecord> {
  const { rows } = await db.query(
    `/* accounts.insertApiKey */ INSERT INTO api_keys (account_id, name, key_hash, key_prefix) VALUES ($1, $2, $3, $4)
     RETURNING id, account_id AS "accountId", name, key_prefix AS "keyPrefix", created_at AS "createdAt"`,
    [key.accountId, key.name, key.hash, key.prefix],
  );
  return rows[0] as ApiKeyRecord;
}

/**
 * The account a key hash belongs to, or null for an unknown or revoked key. Notes when the key was
 * used, at most once a minute so that a busy client does not turn every request into a write.
 */
export async function accountForKeyHash(db: Queryable, hash: Buffer): Promise<{ accountId: string; keyName: string } | null> {
  const { rows } = await db.query<{ accountId: string; keyName: string }>(
    `/* accounts.accountForKeyHash */ WITH live AS (SELECT id, account_id, name, last_used_at FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL),
     touched AS (
       UPDATE api_keys k SET last_used_at = now() FROM live
       WHERE k.id = live.id AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute')
     )
     SELECT account_id AS "accountId", name AS "keyName" FROM live`,
    [hash],
  );
  return rows[0] ?? null;
}

export interface AccountSummary {
  id: string;
  name: string;
  createdAt: Date;
  activeKeys: number;
  crawls: number;
  runningCrawls: number;
  pagesCrawled: number;
  linksChecked: number;
  prospects: number;
  /** The last request made with any of the account's keys (to the minute). */
  lastUsedAt: Date | null;
}

export async function insertAccount(db: Queryable, name: string): Promise<{ id: string; name: string; createdAt: Date }> {
  const { rows } = await db.query('/* accounts.insertAccount */ INSERT INTO accounts (name) VALUES ($1) RETURNING id, name, created_at AS "createdAt"', [name]);
  return rows[0];
}

/**
 * Every account (or only the one given) with its usage, newest first. The pages and links of a crawl
 * whose counts are kept (see freezeCrawlStats) are its kept counts; the others' are counted.
 */
export async function listAccounts(db: Queryable, only?: string): Promise<AccountSummary[]> {
  const { rows } = await db.query<AccountSummary>(
    `/* accounts.listAccounts */ SELECT a.id, a.name, a.created_at AS "createdAt",
       (SELECT count(*) FROM api_keys k WHERE k.account_id = a.id AND k.revoked_at IS NULL) AS "activeKeys",
       (SELECT count(*) FROM crawls c WHERE c.account_id = a.id) AS crawls,
       (SELECT count(*) FROM crawls c WHERE c.account_id = a.id AND c.status IN ('queued', 'running')) AS "runningCrawls",
       (SELECT coalesce(sum(coalesce((c.final_stats ->> 'pagesCrawled')::bigint,
           (SELECT count(*) FROM pages p WHERE p.crawl_id = c.id AND p.state = 'crawled'))), 0)::bigint
         FROM crawls c WHERE c.account_id = a.id) AS "pagesCrawled",
       (SELECT coalesce(sum(coalesce((c.final_stats ->> 'linksChecked')::bigint,
           (SELECT count(*) FROM crawl_targets t WHERE t.crawl_id = c.id AND t.state = 'checked'))), 0)::bigint
         FROM crawls c WHERE c.account_id = a.id) AS "linksChecked",
       (SELECT count(*) FROM prospects p WHERE p.account_id = a.id) AS prospects,
       (SELECT max(k.last_used_at) FROM api_keys k WHERE k.account_id = a.id) AS "lastUsedAt"
     FROM accounts a WHERE $1::uuid IS NULL OR a.id = $1 ORDER BY a.created_at DESC, a.id`,
    [only ?? null],
  );
  return rows;
}

const KEY_COLUMNS = `id, account_id AS "accountId", name, key_prefix AS "keyPrefix", created_at AS "createdAt", revoked_at AS "revokedAt",
  last_used_at AS "lastUsedAt"`;

/** An account's keys (never the secrets: only their first characters). */
export async function listApiKeys(db: Queryable, accountId: string): Promise<(ApiKeyRecord & { revokedAt: Date | null; lastUsedAt: Date | null })[]> {
  const { rows } = await db.query(`/* accounts.listApiKeys */ SELECT ${KEY_COLUMNS} FROM api_keys WHERE account_id = $1 ORDER BY created_at, id`, [accountId]);
  return rows;
}

/** Revokes a key at once (the next request with it is refused); null when there is no such key. */
export async function revokeApiKey(db: Queryable, keyId: string): Promise<(ApiKeyRecord & { revokedAt: Date }) | null> {
  const { rows } = await db.query(
    `/* accounts.revokeApiKey */ UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${KEY_COLUMNS}`,
    [keyId],
  );
  return rows[0] ?? null;
}

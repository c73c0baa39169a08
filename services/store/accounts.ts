import type { Queryable } from './db.js';

export interface ApiKeyRecord {
  id: string;
  accountId: string;
  name: string;
  keyPrefix: string;
  createdAt: Date;
}

export async function createAccount(db: Queryable, name: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>('INSERT INTO accounts (name) VALUES ($1) RETURNING id', [name]);
  return rows[0]!.id;
}

export async function accountExists(db: Queryable, accountId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM accounts WHERE id = $1', [accountId]);
  return rowCount === 1;
}

export async function insertApiKey(
  db: Queryable,
  key: { accountId: string; name: string; hash: Buffer; prefix: string },
): Promise<ApiKeyRecord> {
  const { rows } = await db.query(
    `INSERT INTO api_keys (account_id, name, key_hash, key_prefix) VALUES ($1, $2, $3, $4)
     RETURNING id, account_id AS "accountId", name, key_prefix AS "keyPrefix", created_at AS "createdAt"`,
    [key.accountId, key.name, key.hash, key.prefix],
  );
  return rows[0] as ApiKeyRecord;
}

/** The account a key hash belongs to, or null for an unknown or revoked key. */
export async function accountForKeyHash(db: Queryable, hash: Buffer): Promise<string | null> {
  const { rows } = await db.query<{ account_id: string }>(
    'SELECT account_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [hash],
  );
  return rows[0]?.account_id ?? null;
}

export interface AccountSummary {
  id: string;
  name: string;
  createdAt: Date;
  activeKeys: number;
  crawls: number;
  prospects: number;
}

export async function insertAccount(db: Queryable, name: string): Promise<{ id: string; name: string; createdAt: Date }> {
  const { rows } = await db.query('INSERT INTO accounts (name) VALUES ($1) RETURNING id, name, created_at AS "createdAt"', [name]);
  return rows[0];
}

/** Every account with its usage, newest first. */
export async function listAccounts(db: Queryable): Promise<AccountSummary[]> {
  const { rows } = await db.query<AccountSummary>(
    `SELECT a.id, a.name, a.created_at AS "createdAt",
       (SELECT count(*) FROM api_keys k WHERE k.account_id = a.id AND k.revoked_at IS NULL) AS "activeKeys",
       (SELECT count(*) FROM crawls c WHERE c.account_id = a.id) AS crawls,
       (SELECT count(*) FROM prospects p WHERE p.account_id = a.id) AS prospects
     FROM accounts a ORDER BY a.created_at DESC, a.id`,
  );
  return rows;
}

const KEY_COLUMNS = `id, account_id AS "accountId", name, key_prefix AS "keyPrefix", created_at AS "createdAt", revoked_at AS "revokedAt"`;

/** An account's keys (never the secrets: only their first characters). */
export async function listApiKeys(db: Queryable, accountId: string): Promise<(ApiKeyRecord & { revokedAt: Date | null })[]> {
  const { rows } = await db.query(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE account_id = $1 ORDER BY created_at, id`, [accountId]);
  return rows;
}

/** Revokes a key at once (the next request with it is refused); null when there is no such key. */
export async function revokeApiKey(db: Queryable, keyId: string): Promise<(ApiKeyRecord & { revokedAt: Date }) | null> {
  const { rows } = await db.query(
    `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${KEY_COLUMNS}`,
    [keyId],
  );
  return rows[0] ?? null;
}

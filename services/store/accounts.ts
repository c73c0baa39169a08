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

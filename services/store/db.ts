import pg from 'pg';

export type Db = pg.Pool;
/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

// bigint columns (ids, counts) fit in a JS number for any realistic crawl; parse them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function createPool(databaseUrl: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5_000 });
  // An idle client that loses its server emits here; without a listener the process would crash.
  pool.on('error', () => {});
  return pool;
}

/** Creates the database named in the URL when it does not exist yet (first start on a new machine). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name) throw new Error('DATABASE_URL must name a database');
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    try {
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    } catch (error) {
      // Two processes starting at once: the other one created it first. PostgreSQL says so with
      // 42P04 (already exists) or, when both commands overlap, 23505 on its catalog's unique index.
      const code = (error as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw error;
    }
  } finally {
    await admin.end();
  }
}

// Deadlock and serialization failure: PostgreSQL rolled the transaction back, and running it again is safe.
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_TRANSACTION_TRIES = 3;

/**
 * Runs fn inside BEGIN/COMMIT on one client; rolls back and rethrows on error. A transaction PostgreSQL
 * aborted as a deadlock victim is run again (fn must do nothing outside the database).
 */
export async function withTransaction<T>(db: Db, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      const code = (error as { code?: string }).code;
      if (!code || !RETRYABLE.has(code) || attempt >= MAX_TRANSACTION_TRIES) throw error;
    } finally {
      client.release();
    }
  }
}

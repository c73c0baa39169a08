import pg from 'pg';
import { isDatabaseUnavailable, type OutageLog } from '../outages.js';

/**
 * The service's PostgreSQL pool. `query` runs one statement and, when the connection fails under it
 * (a restart, a terminated session), runs it again on a fresh connection: every statement we send alone
 * is idempotent (upserts and conditional updates). After the last try the error says the database is
 * unavailable, and the caller postpones its work (jobs) or answers 503 (the API).
 */
export interface Db {
  query: pg.Pool['query'];
  /** A client of its own, for a session (migrations) or a transaction (see withTransaction). */
  connect(): Promise<pg.PoolClient>;
  end(): Promise<void>;
}
/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<Db, 'query'> | pg.PoolClient;

// bigint columns (ids, counts) fit in a JS number for any realistic crawl; parse them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

// Waits before the next try of a statement or transaction whose connection failed: about 3.5 s in all,
// long enough for a terminated session or a fast restart, short enough that a job or request is not held.
const RECONNECT_WAITS_MS = [100, 400, 1_000, 2_000];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms * (0.75 + Math.random() / 2)));

export function createPool(databaseUrl: string, max = 10, outages?: OutageLog): Db {
  const pool = new pg.Pool({
    connectionString: databaseUrl, max, connectionTimeoutMillis: 5_000,
    // Awaited before the new connection runs its first statement.
    onConnect: async (client) => {
      await client.query(JIT_OFF).catch((error: unknown) => Promise.reject(withQueryName(error, JIT_OFF)));
    },
  });
  // An idle client that loses its server emits on the pool; one checked out emits on itself, and
  // without a listener there the process would crash (an unhandled 'error' event).
  pool.on('error', (error) => outages?.report('postgres', 'pool', error));
  pool.on('connect', (client) => {
    client.on('error', (error) => outages?.report('postgres', 'client', error));
    outages?.restored('postgres');
  });
  const query = (async (text: string, values?: unknown[]) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await pool.query(statement(text, values));
      } catch (error) {
        // pg-pool drops a client whose statement failed, so the statement runs again on another.
        if (!needsFreshConnection(error) || attempt >= RECONNECT_WAITS_MS.length) throw withQueryName(error, text);
        await sleep(RECONNECT_WAITS_MS[attempt]!);
      }
    }
  }) as pg.Pool['query'];
  return { query, connect: () => pool.connect(), end: () => pool.end() };
}

/**
 * Turns PostgreSQL's JIT compilation off for a session, unless a JIT setting was given anywhere (the
 * server's configuration, ALTER DATABASE or ROLE, PGOPTIONS or DATABASE_URL's options): then the
 * operator's choice stands. JIT compiles a statement whose estimated cost passes jit_above_cost, and ours
 * are short statements whose estimates count work that never runs: a kept count in
 * coalesce(kept, <count>) is costed as if counted for every row. The admin's account list of 20 ended
 * crawls of 10,000 pages took about 290 ms with JIT (28 ms of it compiling) and 1 to 2 ms without. A
 * plain statement, which a pooler such as PgBouncer passes on (it refuses `options` in the startup packet).
 */
const JIT_OFF = `/* db.createPool */ SELECT set_config('jit', 'off', false)
  WHERE NOT EXISTS (SELECT 1 FROM pg_settings WHERE name LIKE 'jit%' AND source <> 'default')`;

// Every statement of a repository starts with its name, `/* module.function */`: PostgreSQL shows it in
// pg_stat_activity and its logs, and withQueryName puts it in our errors (the import-graph test checks
// that every statement has one).
const QUERY_NAME = /^\/\* ([\w.-]+) \*\//;

/** The failing statement's name in its error (as `query`, and at the start of the message); `code` stays. */
function withQueryName(error: unknown, text: unknown): unknown {
  const name = typeof text === 'string' ? QUERY_NAME.exec(text)?.[1] : undefined;
  if (name && error instanceof Error && !('query' in error)) {
    Object.assign(error, { query: name });
    error.message = `${name}: ${error.message}`;
  }
  return error;
}

// Statements with parameters are prepared once per connection under a name and then only bound and run:
// PostgreSQL parses and analyzes them once, and plans them once where a generic plan serves, which took a
// quarter of its CPU in the bench when every statement was sent unnamed. A name stands for one text in
// this process. A text is named at its PREPARE_AFTER_USES-th use, so that the filter combinations a
// request builds once in a while do not take names (each named text stays prepared on every connection
// that ran it), and names stop at MAX_PREPARED. Statements without parameters use the simple protocol as
// before (it allows several statements in one text).
const PREPARE_AFTER_USES = 3;
const MAX_PREPARED = 300;
// Texts whose uses are counted; the count starts over when it is full.
const MAX_COUNTED = 5_000;
const statementNames = new Map<string, string>();
const uses = new Map<string, number>();

function statement(text: string, values?: unknown[]): pg.QueryConfig {
  if (values === undefined) return { text };
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_PREPARED) {
    const used = (uses.get(text) ?? 0) + 1;
    if (used >= PREPARE_AFTER_USES) {
      uses.delete(text);
      statementNames.set(text, (name = `blb_${statementNames.size + 1}`));
    } else {
      if (uses.size >= MAX_COUNTED) uses.clear();
      uses.set(text, used);
    }
  }
  return { name, text, values };
}

// A prepared statement that no longer fits its connection: a migration changed what it reads ("cached
// plan must not change result type"), or the statement is gone on the server. The connection is dropped
// and the work runs again on another, where the statement is prepared anew.
const STALE_STATEMENT = new Set(['0A000', '26000']);
/** The statement failed for its connection, not for itself: run it again on a fresh one. */
const needsFreshConnection = (error: unknown) =>
  isDatabaseUnavailable(error) || STALE_STATEMENT.has((error as { code?: string }).code ?? '');

/** Answers when PostgreSQL does (readiness probes). */
export async function pingDatabase(db: Queryable): Promise<void> {
  await db.query('/* db.pingDatabase */ SELECT 1');
}

/** Creates the database named in the URL when it does not exist yet (first start on a new machine). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name) throw new Error('DATABASE_URL must name a database');
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  // A failure is reported by the awaited call; without a listener it would also crash the process.
  admin.on('error', () => {});
  await admin.connect();
  try {
    const { rowCount } = await admin.query('/* db.ensureDatabase */ SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    try {
      await admin.query(`/* db.ensureDatabase */ CREATE DATABASE ${pg.escapeIdentifier(name)}`);
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
const MAX_CONFLICT_TRIES = 3;

/**
 * Runs fn inside BEGIN/COMMIT on one client; rolls back and rethrows on error. A transaction PostgreSQL
 * aborted as a deadlock victim is run again, and so is one whose connection failed or held a stale
 * prepared statement (on a fresh connection): fn must do nothing outside the database, and everything
 * we write is idempotent, so even a COMMIT whose answer was lost is safe to repeat (the second run then
 * finds the work done, as a repeated job does; the reconciler enqueues any job that was never added
 * because of it).
 */
export async function withTransaction<T>(db: Db, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  let conflicts = 0;
  let reconnects = 0;
  for (;;) {
    let client: pg.PoolClient | undefined;
    let broken: Error | undefined;
    try {
      client = await db.connect();
      await client.query('BEGIN');
      const session = client;
      const tx = {
        query: ((text: string, values?: unknown[]) =>
          session.query(statement(text, values)).catch((error: unknown) => Promise.reject(withQueryName(error, text)))) as pg.Pool['query'],
      };
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (needsFreshConnection(error)) broken = error as Error;
      else await client?.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      const code = (error as { code?: string }).code;
      if (code && RETRYABLE.has(code) && ++conflicts < MAX_CONFLICT_TRIES) continue;
      if (broken && reconnects < RECONNECT_WAITS_MS.length) {
        await sleep(RECONNECT_WAITS_MS[reconnects++]!);
        continue;
      }
      throw error;
    } finally {
      // A client whose connection failed is destroyed, not handed to the next caller.
      client?.release(broken);
    }
  }
}

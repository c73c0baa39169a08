import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from './db.js';
import { projectRoot } from '../project-root.js';
import { installDomainFunctions } from './score-function.js';

// Any fixed number works; it only has to be the same in every process of this service.
const MIGRATION_LOCK_KEY = 7_262_143_001;
const FILE_PATTERN = /^(\d+)_[\w-]+\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export async function readMigrations(dir = join(projectRoot, 'migrations')): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => FILE_PATTERN.test(file)).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const version = Number(FILE_PATTERN.exec(file)![1]);
    if (migrations.some((m) => m.version === version)) throw new Error(`two migrations share version ${version}`);
    migrations.push({ version, name: file, sql: await readFile(join(dir, file), 'utf8') });
  }
  return migrations;
}

/**
 * Applies the forward-only migrations that are not applied yet, each in its own transaction, under a
 * session advisory lock so that processes starting together apply each one exactly once.
 * Then installs the SQL functions written from domain definitions (prospect_score). Returns the names
 * of the migrations applied by this call.
 */
export async function migrate(db: Db, migrations?: Migration[]): Promise<string[]> {
  const pending = migrations ?? (await readMigrations());
  const client = await db.connect();
  try {
    await client.query('/* migrate.migrate */ SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`/* migrate.migrate */ CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>('/* migrate.migrate */ SELECT version FROM schema_migrations');
    const done = new Set(rows.map((row) => row.version));
    const applied: string[] = [];
    for (const migration of pending) {
      if (done.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('/* migrate.migrate */ INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(migration.name);
    }
    await installDomainFunctions(client);
    return applied;
  } finally {
    await client.query('/* migrate.migrate */ SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    client.release();
  }
}

/** Migrations this code has that the database has not applied yet (none: the schema is current). */
export async function pendingMigrations(db: Db, migrations?: Migration[]): Promise<string[]> {
  const known = migrations ?? (await readMigrations());
  const { rows } = await db.query<{ version: number }>(
    '/* migrate.pendingMigrations */ SELECT version FROM schema_migrations',
  ).catch((error: { code?: string }) => {
    // No table yet: nothing was ever applied.
    if (error.code === '42P01') return { rows: [] as { version: number }[] };
    throw error;
  });
  const applied = new Set(rows.map((row) => row.version));
  return known.filter((migration) => !applied.has(migration.version)).map((migration) => migration.name);
}

import t from 'tap';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool, ensureDatabase } from '../../services/store/db.js';
import { migrate, readMigrations } from '../../services/store/migrate.js';

const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const databaseUrl = new URL(base);
databaseUrl.pathname = `/blb_migrate_${randomBytes(4).toString('hex')}`;

t.teardown(async () => {
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseUrl.pathname.slice(1))} WITH (FORCE)`);
  await admin.end();
});

t.test('processes starting together create the database once and apply each migration once', async (t) => {
  await Promise.all([ensureDatabase(databaseUrl.toString()), ensureDatabase(databaseUrl.toString())]);
  const pools = [createPool(databaseUrl.toString()), createPool(databaseUrl.toString()), createPool(databaseUrl.toString())];
  t.teardown(() => Promise.all(pools.map((pool) => pool.end())));

  const results = await Promise.all(pools.map((pool) => migrate(pool)));
  const expected = (await readMigrations()).map((m) => m.name);
  t.same(results.flat().sort(), expected.sort(), 'every migration applied by exactly one process');

  const { rows } = await pools[0]!.query('SELECT name FROM schema_migrations ORDER BY version');
  t.same(rows.map((r) => r.name), expected);
  t.same(await migrate(pools[1]!), [], 'a later start applies nothing');
});

t.test('a failing migration is rolled back and named', async (t) => {
  const pool = createPool(databaseUrl.toString());
  t.teardown(() => pool.end());
  const broken = [{ version: 999, name: '999_broken.sql', sql: 'CREATE TABLE half_done (id int); SELECT no_such_column FROM accounts;' }];
  await t.rejects(migrate(pool, broken), /999_broken\.sql failed/);
  const { rowCount } = await pool.query(`SELECT 1 FROM pg_tables WHERE tablename = 'half_done'`);
  t.equal(rowCount, 0, 'nothing of the broken migration remains');
});

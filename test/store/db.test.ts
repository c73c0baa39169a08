import t from 'tap';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment } from '../support/environment.js';
import { createPool, withTransaction } from '../../services/store/db.js';
import { insertCrawl } from '../../services/store/crawls.js';

// A database blip is not a crash: a session killed under a transaction or a statement is replaced by a
// fresh one and the work runs again (everything we write is idempotent).
const env = await startEnvironment();
t.teardown(() => env.close());
const { db, config } = env.runtime;
await db.query('CREATE TABLE blip (id int PRIMARY KEY, tries int NOT NULL)');

/** Ends every other session on this test's database, as pg_terminate_backend by an operator does. */
async function terminateSessions(): Promise<number> {
  const admin = new pg.Client({ connectionString: config.databaseUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rows[0].n;
  } finally {
    await admin.end();
  }
}

t.test('the pool\'s sessions run without JIT unless a JIT setting was given', async (t) => {
  const read = "SELECT current_setting('jit') AS jit, current_setting('work_mem') AS work_mem";
  /** What a new connection's first statement sees, alone and (on another new connection) in a transaction, as withTransaction runs it. */
  const jitOf = async (url: string) => {
    const [alone, inTransaction] = [createPool(url, 1), createPool(url, 1)];
    try {
      const first = (await alone.query(read)).rows[0];
      t.same(await withTransaction(inTransaction, async (tx) => (await tx.query(read)).rows[0]), first, 'the same in a transaction');
      return first;
    } finally {
      await Promise.all([alone.end(), inTransaction.end()]);
    }
  };
  const server = new pg.Client({ connectionString: config.databaseUrl });
  await server.connect();
  const { rows: [given] } = await server.query("SELECT current_setting('jit') AS jit, current_setting('work_mem') AS work_mem, EXISTS (SELECT 1 FROM pg_settings WHERE name LIKE 'jit%' AND source <> 'default') AS set");
  await server.end();
  // On a server where JIT is set by its configuration, the setting stands (nothing to show here).
  const expected = given.set ? given.jit : 'off';
  t.same(await jitOf(config.databaseUrl), { jit: expected, work_mem: given.work_mem });
  const withOptions = new URL(config.databaseUrl);
  withOptions.searchParams.set('options', '-c work_mem=7MB');
  t.same(await jitOf(withOptions.toString()), { jit: expected, work_mem: '7MB' }, 'an operator\'s options kept');
  withOptions.searchParams.set('options', '-c jit=on');
  t.same((await jitOf(withOptions.toString())).jit, 'on', 'an operator may keep it on');
  withOptions.searchParams.set('options', '-c jit_above_cost=1000');
  t.same((await jitOf(withOptions.toString())).jit, given.jit, 'or tune it, which keeps it as the server has it');
});

t.test('a transaction whose session is terminated mid-way runs again on a new connection', async (t) => {
  let tries = 0;
  const result = await withTransaction(db, async (tx) => {
    tries++;
    await tx.query('INSERT INTO blip (id, tries) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET tries = $1', [tries]);
    if (tries === 1) {
      // Killed while idle in the transaction: the checked-out client emits 'error' between statements
      // (this crashed the process before), and the next statement fails.
      t.ok((await terminateSessions()) > 0);
      await sleep(200);
    }
    return (await tx.query('SELECT tries FROM blip WHERE id = 1')).rows[0].tries;
  });
  t.equal(tries, 2, 'run twice');
  t.equal(result, 2);
  t.same((await db.query('SELECT id, tries FROM blip')).rows, [{ id: 1, tries: 2 }], 'the first run left nothing behind');
});

t.test('a statement whose pooled connection was terminated runs on a fresh one', async (t) => {
  await Promise.all(Array.from({ length: 5 }, () => db.query('SELECT pg_sleep(0.05)')));
  t.ok((await terminateSessions()) > 0, 'the pool\'s idle sessions are gone');
  const { rows } = await db.query('SELECT count(*)::int AS n FROM blip');
  t.equal(rows[0].n, 1);
});

t.test('a transaction that fails for its own reasons is not run again', async (t) => {
  let tries = 0;
  await t.rejects(
    withTransaction(db, async (tx) => {
      tries++;
      await tx.query('INSERT INTO blip (id, tries) VALUES (1, 0)');
    }),
    { code: '23505' },
  );
  t.equal(tries, 1);
});

t.test('a failing statement names itself in its error', async (t) => {
  await t.rejects(
    insertCrawl(db, '00000000-0000-0000-0000-000000000000', {
      scope: 'site', seeds: ['http://a.test/'], maxDepth: null, maxPages: 1, respectRobots: true,
      maxPagesPerHost: null, include: [], exclude: [], hostConcurrency: null, hostIntervalMs: null, keywords: [], minRelevance: null,
    }),
    { code: '23503', query: 'crawls.insertCrawl', message: /^crawls\.insertCrawl: insert or update on table "crawls"/ },
  );
  await t.rejects(
    withTransaction(db, (tx) => insertCrawl(tx, 'not-a-uuid', {
      scope: 'site', seeds: [], maxDepth: null, maxPages: 1, respectRobots: true,
      maxPagesPerHost: null, include: [], exclude: [], hostConcurrency: null, hostIntervalMs: null, keywords: [], minRelevance: null,
    })),
    { message: /^crawls\.insertCrawl: / },
    'inside a transaction too',
  );
});

t.test('a statement used a few times is prepared once per connection and then only run', async (t) => {
  const text = '/* test.prepared */ SELECT count(*)::int AS n FROM blip WHERE tries >= $1';
  const once = '/* test.prepared */ SELECT count(*)::int AS n FROM blip WHERE tries < $1';
  const found = await withTransaction(db, async (tx) => {
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) seen.push((await tx.query(text, [0])).rows[0].n);
    await tx.query(once, [0]);
    const { rows } = await tx.query(
      '/* test.prepared */ SELECT statement, generic_plans + custom_plans AS runs FROM pg_prepared_statements WHERE statement = ANY($1) AND NOT from_sql',
      [[text, once]],
    );
    return { seen, prepared: rows };
  });
  t.same(found.seen, [1, 1, 1, 1, 1]);
  t.same(found.prepared, [{ statement: text, runs: 3 }], 'prepared at its third use and run from then on; a text used once is not prepared');
  // The simple protocol stays for statements without parameters: they may hold several statements.
  const results = (await db.query('SELECT 1 AS a; SELECT 2 AS b')) as unknown as pg.QueryResult[];
  t.same(results.map((result) => result.rows[0]), [{ a: 1 }, { b: 2 }]);
});

t.test('a statement whose preparation failed is prepared again on its next run', async (t) => {
  // One connection, so that every run is on the connection where the preparation failed.
  const single = createPool(config.databaseUrl, 1);
  t.teardown(() => single.end());
  const text = '/* test.prepared */ SELECT tries FROM blip WHERE id = $1';
  for (let i = 0; i < 2; i++) await single.query(text, [1]);
  await t.rejects(
    withTransaction(single, async (tx) => {
      await tx.query('INSERT INTO blip (id, tries) VALUES (1, 0)').catch(() => {});
      // Its third use, when it is prepared: PostgreSQL refuses to prepare anything in an aborted transaction.
      await tx.query(text, [1]);
    }),
    { code: '25P02' },
  );
  t.same((await single.query(text, [1])).rows, [{ tries: 2 }]);
  t.same((await withTransaction(single, (tx) => tx.query(text, [1]))).rows, [{ tries: 2 }], 'and inside a transaction');
});

t.test('a prepared statement that a migration made stale runs again on a fresh connection', async (t) => {
  const single = createPool(config.databaseUrl, 1);
  t.teardown(() => single.end());
  await db.query('CREATE TABLE reshaped (id int PRIMARY KEY, v int NOT NULL)');
  await db.query("INSERT INTO reshaped VALUES (1, 7)");
  const text = '/* test.prepared */ SELECT v FROM reshaped WHERE id = $1';
  for (let i = 0; i < 3; i++) t.same((await single.query(text, [1])).rows, [{ v: 7 }]);
  // A column changes type under the prepared statement ("cached plan must not change result type").
  await db.query('ALTER TABLE reshaped ALTER COLUMN v TYPE text');
  t.same((await withTransaction(single, (tx) => tx.query(text, [1]))).rows, [{ v: '7' }], 'in a transaction');
  await db.query('ALTER TABLE reshaped ALTER COLUMN v TYPE bigint USING v::bigint');
  t.same((await single.query(text, [1])).rows, [{ v: 7 }], 'alone');
});

import t from 'tap';
import { spawn } from 'node:child_process';
import { compiledModule } from '../support/compiled.js';
import { freePort } from '../support/own-services.js';
import pg from 'pg';

// One behaviour for both backing services at start: wait for it with one line per try, then give up
// with one clear line and exit code 1, for a supervisor to restart the process.
const MAIN = compiledModule('services/main.ts');

function start(role: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN, role], {
    env: { ...process.env, LOG_LEVEL: 'info', STARTUP_TIMEOUT_MS: '2000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
}

// Some cases get as far as creating and migrating their database on the machine's PostgreSQL.
const DATABASE = `blb_startup_${process.pid}`;
t.teardown(async () => {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  for (const name of [DATABASE, `${DATABASE}_fresh`]) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

t.test('Redis unreachable at start: a line per try, then one clear line and exit 1', async (t) => {
  const port = await freePort();
  const { code, stdout, stderr } = await start('all', { REDIS_URL: `redis://127.0.0.1:${port}`, DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DATABASE}` });
  t.equal(code, 1);
  t.match(stderr.trim(), new RegExp(`^blb-prospector: Redis at redis://127\\.0\\.0\\.1:${port}/? is unreachable \\(.+\\); gave up after 2 s$`));
  const tries = stdout.split('\n').filter((line) => line.includes('waiting for Redis'));
  t.ok(tries.length >= 2 && tries.length <= 5, `${tries.length} waiting lines, not a flood`);
  t.notMatch(stdout + stderr, /\n\s+at /, 'no stack traces');
});

t.test('PostgreSQL unreachable at start: the same', async (t) => {
  const port = await freePort();
  const { code, stdout, stderr } = await start('api', { DATABASE_URL: `postgres://postgres:secret@127.0.0.1:${port}/blb` });
  t.equal(code, 1);
  t.match(stderr.trim(), new RegExp(`^blb-prospector: PostgreSQL at postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${port}/blb is unreachable \\(.+\\); gave up after 2 s$`), 'the password is not shown');
  t.ok(stdout.split('\n').filter((line) => line.includes('waiting for PostgreSQL')).length >= 2);
  t.notMatch(stdout + stderr, /secret|\n\s+at /);
});

t.test('a worker refuses a database that migrations have not reached; `migrate` brings it up to date', async (t) => {
  const database = `postgres://postgres@127.0.0.1:5432/${DATABASE}_fresh`;
  const behind = await start('worker', { DATABASE_URL: database });
  t.equal(behind.code, 1);
  t.match(behind.stderr.trim(), /^blb-prospector: the database is behind this code \(\d+ migrations not applied, 001_initial\.sql first\): run `npm run migrate`$/);
  const migrated = await start('migrate', { DATABASE_URL: database });
  t.equal(migrated.code, 0);
  t.match(migrated.stdout, /migrations applied/);
  const again = await start('migrate', { DATABASE_URL: database });
  t.equal(again.code, 0);
  t.match(again.stdout, /the database is up to date/, 'and running it again changes nothing');
});

// Private PostgreSQL and Redis servers for fault tests: they are stopped, restarted and wiped, so they
// must never be the machine's shared ones. Each runs from a temporary directory on a free port.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Redis } from 'ioredis';

/** A port nothing listens on right now (the kernel's choice of a free one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; await sleep(100)) {
    if (await check().catch(() => false)) return;
  }
  throw new Error(`${what} did not come up in ${timeoutMs} ms`);
}

export interface OwnRedis {
  url: string;
  /**
   * Stops the server: abruptly, losing its data (it keeps nothing on disk), or with `keepData` the way
   * a maintenance restart does, saving a snapshot that the next start loads.
   */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Wipes every key while it runs. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** A redis-server of our own on a free port, in a temporary directory. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'blb-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let server: ChildProcess | null = null;
  const client = () => {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => {});
    return redis;
  };
  const ping = async () => {
    const redis = client();
    try {
      await redis.connect();
      return (await redis.ping()) === 'PONG';
    } finally {
      redis.disconnect();
    }
  };
  const own: OwnRedis = {
    url,
    async start() {
      server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
        stdio: 'ignore',
      });
      await waitUntil(`redis on ${port}`, ping);
    },
    async stop(options = {}) {
      const running = server;
      server = null;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      if (options.keepData) {
        const redis = client();
        await redis.connect();
        await redis.call('SHUTDOWN', 'SAVE').catch(() => {}); // the connection closes as it exits
        redis.disconnect();
      } else {
        rmSync(join(dir, 'dump.rdb'), { force: true });
        running.kill('SIGKILL');
      }
      await exited;
    },
    async flush() {
      const redis = client();
      try {
        await redis.connect();
        await redis.flushall();
      } finally {
        redis.disconnect();
      }
    },
    async close() {
      await own.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await own.start();
  return own;
}

export interface OwnPostgres {
  /** The server's `postgres` database, as a base URL for test databases. */
  url: string;
  /** Ends every session connected to `database` (pg_terminate_backend), as an operator or a failover would. */
  terminateSessions(database: string): Promise<number>;
  /** Stops the server (fast shutdown: every session is cut). */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** The newest installed PostgreSQL's binaries (looked up when first needed, not when this module loads). */
const pgBin = () => {
  const root = '/usr/lib/postgresql';
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return join(root, version!, 'bin');
};

/** Runs a PostgreSQL binary as the postgres user (initdb refuses root), or as ourselves when not root. */
function asPostgres(binary: string, args: string[]): void {
  const command = join(pgBin(), binary);
  if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'ignore' });
  else execFileSync(command, args, { stdio: 'ignore' });
}

/** A PostgreSQL cluster of our own, in a temporary directory, on a free port, with trust auth. */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'blb-pg-'));
  if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const data = join(dir, 'data');
  const port = await freePort();
  asPostgres('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c max_connections=300`;
  const query = async (sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    await client.connect();
    try {
      return await client.query(sql, params);
    } finally {
      await client.end();
    }
  };
  const own: OwnPostgres = {
    url,
    async terminateSessions(database) {
      const { rows } = await query(
        'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database],
      );
      return rows[0].n;
    },
    async start() {
      asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
      await waitUntil(`postgres on ${port}`, async () => (await query('SELECT 1')).rowCount === 1);
    },
    async stop() {
      asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    async close() {
      try {
        await own.stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await own.start();
  return own;
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import { freePort } from '../test/support/own-services.js';
import { HOSTS_FILE_VARIABLE } from './fake-hosts.js';
import { issueApiKey, serviceApi, type ServiceApi } from './service-api.js';

const POSTGRES_SERVER = 'postgres://postgres@127.0.0.1:5432';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const READY_TIMEOUT_MS = 90_000;
// main.ts gives running jobs 25 s to finish after SIGTERM; past this the bench kills the service.
const STOP_TIMEOUT_MS = 35_000;

export interface ServiceProcess {
  pid: number;
  api: ServiceApi;
  /** From spawning the process to /readyz answering 200. */
  startupSeconds: number;
  /** SIGTERM, wait for the exit, then drop the database and the queue keys. */
  stop(): Promise<void>;
}

let instances = 0;
const INSTANCE_NAME = /^blb_bench_(\d+)_(\d+)$/;

async function onPostgres(sql: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: `${POSTGRES_SERVER}/postgres` });
  await client.connect();
  try {
    return (await client.query(sql)).rows.map((row) => Object.values(row)[0] as string);
  } finally {
    await client.end();
  }
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Drops the databases and queue keys of benches that were interrupted (Ctrl-C ends the bench before it
 * cleans up): those named after a process that no longer runs. A bench running beside this one keeps its own.
 */
export async function dropLeftovers(): Promise<string[]> {
  const names = await onPostgres(`SELECT datname FROM pg_database WHERE datname LIKE 'blb\\_bench\\_%'`);
  const orphans = names.filter((name) => {
    const match = INSTANCE_NAME.exec(name);
    return match !== null && !isRunning(Number(match[1]));
  });
  for (const name of orphans) {
    await onPostgres(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await dropQueueKeys(name.replace(INSTANCE_NAME, 'blb-bench-$1_$2'));
  }
  return orphans;
}

/** CPU seconds the Redis server has used so far (INFO cpu: its user and system time). */
export async function redisCpuSeconds(): Promise<number> {
  const redis = new Redis(REDIS_URL);
  try {
    const info = await redis.info('cpu');
    const seconds = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
    return seconds('used_cpu_user') + seconds('used_cpu_sys');
  } finally {
    redis.disconnect();
  }
}

/** Deletes every Redis key under the prefix (SCAN, not KEYS: the Redis may be shared with others). */
async function dropQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

/** The node flags of `npm start` (package.json's start script: `node <flags> dist/services/main.js all`). */
function startNodeFlags(build: string): string[] {
  const start: string = JSON.parse(readFileSync(join(build, 'package.json'), 'utf8')).scripts.start;
  const words = start.split(/\s+/);
  if (words[0] !== 'node' || !words.includes('dist/services/main.js')) throw new Error(`npm start is not 'node … dist/services/main.js': ${start}`);
  return words.slice(1, words.indexOf('dist/services/main.js'));
}

/** BENCH_NODE_FLAGS: more node flags for the service, say `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it. */
function extraNodeFlags(): string[] {
  return (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
}

async function waitUntilReady(child: ChildProcess, baseUrl: string, logFile: string): Promise<void> {
  for (const started = Date.now(); Date.now() - started < READY_TIMEOUT_MS; await sleep(200)) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode} before it was ready (see ${logFile})`);
    const ready = await fetch(new URL('/readyz', baseUrl)).then((response) => response.ok, () => false);
    if (ready) return;
  }
  throw new Error(`the service was not ready within ${READY_TIMEOUT_MS / 1000} s (see ${logFile})`);
}

/**
 * The service as `npm start` runs it (`node <its flags> dist/services/main.js all`: API and workers in one process,
 * migrating its database), in a process of its own, with the bench's host names through the
 * fake-dns preload. Each instance gets a fresh database and queue prefix, removed by stop(). `env`
 * adds settings (the politeness of a mode); the bench's own environment passes through beneath them.
 */
export async function startService(options: {
  /** The project as the bench built it (see workspace.ts). */
  build: string;
  hostsFile: string;
  /** The Wayback Machine stand-in of the fake web (ARCHIVE_URL), so that lookups of dead URLs never leave the machine. */
  archiveUrl: string;
  env: Record<string, string>;
  logFile: string;
}): Promise<ServiceProcess> {
  const instance = `${process.pid}_${++instances}`;
  const database = `blb_bench_${instance}`;
  const queuePrefix = `blb-bench-${instance}`;
  await onPostgres(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const log = createWriteStream(options.logFile);
  const child = spawn(
    process.execPath,
    [...startNodeFlags(options.build), ...extraNodeFlags(), `--import=${pathToFileURL(join(options.build, 'dist/bench/fake-dns.js')).href}`, 'dist/services/main.js', 'all'],
    {
      cwd: options.build,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: `${POSTGRES_SERVER}/${database}`,
        REDIS_URL,
        QUEUE_PREFIX: queuePrefix,
        SSRF_ALLOWLIST: '127.0.0.0/8',
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
        ADMIN_TOKEN,
        ARCHIVE_URL: options.archiveUrl,
        [HOSTS_FILE_VARIABLE]: options.hostsFile,
        ...options.env,
      },
    },
  );
  // 'close': the process has exited and its output has been read to the end.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const cleanUp = async () => {
    await new Promise((resolve) => log.end(resolve));
    // A quiet service (LOG_LEVEL=warn, unless BENCH_LOG_LEVEL says otherwise) leaves an empty log: only logs with something in them are kept.
    if (statSync(options.logFile).size === 0) rmSync(options.logFile);
    await onPostgres(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
    await dropQueueKeys(queuePrefix);
  };
  let startupSeconds: number;
  let api: ServiceApi;
  try {
    await waitUntilReady(child, baseUrl, options.logFile);
    startupSeconds = (performance.now() - started) / 1000;
    api = serviceApi(baseUrl, await issueApiKey(baseUrl, ADMIN_TOKEN, 'bench'));
  } catch (error) {
    child.kill('SIGKILL');
    await closed;
    await cleanUp();
    throw error;
  }
  return {
    pid: child.pid!,
    api,
    startupSeconds,
    async stop() {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await closed;
      clearTimeout(killer);
      await cleanUp();
    },
  };
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../services/config.js';
import { createRuntime, type Runtime } from '../../services/runtime.js';
import type { Resolver } from '../../services/http/address-guard.js';
import { buildApp } from '../../services/app.js';
import { startWorkers, type Workers } from '../../workers/index.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestEnvironment {
  config: Config;
  runtime: Runtime;
  app: FastifyInstance;
  workers: Workers | null;
  /** Issues an API key for a new account through the admin API. */
  newApiKey(name?: string): Promise<{ key: string; accountId: string }>;
  close(): Promise<void>;
}

const BASE_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A private world for one test file: its own PostgreSQL database (dropped at the end), its own BullMQ
 * prefix in the real Redis (deleted at the end), the app built for inject, and optionally the workers.
 * Outbound requests may reach loopback only, through the given resolver (the fake web's).
 */
export async function startEnvironment(options: {
  resolver?: Resolver;
  workers?: boolean;
  env?: Record<string, string>;
  /** A PostgreSQL server of the test's own (its `postgres` database URL) instead of the machine's. */
  databaseServer?: string;
} = {}): Promise<TestEnvironment> {
  const suffix = randomBytes(5).toString('hex');
  const databaseUrl = new URL(options.databaseServer ?? BASE_DATABASE_URL);
  databaseUrl.pathname = `/blb_test_${suffix}`;
  const config = loadConfig({
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `blb-test-${suffix}`,
    ADMIN_TOKEN,
    SSRF_ALLOWLIST: '127.0.0.0/8',
    RETRY_BASE_DELAY_MS: '50',
    // A refused connection is dead after 0.4 s of refusals here, not the default 90 s.
    REFUSED_WINDOW_MS: '400',
    HOST_INTERVAL_MS: '0',
    CONNECT_TIMEOUT_MS: '1000',
    RESPONSE_TIMEOUT_MS: '1500',
    REQUEST_TIMEOUT_MS: '3000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // A reserved name that never resolves: no test reaches the public RDAP bootstrap by accident.
    RDAP_URL: 'http://rdap.invalid',
    ...options.env,
  });
  const logger = pino({ level: config.logLevel });
  const runtime = await createRuntime(config, { logger, resolver: options.resolver, migrate: true });
  const app = await buildApp(runtime);
  await app.ready();
  const workers = options.workers ? startWorkers(runtime) : null;

  return {
    config,
    runtime,
    app,
    workers,
    async newApiKey(name = 'acme') {
      const response = await app.inject({
        method: 'POST',
        url: '/admin/api/api-keys',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        payload: { name },
      });
      if (response.statusCode !== 201) throw new Error(`key creation failed: ${response.body}`);
      return response.json();
    },
    async close() {
      await workers?.close();
      await app.close();
      await runtime.close();
      await dropQueueKeys(config);
      await dropDatabase(databaseUrl);
    },
  };
}

async function dropQueueKeys(config: Config): Promise<void> {
  const redis = new Redis(config.redisUrl);
  try {
    const keys = await redis.keys(`${config.queuePrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

async function dropDatabase(databaseUrl: URL): Promise<void> {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseUrl.pathname.slice(1))} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

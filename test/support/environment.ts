import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../services/config.js';
import { createRuntime, type Runtime } from '../../services/runtime.js';
import type { Resolver } from '../../services/http/address-guard.js';
import { buildApp } from '../../services/app.js';
import { startWorkers, type Workers } from '../../workers/index.js';
import { scratchStore } from './scratch-store.js';

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
  const store = scratchStore(options.databaseServer);
  const config = loadConfig({
    DATABASE_URL: store.databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: store.queuePrefix,
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
      await store.drop(config.redisUrl);
    },
  };
}

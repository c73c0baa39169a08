import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createRobotsCache, type RobotsCache } from './cache/robots-cache.js';
import { createAddressGuard, systemResolver, type AddressGuard, type Resolver } from './http/address-guard.js';
import { createHttpClient, sendTimeoutMs, type HttpClient } from './http/client.js';
import { createHostLimiter, type HostLimiter } from './politeness/host-limiter.js';
import { createHostActivity, type HostActivity } from './politeness/host-activity.js';
import { createQueues, type Queues } from './queues.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createRedis } from './redis.js';
import { createPool, ensureDatabase, type Db } from './store/db.js';
import { migrate, pendingMigrations } from './store/migrate.js';
import { createOutageLog, type OutageLog } from './outages.js';
import { StartupError, waitForService } from './startup.js';

// PostgreSQL connections per process (see createRuntime).
const MIN_POOL = 10;
const MAX_POOL = 24;

// A job's host slot is leased for this long and renewed while the job runs, so the slots of a worker
// that dies are free again within 10 s (they used to be held for the longest possible job).
const HOST_SLOT_LEASE_MS = 10_000;

/** Everything a process needs, built once by the composition root and passed down. */
export interface Runtime {
  config: Config;
  logger: Logger;
  db: Db;
  redis: Redis;
  queues: Queues;
  guard: AddressGuard;
  http: HttpClient;
  limiter: HostLimiter;
  /** What the fleet does to each host, for the ops admin. */
  hosts: HostActivity;
  robots: RobotsCache;
  metrics: Metrics;
  /** Collapses connection errors of PostgreSQL and Redis into one line per outage. */
  outages: OutageLog;
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  logger?: Logger;
  /** Name resolution for outbound requests; tests map their fake hosts to loopback with it. */
  resolver?: Resolver;
  /**
   * Apply pending migrations at start (the one-machine `all` role, and tests). Otherwise a process only
   * checks that the schema is current, and refuses to start if `npm run migrate` has not run.
   */
  migrate?: boolean;
}

/**
 * Connects to PostgreSQL (creating the database and, when asked, applying migrations) and Redis, and
 * wires the parts. Either one unreachable at start is waited for (see waitForService); after that,
 * outages are ridden out.
 */
export async function createRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const outages = createOutageLog(logger);
  const startup = { logger, timeoutMs: config.startupTimeoutMs };
  await waitForService({ ...startup, name: 'PostgreSQL', url: config.databaseUrl }, () => ensureDatabase(config.databaseUrl));
  // Jobs share connections: their hot statements go by group commit (services/batching.ts), so a
  // quarter of the jobs that may run at once is plenty, and at most MAX_POOL (more jobs make bigger
  // batches, not more round trips at once: the bench is as fast with 24 connections as with 96), so
  // that an API and three worker processes stay within PostgreSQL's default 100 connections.
  const db = createPool(config.databaseUrl, Math.max(MIN_POOL, Math.min(MAX_POOL, Math.ceil((config.pageConcurrency + config.checkConcurrency) / 4))), outages);
  if (overrides.migrate) {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  } else {
    const pending = await pendingMigrations(db);
    if (pending.length > 0) {
      await db.end();
      throw new StartupError(`the database is behind this code (${pending.length} migrations not applied, ${pending[0]} first): run \`npm run migrate\``);
    }
  }

  const redis = createRedis(config.redisUrl, 'producer', outages);
  try {
    await waitForService({ ...startup, name: 'Redis', url: config.redisUrl }, () => redis.ping());
  } catch (error) {
    redis.disconnect();
    await db.end();
    throw error;
  }
  const queues = createQueues(redis, config.queuePrefix, outages, config.archive.retryDelayMs);
  const guard = createAddressGuard(config.ssrfAllowlist, overrides.resolver ?? systemResolver);
  const http = createHttpClient({ userAgent: config.userAgent, limits: config.http, guard, proxyUrl: config.proxyUrl });
  const hosts = createHostActivity(redis, config.queuePrefix);
  const limiter = createHostLimiter(redis, config.queuePrefix, HOST_SLOT_LEASE_MS, hosts, sendTimeoutMs(config.http));
  const robots = createRobotsCache({
    redis, http, limiter, userAgent: config.userAgent, keyPrefix: config.queuePrefix,
    maxCrawlDelayMs: config.politeness.maxCrawlDelayMs,
  });

  const metrics = createMetrics(redis, config.queuePrefix, queues);

  return {
    config, logger, db, redis, queues, guard, http, limiter, hosts, robots, metrics, outages,
    async close() {
      await metrics.flush();
      await hosts.flush();
      await queues.close();
      http.close();
      await redis.quit().catch(() => {});
      await db.end();
    },
  };
}

/** `npm run migrate`: waits for PostgreSQL, creates the database if missing, applies pending migrations. */
export async function migrateDatabase(config: Config, logger: Logger): Promise<string[]> {
  await waitForService({ logger, timeoutMs: config.startupTimeoutMs, name: 'PostgreSQL', url: config.databaseUrl }, () =>
    ensureDatabase(config.databaseUrl),
  );
  const db = createPool(config.databaseUrl, 1);
  try {
    return await migrate(db);
  } finally {
    await db.end();
  }
}

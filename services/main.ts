import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { createRuntime, migrateDatabase } from './runtime.js';
import { StartupError } from './startup.js';
import { isOutage, isRedisUnavailable } from './outages.js';
import { startServer } from './app.js';
import { startHeartbeat } from './heartbeat.js';
import { hostname } from 'node:os';
import { startWorkers } from '../workers/index.js';

type Role = 'all' | 'api' | 'worker' | 'migrate';
const ROLES: Role[] = ['all', 'api', 'worker', 'migrate'];
// Running jobs get this long to finish on shutdown; BullMQ's stall recovery hands on whatever is cut off.
const SHUTDOWN_GRACE_MS = 25_000;

/**
 * The one entry point: `all` (API and workers in one process, the default, migrating the database as it
 * starts), `api` or `worker` (which expect `migrate` to have run), or `migrate` (apply migrations, exit).
 * Shutdown is phased (stop taking requests, drain workers, close queues and pools); a second
 * signal, or the grace period running out, forces the exit.
 */
async function main(): Promise<void> {
  const role = (process.argv[2] ?? 'all') as Role;
  if (!ROLES.includes(role)) throw new ConfigError([`unknown role '${role}': use one of ${ROLES.join(', ')}`]);
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (role === 'migrate') {
    const applied = await migrateDatabase(config, logger);
    logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'the database is up to date');
    return;
  }
  // The one-machine default migrates as it starts; split roles expect `npm run migrate` to have run.
  const runtime = await createRuntime(config, { logger, migrate: role === 'all' });

  const server = role !== 'worker' ? await startServer(runtime) : null;
  const workers = role !== 'api' ? startWorkers(runtime) : null;
  const apiHeartbeat = server ? startHeartbeat(runtime.redis, config.queuePrefix, 'api', `${hostname()}:${process.pid}`, () => true) : null;
  logger.info({ role, port: server ? config.port : undefined }, 'blb-prospector started');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown grace period over: exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    await apiHeartbeat?.stop();
    await server?.close();
    await workers?.close();
    await runtime.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', (signal) => void shutdown(signal));
  process.on('SIGTERM', (signal) => void shutdown(signal));
  // A last line of defence: an outage that reaches here (an error some library emitted without a
  // listener) is ridden out like any other, never a reason to exit; anything else is a bug, and the
  // process exits for its supervisor to restart it.
  const lastResort = (kind: string) => (error: unknown) => {
    if (isOutage(error)) return runtime.outages.report(isRedisUnavailable(error) ? 'redis' : 'postgres', kind, error);
    logger.fatal({ err: error }, `${kind}: exiting`);
    process.exit(1);
  };
  process.on('unhandledRejection', lastResort('unhandled rejection'));
  process.on('uncaughtException', lastResort('uncaught exception'));
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof StartupError) console.error(`blb-prospector: ${error.message}`);
  else console.error('blb-prospector failed to start:', error);
  process.exit(1);
});

import type { Logger } from './logger.js';

export type BackingService = 'postgres' | 'redis';

// SQLSTATE class 08 (connection exception), the server shutting down or starting up, and no free
// connection slot: the statement never ran, or ran on a session that is gone.
const PG_UNAVAILABLE_CODES = /^(08...|57P01|57P02|57P03|53300)$/;
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// node-postgres reports a lost session in words, without a code.
const PG_UNAVAILABLE_MESSAGES =
  /Connection terminated|not queryable|timeout exceeded when trying to connect|Client was closed|Connection closed/i;
// ioredis: a producer command that gave up while Redis was away, or a command on a closed connection.
const REDIS_UNAVAILABLE_MESSAGES = /max retries per request|Connection is closed|Stream isn't writeable|connect ETIMEDOUT/i;

const codeOf = (error: unknown) => String((error as { code?: unknown } | null)?.code ?? '');
const messageOf = (error: unknown) => String((error as { message?: unknown } | null)?.message ?? '');

/** PostgreSQL cannot be reached right now (down, restarting, our session killed): worth trying again later. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  return PG_UNAVAILABLE_CODES.test(code) || SOCKET_CODES.has(code) || PG_UNAVAILABLE_MESSAGES.test(messageOf(error));
}

/** Redis cannot be reached right now: worth trying again later. */
export function isRedisUnavailable(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'MaxRetriesPerRequestError' || SOCKET_CODES.has(codeOf(error)) || REDIS_UNAVAILABLE_MESSAGES.test(messageOf(error));
}

/** Either backing service is unreachable: the work is fine, its dependencies are not. */
export const isOutage = (error: unknown) => isDatabaseUnavailable(error) || isRedisUnavailable(error);

export interface OutageLog {
  /**
   * An error from a connection to `service`. Connectivity errors are collapsed into one line when an
   * outage starts and a reminder every REMINDER_MS; anything else is logged as it comes.
   */
  report(service: BackingService, source: string, error: unknown): void;
  /** A connection to `service` works again: logs the end of an outage, if there was one. */
  restored(service: BackingService): void;
}

// While a service stays away, one reminder line this often instead of an error per reconnect attempt.
const REMINDER_MS = 30_000;
const NAMES: Record<BackingService, string> = { postgres: 'PostgreSQL', redis: 'Redis' };

/**
 * One outage log per process. Every connection retries on its own (a dozen Redis connections, a pool of
 * PostgreSQL clients), so an outage would otherwise print a stack per connection per attempt.
 */
export function createOutageLog(logger: Logger): OutageLog {
  const outages = new Map<BackingService, { since: number; errors: number; remindedAt: number }>();
  return {
    report(service, source, error) {
      const unavailable = service === 'postgres' ? isDatabaseUnavailable(error) : isRedisUnavailable(error);
      if (!unavailable) {
        logger.error({ err: error, source }, `${NAMES[service]} error`);
        return;
      }
      const now = Date.now();
      const outage = outages.get(service);
      if (!outage) {
        outages.set(service, { since: now, errors: 1, remindedAt: now });
        logger.warn({ service, source, reason: messageOf(error) || codeOf(error) }, `${NAMES[service]} unreachable: retrying`);
        return;
      }
      outage.errors++;
      if (now - outage.remindedAt >= REMINDER_MS) {
        outage.remindedAt = now;
        const seconds = Math.round((now - outage.since) / 1000);
        logger.warn({ service, seconds, errors: outage.errors, reason: messageOf(error) || codeOf(error) }, `${NAMES[service]} still unreachable`);
      }
    },
    restored(service) {
      const outage = outages.get(service);
      if (!outage) return;
      outages.delete(service);
      logger.info({ service, seconds: Math.round((Date.now() - outage.since) / 1000) }, `${NAMES[service]} reachable again`);
    },
  };
}

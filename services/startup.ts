import type { Logger } from './logger.js';

/** A backing service that did not answer within the start-up timeout: the process exits with this line. */
export class StartupError extends Error {}

// Waits between tries, doubling up to this: a service that restarts is found quickly, one that is down
// for good costs a line every few seconds rather than a stream of stacks.
const FIRST_WAIT_MS = 500;
const MAX_WAIT_MS = 5_000;

/** A connection URL fit for logs: the password replaced. */
export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/**
 * One behaviour for PostgreSQL and Redis at start: try, and while the service does not answer, log one
 * line per try and try again with backoff; after timeoutMs give up with a StartupError naming the
 * service, its address and the last error (the process then exits 1, and a supervisor may restart it).
 */
export async function waitForService(
  options: { name: string; url: string; logger: Logger; timeoutMs: number },
  attempt: () => Promise<unknown>,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const where = `${options.name} at ${redactedUrl(options.url)}`;
  for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, MAX_WAIT_MS)) {
    try {
      await attempt();
      return;
    } catch (error) {
      const reason = (error as Error).message || String((error as { code?: string }).code ?? error);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new StartupError(`${where} is unreachable (${reason}); gave up after ${Math.round(options.timeoutMs / 1000)} s`);
      }
      const next = Math.min(wait, left);
      options.logger.warn({ reason, retryInMs: next }, `waiting for ${where}`);
      await new Promise((resolve) => setTimeout(resolve, next));
    }
  }
}

import type { Job } from 'bullmq';
import type { Runtime } from '../services/runtime.js';
import type { Config } from '../services/config.js';
import type { Metrics } from '../services/metrics.js';
import type { FetchProgress } from '../services/queues.js';
import type { FetchResult } from '../services/http/client.js';
import type { HostLease, HostLimiter, HostLimits, Pace } from '../services/politeness/host-limiter.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { decide, type Attempt, type SettledVerdict } from '../services/crawl/verdict.js';
import { postpone } from './job-control.js';

/** Thrown by `pace` when the host started backing off in the middle of a job. */
class HostBackingOff extends Error {}

// A busy host is asked again after about this long (plus jitter), whatever its interval.
const MIN_BUSY_WAIT_MS = 100;

/** What a polite attempt needs: the host limiter, the retry policy, and where to count and log. */
export type PoliteDeps = Pick<Runtime, 'limiter' | 'hosts' | 'logger'> & {
  metrics: Pick<Metrics, 'count'>;
  config: Pick<Config, 'retry' | 'politeness'>;
};

export interface AttemptOutcome {
  result: FetchResult;
  requests: Attempt[];
}

/**
 * One polite try at a URL for a job: takes a slot for the URL's host (or postpones the job while the host
 * is busy), runs `fetch` (which awaits `pace` before each request), and decides. Transient trouble
 * postpones the job with backoff or Retry-After (holding the whole host back for a Retry-After) and keeps
 * the evidence in the job's data; no worker slot is held while waiting (but for one job per host in line
 * for the host's next start). Returns the settled verdict, or
 * null when `fetch` decided not to fetch (robots.txt).
 */
export async function politeAttempt(
  runtime: PoliteDeps,
  job: Job<{ progress?: FetchProgress }>,
  token: string | undefined,
  url: string,
  politeness: Politeness,
  fetch: (pace: Pace) => Promise<AttemptOutcome | null>,
): Promise<{ verdict: SettledVerdict; result: FetchResult } | null> {
  const { limiter, config } = runtime;
  const host = new URL(url).hostname;
  const strictest = politeness.own?.limits ?? politeness.host;
  const busyWait = () => Math.max(strictest.intervalMs, MIN_BUSY_WAIT_MS) * (1 + Math.random());

  // The job's id makes it a waiter with a turn among the jobs waiting for the host (see HostLimiter.acquire).
  const waiter = job.id ?? '';
  let acquired = await acquireSlots(limiter, host, politeness, waiter);
  // One job per host and process waits in line, in the worker, for the host's next start, so that the
  // start is taken when it comes free; the others go back to the queue (no worker slot held) and ask
  // again later. Only short waits (an interval, not a Crawl-delay or Retry-After) are waited in line.
  const shortWait = (slots: typeof acquired) => ('waitMs' in slots && slots.waitMs > 0 && slots.waitMs <= MAX_IN_LINE_WAIT_MS ? slots.waitMs : 0);
  if (shortWait(acquired) && inLine.claim(limiter, host)) {
    try {
      for (let tries = 0; tries < IN_LINE_TRIES && shortWait(acquired); tries++) {
        await sleep(shortWait(acquired));
        acquired = await acquireSlots(limiter, host, politeness, waiter);
      }
    } finally {
      inLine.leave(limiter, host);
    }
  }
  if ('waitMs' in acquired) {
    runtime.metrics.count('host_waits', { why: acquired.waitMs < 0 ? 'busy' : 'interval' });
    // Waiting out the host's interval: back at the job's turn among the jobs waiting for the host (one
    // interval after the one before it), with a little jitter (a tenth of the interval, 5 to 100 ms), so
    // that they come back one by one instead of all asking again at every start, but not so late that a
    // start goes by unused.
    const jitter = Math.min(MIN_BUSY_WAIT_MS, Math.max(5, strictest.intervalMs / 10));
    const back = acquired.turnMs ?? acquired.waitMs;
    return await postpone(job, token, acquired.waitMs > 0 ? back + Math.random() * jitter : busyWait());
  }
  const { leases } = acquired;
  let outcome: AttemptOutcome | null;
  try {
    outcome = await fetch(async () => {
      for (const lease of leases) if (!(await lease.pace())) throw new HostBackingOff();
      // The request left (the next one may follow an interval later), or never did (it frees the host at once).
      return (sent: boolean) => void Promise.all(leases.map((lease) => (sent ? lease.sent() : lease.notSent()))).catch(() => {});
    });
  } catch (error) {
    if (error instanceof HostBackingOff) {
      runtime.metrics.count('host_waits', { why: 'backoff' });
      return await postpone(job, token, busyWait());
    }
    throw error;
  } finally {
    await Promise.all(leases.map((lease) => lease.release()));
  }
  if (!outcome) return null;

  const previous = job.data.progress ?? { tries: 0, requests: [] };
  const progress: FetchProgress = { ...previous, tries: previous.tries + 1, requests: [...previous.requests, ...outcome.requests] };
  // The refusal window is measured between the starts of the first and the last refused try.
  const lastTry = progress.requests.at(-1);
  const decision = decide(outcome.result, progress.tries, config.retry, {
    refusedSince: refusedSince(progress.requests),
    now: lastTry ? Date.parse(lastTry.at) : Date.now(),
  });
  if (!decision.final) {
    if (decision.hostBackoffMs > 0) await limiter.backoff(host, decision.hostBackoffMs, `Retry-After (${decision.reason})`);
    runtime.logger.debug({ jobId: job.id, url, reason: decision.reason, delayMs: decision.delayMs }, 'retrying later');
    return await postpone(job, token, decision.delayMs, { ...job.data, progress });
  }
  if (decision.verdict.verdict === 'blocked') runtime.hosts.blocked(host, decision.verdict.reason ?? 'blocked');
  return {
    verdict: { ...decision.verdict, attempts: progress.requests, checkedAt: new Date() },
    result: outcome.result,
  };
}

/** When the latest run of refused connections began (the first of the requests refused in a row up to the last), if the last was refused. */
function refusedSince(requests: Attempt[]): number | undefined {
  let since: number | undefined;
  for (let i = requests.length - 1; i >= 0 && requests[i]!.error === 'connection_refused'; i--) since = Date.parse(requests[i]!.at);
  return since;
}

/**
 * The slots a request to the host needs: the crawl's own first (its stricter settings say no more
 * often), then the host's; all of them, or how long to wait (and none).
 */
async function acquireSlots(
  limiter: HostLimiter,
  host: string,
  politeness: Politeness,
  waiter: string,
): Promise<{ leases: HostLease[] } | { waitMs: number; turnMs?: number }> {
  const leases: HostLease[] = [];
  const releaseAll = () => Promise.all(leases.map((lease) => lease.release().catch(() => {})));
  for (const [limits, crawlId] of [
    ...(politeness.own ? [[politeness.own.limits, politeness.own.crawlId] as const] : []),
    [politeness.host, undefined] as const,
  ]) {
    const acquired = await limiter.acquire(host, limits, crawlId, waiter).catch(async (error: unknown) => {
      await releaseAll();
      throw error;
    });
    if (!('lease' in acquired)) {
      await releaseAll();
      return acquired;
    }
    leases.push(acquired.lease);
  }
  return { leases };
}

// A wait in line lasts at most this long, and so many tries; at most so many hosts have a job waiting in
// line in one process (each holds a worker slot).
const MAX_IN_LINE_WAIT_MS = 1_000;
const IN_LINE_TRIES = 3;
const MAX_HOSTS_IN_LINE = 8;

/** The hosts that have a job waiting in line, per process (per limiter). */
const inLine = (() => {
  const waiting = new WeakMap<HostLimiter, Set<string>>();
  return {
    claim(limiter: HostLimiter, host: string): boolean {
      const hosts = waiting.get(limiter) ?? waiting.set(limiter, new Set()).get(limiter)!;
      if (hosts.has(host) || hosts.size >= MAX_HOSTS_IN_LINE) return false;
      hosts.add(host);
      return true;
    },
    leave(limiter: HostLimiter, host: string): void {
      waiting.get(limiter)?.delete(host);
    },
  };
})();

/** How a job's requests to a host are paced: the host's limits and, when its crawl asked for stricter ones, the crawl's own. */
export interface Politeness {
  host: HostLimits;
  own: { crawlId: string; limits: HostLimits } | null;
}

/**
 * The politeness of a crawl's requests. A host is held to the looser of the service's limits and the
 * crawl's (a crawl may relax them, say for its owner's own site); a crawl that asked for stricter limits
 * keeps them in a slot and a spacing of its own, so that they bind its requests only and never slow
 * another crawl of the same host.
 */
export function politenessOf(
  runtime: { config: Pick<Config, 'politeness'> },
  crawl: { crawlId: string; hostConcurrency: number | null; hostIntervalMs: number | null },
): Politeness {
  const service = runtime.config.politeness;
  const wanted = { concurrency: crawl.hostConcurrency ?? service.hostConcurrency, intervalMs: crawl.hostIntervalMs ?? service.hostIntervalMs };
  const host = { concurrency: Math.max(wanted.concurrency, service.hostConcurrency), intervalMs: Math.min(wanted.intervalMs, service.hostIntervalMs) };
  const stricter = wanted.concurrency < host.concurrency || wanted.intervalMs > host.intervalMs;
  return { host, own: stricter ? { crawlId: crawl.crawlId, limits: wanted } : null };
}

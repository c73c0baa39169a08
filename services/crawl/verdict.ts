import type { RetryPolicy } from '../config.js';
import type { FetchResult, Hop } from '../http/client.js';
import { isBotChallenge } from './bot-challenge.js';
import { summarizeHtml, type HtmlSummary } from './html-summary.js';
import { GONE_LANDINGS, landingKind } from './landing.js';
import { parkingEvidence } from './parked-domain.js';
import { isNotFoundPage } from './soft-404.js';
import { registrableDomain } from './urls.js';
import type { LinkState } from './vocabulary.js';

export type { DeadReason, LinkState } from './vocabulary.js';

export interface Verdict {
  verdict: LinkState;
  /** For dead links a DeadReason; otherwise a short machine word saying why (http_403, timeout, tls...). */
  reason: string | null;
  httpStatus: number | null;
  finalUrl: string | null;
}

/** One request made while deciding a verdict, kept as evidence. */
export interface Attempt {
  method: 'HEAD' | 'GET';
  at: string;
  status: number | null;
  error: string | null;
  message: string | null;
  redirects: Hop[];
  finalUrl: string | null;
  elapsedMs: number;
}

/** A verdict with its evidence: every request made for it, and when it was settled. */
export interface SettledVerdict extends Verdict {
  attempts: Attempt[];
  checkedAt: Date;
}

/** What to do with one fetch result: settle the verdict, or try again later. */
export type Decision =
  | { final: true; verdict: Verdict }
  | { final: false; reason: string; delayMs: number; /** Retry-After: the whole host waits. */ hostBackoffMs: number };

// 999 is LinkedIn's answer to crawlers; 401, 403 and 407 mean the site (or a proxy) refuses us, not
// that the page is gone.
const BLOCKED_STATUSES = new Set([401, 403, 407, 999]);
// Answers worth asking again: the server may answer differently in a while (408: it gave up waiting).
const isTransientStatus = (status: number) => status === 408 || status === 425 || status === 429 || status >= 500;
// Worth asking again: the server or the network may answer differently in a while.
const TRANSIENT_ERRORS = new Set(['dns_temporary', 'connection_reset', 'timeout', 'network']);

/** What a decision may know besides the result: when connections to the URL were first refused, the clock, the dice. */
export interface DecideContext {
  /** When the first of the job's consecutive refused connections was tried (ms since the epoch). */
  refusedSince?: number;
  now?: number;
  random?: () => number;
}

/**
 * Decides what one fetch result means on attempt `attempt` (1-based). Transient trouble (429, 5xx,
 * timeouts, resets, DNS timeouts) is retried with exponential backoff and jitter, or after the server's
 * Retry-After (capped); once attempts run out it is `unknown`, never dead (persistent 429: `blocked`).
 * A refused connection is dead once connections have been refused for the policy's window (tries spread
 * over it, so that a restart is not called dead); other client errors are dead at once; a 200 is dead
 * when it is a not-found or parking page, or when a deep URL landed on a home, error, search or listing
 * page (see landing.ts).
 */
export function decide(result: FetchResult, attempt: number, policy: RetryPolicy, context: DecideContext = {}): Decision {
  const { random = Math.random, now = Date.now() } = context;
  const lastChance = attempt >= policy.maxAttempts;
  const backoff = () => Math.round(policy.baseDelayMs * 2 ** (attempt - 1) * (0.5 + random()));
  const settle = (verdict: LinkState, reason: string | null, httpStatus: number | null, finalUrl: string | null): Decision => ({
    final: true,
    verdict: { verdict, reason, httpStatus, finalUrl },
  });

  if (!result.ok) {
    const url = result.failedUrl;
    if (result.error === 'connection_refused') {
      const refusedFor = now - (context.refusedSince ?? now);
      const windowLeft = policy.refusedWindowMs - refusedFor;
      if (windowLeft > 0 || !lastChance) {
        // Spread over the window: about a third of it apart (a restart or redeploy takes seconds to a minute).
        const spread = windowLeft > 0 ? Math.min(windowLeft, Math.max(backoff(), Math.ceil(policy.refusedWindowMs / 3))) : backoff();
        return { final: false, reason: result.error, delayMs: spread, hostBackoffMs: 0 };
      }
      return settle('dead', 'connection_failed', null, url);
    }
    if (TRANSIENT_ERRORS.has(result.error) && !lastChance) {
      return { final: false, reason: result.error, delayMs: backoff(), hostBackoffMs: 0 };
    }
    switch (result.error) {
      case 'dns_failure':
        return settle('dead', 'dns_failure', null, url);
      case 'too_many_redirects':
        return settle('dead', 'too_many_redirects', null, url);
      case 'blocked_address':
        return settle('blocked', 'blocked_address', null, url);
      default:
        return settle('unknown', result.error, null, url);
    }
  }

  const { status, finalUrl } = result;
  const summary = result.body !== null && result.contentType.includes('html') ? summarizeHtml(result.body) : null;
  if (isBotChallenge(status, result.headers, summary)) return settle('blocked', 'bot_challenge', status, finalUrl);
  if (status >= 200 && status < 300) return judgeSuccess(result.url, finalUrl, status, result.redirects.length > 0, summary, settle);
  if (status === 404) return settle('dead', 'not_found', status, finalUrl);
  if (status === 410) return settle('dead', 'gone', status, finalUrl);
  if (BLOCKED_STATUSES.has(status)) return settle('blocked', `http_${status}`, status, finalUrl);
  if (isTransientStatus(status)) {
    if (!lastChance) {
      const retryAfter = retryAfterMs(result.headers['retry-after'], policy.retryAfterCapMs);
      return retryAfter === null
        ? { final: false, reason: `http_${status}`, delayMs: backoff(), hostBackoffMs: 0 }
        : { final: false, reason: `http_${status}`, delayMs: retryAfter, hostBackoffMs: retryAfter };
    }
    return status === 429 ? settle('blocked', 'rate_limited', status, finalUrl) : settle('unknown', `http_${status}`, status, finalUrl);
  }
  // Any other 4xx to our request (400, 405 after GET, 406, 418, 451 ...): every link checker reports it broken.
  if (status >= 400 && status < 500) return settle('dead', 'client_error', status, finalUrl);
  return settle('unknown', `http_${status}`, status, finalUrl);
}

/**
 * A 2xx answer: where it landed (after redirects, or a zero-delay meta refresh) and what it says. A
 * sign-in page is `blocked`; a parking page, a deep URL sent to a home, error, search or listing page,
 * and a thin page that says "not found" are dead (`parked_domain`, `soft_404`); the rest is alive.
 */
function judgeSuccess(
  requestedUrl: string,
  finalUrl: string,
  status: number,
  redirected: boolean,
  summary: HtmlSummary | null,
  settle: (verdict: LinkState, reason: string | null, httpStatus: number | null, finalUrl: string | null) => Decision,
): Decision {
  const refreshed = summary?.refresh ? httpUrl(summary.refresh, finalUrl) : null;
  const landing = refreshed ?? (redirected ? new URL(finalUrl) : null);
  const landedAt = landing?.href ?? finalUrl;
  const requested = new URL(requestedUrl);
  const kind = landing ? landingKind(requested, landing) : null;
  if (kind === 'login') return settle('blocked', 'login_wall', status, landedAt);
  const parking = parkingEvidence({ finalUrl: landedAt, summary });
  // A link straight to a marketplace's listing is a link to a live page; landing there from elsewhere is not.
  const toMarketplace = parking?.startsWith('url:') && registrableDomain(requested) === registrableDomain(landedAt);
  if (parking && !toMarketplace) return settle('dead', 'parked_domain', status, landedAt);
  if (kind && GONE_LANDINGS.has(kind)) return settle('dead', 'soft_404', status, landedAt);
  // A page named after the code (http.cat/404, /status/404) is about it: its title says 404 by right.
  const aboutTheCode = /\/404(?:\.[a-z]+)?\/?$/i.test(requested.pathname);
  if (summary && !aboutTheCode && isNotFoundPage(summary)) return settle('dead', 'soft_404', status, landedAt);
  return settle('alive', null, status, landedAt);
}

/** `target` resolved against `base` when it is an http(s) URL, else null. */
function httpUrl(target: string, base: string): URL | null {
  try {
    const url = new URL(target, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** Retry-After as milliseconds (delta-seconds or an HTTP date), capped; null when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, capMs: number, now = Date.now()): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const seconds = /^\s*\d+\s*$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(seconds)) return null;
  return Math.min(Math.max(seconds, 0), capMs);
}

export function attemptOf(method: 'HEAD' | 'GET', result: FetchResult, at: Date): Attempt {
  return {
    method,
    at: at.toISOString(),
    status: result.ok ? result.status : null,
    error: result.ok ? null : result.error,
    message: result.ok ? null : result.message,
    redirects: result.redirects,
    finalUrl: result.ok ? result.finalUrl : result.failedUrl,
    elapsedMs: result.elapsedMs,
  };
}

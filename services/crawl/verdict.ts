import type { RetryPolicy } from '../config.js';
import type { FetchResult, Hop } from '../http/client.js';
import { isBotChallenge } from './bot-challenge.js';
import { summarizeHtml } from './html-summary.js';
import { isNotFoundPage, isRedirectToGeneric } from './soft-404.js';
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

// 999 is LinkedIn's answer to crawlers; 401/403 mean the site refuses us, not that the page is gone.
const BLOCKED_STATUSES = new Set([401, 403, 999]);
// Worth asking again: the server or the network may answer differently in a while.
const TRANSIENT_ERRORS = new Set(['dns_temporary', 'connection_refused', 'connection_reset', 'timeout', 'network']);

/**
 * Decides what one fetch result means on attempt `attempt` (1-based). Transient trouble (429, 5xx,
 * timeouts, resets, DNS timeouts) is retried with exponential backoff and jitter, or after the server's
 * Retry-After (capped); once attempts run out it is `unknown`, never dead (persistent 429: `blocked`).
 * A refused connection that stays refused is dead; so is a 200 that is a not-found page.
 */
export function decide(result: FetchResult, attempt: number, policy: RetryPolicy, random = Math.random): Decision {
  const lastChance = attempt >= policy.maxAttempts;
  const backoff = () => Math.round(policy.baseDelayMs * 2 ** (attempt - 1) * (0.5 + random()));
  const settle = (verdict: LinkState, reason: string | null, httpStatus: number | null, finalUrl: string | null): Decision => ({
    final: true,
    verdict: { verdict, reason, httpStatus, finalUrl },
  });

  if (!result.ok) {
    const url = result.failedUrl;
    if (TRANSIENT_ERRORS.has(result.error) && !lastChance) {
      return { final: false, reason: result.error, delayMs: backoff(), hostBackoffMs: 0 };
    }
    switch (result.error) {
      case 'dns_failure':
        return settle('dead', 'dns_failure', null, url);
      case 'connection_refused':
        return settle('dead', 'connection_failed', null, url);
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
  if (status >= 200 && status < 300) {
    if (isRedirectToGeneric(result.url, finalUrl, result.redirects) || (summary && isNotFoundPage(summary))) {
      return settle('dead', 'soft_404', status, finalUrl);
    }
    return settle('alive', null, status, finalUrl);
  }
  if (status === 404) return settle('dead', 'not_found', status, finalUrl);
  if (status === 410) return settle('dead', 'gone', status, finalUrl);
  if (BLOCKED_STATUSES.has(status)) return settle('blocked', `http_${status}`, status, finalUrl);
  if (status === 429 || status >= 500) {
    if (!lastChance) {
      const retryAfter = retryAfterMs(result.headers['retry-after'], policy.retryAfterCapMs);
      return retryAfter === null
        ? { final: false, reason: `http_${status}`, delayMs: backoff(), hostBackoffMs: 0 }
        : { final: false, reason: `http_${status}`, delayMs: retryAfter, hostBackoffMs: retryAfter };
    }
    return status === 429 ? settle('blocked', 'rate_limited', status, finalUrl) : settle('unknown', `http_${status}`, status, finalUrl);
  }
  return settle('unknown', `http_${status}`, status, finalUrl);
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

import type { FetchResult, Hop } from '../http/client.js';

/** Public link states: only `dead` links become prospects. */
export type LinkState = 'alive' | 'dead' | 'blocked' | 'unknown';
export type DeadReason = 'not_found' | 'gone' | 'dns_failure' | 'connection_failed' | 'too_many_redirects' | 'soft_404';

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

// 999 is LinkedIn's answer to crawlers; 401/403 mean the site refuses us, not that the page is gone.
const BLOCKED_STATUSES = new Set([401, 403, 999]);

/** The verdict one fetch result supports on its own (retries and HEAD/GET confirmation are the caller's). */
export function verdictOf(result: FetchResult): Verdict {
  if (!result.ok) {
    const finalUrl = result.failedUrl;
    switch (result.error) {
      case 'dns_failure':
        return { verdict: 'dead', reason: 'dns_failure', httpStatus: null, finalUrl };
      case 'connection_refused':
      case 'connection_reset':
        return { verdict: 'dead', reason: 'connection_failed', httpStatus: null, finalUrl };
      case 'too_many_redirects':
        return { verdict: 'dead', reason: 'too_many_redirects', httpStatus: null, finalUrl };
      case 'blocked_address':
        return { verdict: 'blocked', reason: 'blocked_address', httpStatus: null, finalUrl };
      default:
        return { verdict: 'unknown', reason: result.error, httpStatus: null, finalUrl };
    }
  }
  const { status, finalUrl } = result;
  if (status >= 200 && status < 300) return { verdict: 'alive', reason: null, httpStatus: status, finalUrl };
  if (status === 404) return { verdict: 'dead', reason: 'not_found', httpStatus: status, finalUrl };
  if (status === 410) return { verdict: 'dead', reason: 'gone', httpStatus: status, finalUrl };
  if (BLOCKED_STATUSES.has(status)) return { verdict: 'blocked', reason: `http_${status}`, httpStatus: status, finalUrl };
  return { verdict: 'unknown', reason: `http_${status}`, httpStatus: status, finalUrl };
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

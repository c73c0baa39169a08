import { setTimeout as sleep } from 'node:timers/promises';
import type { FetchResult, HttpClient } from '../http/client.js';
import { attemptOf, verdictOf, type Attempt, type Verdict } from './verdict.js';

export interface CheckedUrl extends Verdict {
  attempts: Attempt[];
  checkedAt: Date;
}

const isSuccess = (result: FetchResult) => result.ok && result.status >= 200 && result.status < 300;
// Retrying these cannot change the answer: the name does not exist, or we must not connect at all.
const FINAL_ERRORS = new Set(['dns_failure', 'blocked_address']);
const CONNECTION_ERRORS = new Set(['connection_refused', 'connection_reset']);

/**
 * Decides one URL's verdict: HEAD first because it is cheap; anything but a clear success is confirmed
 * with GET (servers that reject HEAD, or answer it wrongly); a refused or reset connection is tried once
 * more after a pause before it counts as dead.
 */
export async function checkUrl(http: HttpClient, url: string, retryDelayMs: number): Promise<CheckedUrl> {
  const attempts: Attempt[] = [];
  const run = async (method: 'HEAD' | 'GET') => {
    const at = new Date();
    const result = await http.fetch({ url, method });
    attempts.push(attemptOf(method, result, at));
    return result;
  };

  let result = await run('HEAD');
  if (!isSuccess(result) && !(!result.ok && FINAL_ERRORS.has(result.error))) {
    result = await run('GET');
    if (!result.ok && CONNECTION_ERRORS.has(result.error)) {
      await sleep(retryDelayMs);
      result = await run('GET');
    }
  }
  return { ...verdictOf(result), attempts, checkedAt: new Date() };
}

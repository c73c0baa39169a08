import type { Job } from 'bullmq';
import type { Runtime } from '../services/runtime.js';
import type { FetchProgress } from '../services/queues.js';
import type { FetchResult } from '../services/http/client.js';
import type { SettledVerdict } from '../services/crawl/verdict.js';
import type { ExtractedLink } from '../services/crawl/extract.js';
import { attemptPage } from '../services/crawl/check-url.js';
import { ParseAbortedError, type ParsePool } from '../services/crawl/parse-pool.js';
import { politeAttempt, type Politeness, type PoliteDeps } from './polite-attempt.js';

/**
 * A prospect's source page read again, for a job that asks whether a link is still on it (a recheck, a
 * won link's check): fetched politely like any page (retried later on transient trouble), and its links
 * when it is a live page that could be parsed; null links otherwise.
 */
export async function readSourcePage(
  runtime: PoliteDeps & Pick<Runtime, 'http'>,
  parser: ParsePool,
  job: Job<{ progress?: FetchProgress }>,
  token: string | undefined,
  url: string,
  politeness: Politeness,
): Promise<{ verdict: SettledVerdict; result: FetchResult; links: ExtractedLink[] | null }> {
  const { verdict, result } = (await politeAttempt(runtime, job, token, url, politeness, (pace) => attemptPage(runtime.http, url, pace)))!;
  if (verdict.verdict !== 'alive' || !result.ok || result.body === null) return { verdict, result, links: null };
  try {
    return { verdict, result, links: (await parser.parse(result.body, result.finalUrl)).links };
  } catch (error) {
    if (!(error instanceof ParseAbortedError)) throw error;
    return { verdict, result, links: null };
  }
}

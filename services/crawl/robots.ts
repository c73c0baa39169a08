import { createRequire } from 'node:module';
import type { FetchResult } from '../http/client.js';

interface RobotsRules {
  isAllowed(url: string, userAgent?: string): boolean | undefined;
  getCrawlDelay(userAgent?: string): number | undefined;
}
// robots-parser is CommonJS whose typings claim a default export that ESM does not see; load it as CJS.
const robotsParser = createRequire(import.meta.url)('robots-parser') as (url: string, body: string) => RobotsRules;

/** What robots.txt says for one origin, in a form that can be cached as JSON. */
export type RobotsPolicy = { kind: 'allow-all' } | { kind: 'disallow-all' } | { kind: 'rules'; body: string };

export const ROBOTS_MAX_BYTES = 500 * 1024;
export const ROBOTS_MAX_REDIRECTS = 5;

/**
 * RFC 9309 on the fetch of /robots.txt: a 2xx body is the rules; 4xx (no robots.txt) allows everything;
 * 5xx or an unreachable server disallows everything until it can be read. 429 counts as unreachable:
 * a server that asks us to slow down is not inviting a crawl.
 */
export function robotsPolicyOf(result: FetchResult): RobotsPolicy {
  if (!result.ok || result.status >= 500 || result.status === 429) return { kind: 'disallow-all' };
  if (result.status >= 400) return { kind: 'allow-all' };
  if (result.status >= 200 && result.status < 300) return { kind: 'rules', body: result.body ?? '' };
  return { kind: 'allow-all' };
}

/** Whether the policy lets `productToken` fetch `url`. */
export function robotsAllows(policy: RobotsPolicy, url: string, productToken: string): boolean {
  if (policy.kind !== 'rules') return policy.kind === 'allow-all';
  const robotsUrl = new URL('/robots.txt', url).href;
  return robotsParser(robotsUrl, policy.body).isAllowed(url, productToken) !== false;
}

/** The Crawl-delay robots.txt asks of `productToken`, in milliseconds (0 when none). */
export function robotsCrawlDelayMs(policy: RobotsPolicy, origin: string, productToken: string): number {
  if (policy.kind !== 'rules') return 0;
  const seconds = robotsParser(`${origin}/robots.txt`, policy.body).getCrawlDelay(productToken);
  return seconds && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

/** The product token robots.txt groups are matched against: the user agent's first word, minus its version. */
export const productTokenOf = (userAgent: string): string => userAgent.split(/[\s/]/)[0] ?? userAgent;

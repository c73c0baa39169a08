import type { IncomingHttpHeaders } from 'node:http';
import type { HtmlSummary } from './html-summary.js';

// Interstitials of the common bot-protection services: the site refuses a crawler, the page may be fine.
const CHALLENGE_TITLES = /^(?:just a moment|attention required|checking your browser|please wait|ddos-guard|access denied|security check|verifying you are human|one more step)/i;
const CHALLENGE_MARKERS = ['challenge-platform', 'cf-chl-', 'cf_chl_', '/cdn-cgi/challenge', 'ddos-guard', 'sucuri_cloudproxy', 'captcha-delivery', '_incapsula_resource', 'px-captcha'];

/**
 * Whether an answer is a bot challenge (Cloudflare, DDoS-Guard, Sucuri, DataDome, Imperva, PerimeterX).
 * Titles count only on refusal statuses: a real 200 page may be called "Access denied".
 */
export function isBotChallenge(status: number, headers: IncomingHttpHeaders, summary: HtmlSummary | null): boolean {
  if (String(headers['cf-mitigated'] ?? '').toLowerCase() === 'challenge') return true;
  if (!summary) return false;
  if ([403, 429, 503].includes(status) && CHALLENGE_TITLES.test(summary.title)) return true;
  return CHALLENGE_MARKERS.some((marker) => summary.head.includes(marker));
}

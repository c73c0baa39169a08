import t from 'tap';
import type { FetchFailure, FetchResponse } from '../../services/http/client.js';
import type { FetchErrorCode } from '../../services/http/errors.js';
import { decide, retryAfterMs } from '../../services/crawl/verdict.js';

const POLICY = { maxAttempts: 3, baseDelayMs: 1_000, retryAfterCapMs: 60_000, refusedWindowMs: 0 };
const URL = 'https://site.example/guides/pruning';

function response(status: number, extra: Partial<FetchResponse> = {}): FetchResponse {
  return {
    ok: true, url: URL, finalUrl: URL, redirects: [], status, headers: {}, contentType: 'text/html',
    body: null, truncated: false, elapsedMs: 5, ...extra,
  };
}
const failure = (error: FetchErrorCode): FetchFailure => ({
  ok: false, url: URL, failedUrl: URL, redirects: [], error, message: error, elapsedMs: 5,
});
const final = (result: FetchResponse | FetchFailure, attempt = 1) => {
  const decision = decide(result, attempt, POLICY, () => 0.5);
  if (!decision.final) throw new Error(`expected a verdict, got a retry: ${decision.reason}`);
  return [decision.verdict.verdict, decision.verdict.reason];
};

t.test('statuses that settle at once', async (t) => {
  t.same(final(response(200)), ['alive', null]);
  t.same(final(response(204)), ['alive', null]);
  t.same(final(response(404)), ['dead', 'not_found']);
  t.same(final(response(410)), ['dead', 'gone']);
  t.same(final(response(401)), ['blocked', 'http_401']);
  t.same(final(response(403)), ['blocked', 'http_403']);
  t.same(final(response(999)), ['blocked', 'http_999']);
  t.same(final(response(400)), ['unknown', 'http_400']);
  t.same(final(response(404, { redirects: [{ url: 'https://site.example/old', status: 301 }] })), ['dead', 'not_found']);
});

t.test('network failures', async (t) => {
  t.same(final(failure('dns_failure')), ['dead', 'dns_failure'], 'NXDOMAIN: an expired domain');
  t.same(final(failure('too_many_redirects')), ['dead', 'too_many_redirects']);
  t.same(final(failure('tls')), ['unknown', 'tls'], 'TLS trouble is never dead');
  t.same(final(failure('blocked_address')), ['blocked', 'blocked_address']);
  t.same(final(failure('connection_refused'), 3), ['dead', 'connection_failed'], 'refused after retries');
  t.same(final(failure('connection_reset'), 3), ['unknown', 'connection_reset'], 'reset after retries is unknown');
  t.same(final(failure('dns_temporary'), 3), ['unknown', 'dns_temporary'], 'SERVFAIL or a DNS timeout is unknown');
  t.same(final(failure('timeout'), 3), ['unknown', 'timeout']);
});

t.test('transient trouble is retried with growing, jittered backoff', async (t) => {
  for (const error of ['connection_refused', 'connection_reset', 'dns_temporary', 'timeout'] as const) {
    const first = decide(failure(error), 1, POLICY, () => 0.5);
    const second = decide(failure(error), 2, POLICY, () => 0.5);
    t.match(first, { final: false, reason: error, delayMs: 1_000, hostBackoffMs: 0 }, error);
    t.match(second, { final: false, delayMs: 2_000 });
  }
  t.match(decide(failure('timeout'), 1, POLICY, () => 0), { delayMs: 500 }, 'jitter spreads retries');
  t.match(decide(failure('timeout'), 1, POLICY, () => 0.999), { delayMs: 1_499 });
  t.match(decide(response(500), 1, POLICY, () => 0.5), { final: false, reason: 'http_500' });
  t.same(final(response(502), 3), ['unknown', 'http_502']);
});

t.test('429 and 503 wait as told, for the whole host, capped', async (t) => {
  t.match(decide(response(429, { headers: { 'retry-after': '7' } }), 1, POLICY), { final: false, delayMs: 7_000, hostBackoffMs: 7_000 });
  t.match(decide(response(503, { headers: { 'retry-after': '3600' } }), 1, POLICY), { delayMs: 60_000, hostBackoffMs: 60_000 });
  t.match(decide(response(429), 1, POLICY, () => 0.5), { final: false, delayMs: 1_000, hostBackoffMs: 0 });
  t.same(final(response(429), 3), ['blocked', 'rate_limited'], 'a persistent 429 means the site refuses us');
  t.same(final(response(503), 3), ['unknown', 'http_503']);
  t.equal(retryAfterMs(new Date(Date.now() + 30_000).toUTCString(), 60_000)! > 28_000, true, 'an HTTP date');
  t.equal(retryAfterMs('soon', 60_000), null);
});

t.test('bot challenges are blocked, never dead or retried', async (t) => {
  const challenge = '<html><head><title>Just a moment...</title></head><body><script src="/cdn-cgi/challenge-platform/x.js"></script></body></html>';
  t.same(final(response(503, { body: challenge, headers: { server: 'cloudflare' } })), ['blocked', 'bot_challenge']);
  t.same(final(response(403, { body: challenge })), ['blocked', 'bot_challenge']);
  t.same(final(response(403, { headers: { 'cf-mitigated': 'challenge' } })), ['blocked', 'bot_challenge']);
  t.same(final(response(200, { body: '<title>Access denied: members only</title><p>' + 'x'.repeat(100) })), ['alive', null], 'a title alone on a 200 is not a challenge');
});

t.test('soft 404s: a 200 that says not found, a deep URL sent to a generic page', async (t) => {
  const page = (title: string, h1 = '', text = 'Sorry.') => `<html><head><title>${title}</title></head><body><h1>${h1}</h1><p>${text}</p></body></html>`;
  const soft = [
    page('Page not found | Garden World'),
    page('404 - Not Found'),
    page('Oops! Error 404'),
    page('Seite nicht gefunden – Gartenwelt'),
    page('Page introuvable - Jardin'),
    page('Página no encontrada'),
    page('ページが見つかりません'),
    page('Garden World', 'Sorry, this page does not exist'),
  ];
  for (const body of soft) t.same(final(response(200, { body })), ['dead', 'soft_404'], body.slice(19, 60));
  const alive = [
    page('How to fix 404 Not Found errors on WordPress'),
    page('Garden World', 'Page not found', 'long article '.repeat(400)),
    page('Not Found: a novel', '', 'text'),
  ];
  for (const body of alive) t.same(final(response(200, { body })), ['alive', null], body.slice(19, 60));

  const redirected = (finalUrl: string) =>
    response(200, { finalUrl, redirects: [{ url: URL, status: 301 }], body: page('Garden World', 'Welcome') });
  t.same(final(redirected('https://site.example/')), ['dead', 'soft_404'], 'to the home page');
  t.same(final(redirected('https://www.site.example/en/')), ['dead', 'soft_404'], 'to a locale home on another subdomain');
  t.same(final(redirected('https://site.example/guides/')), ['dead', 'soft_404'], 'to its parent section');
  t.same(final(redirected('https://site.example/404.html')), ['dead', 'soft_404'], 'to an error page');
  t.same(final(redirected('https://site.example/guides/pruning-roses')), ['alive', null], 'a moved page');
  t.same(final(redirected('https://other.example/')), ['alive', null], 'another site entirely');
  const home = response(200, { url: 'http://site.example/', finalUrl: 'https://site.example/', redirects: [{ url: 'http://site.example/', status: 301 }] });
  t.same(final(home), ['alive', null], 'the home page redirecting to https');
});

t.test('hostile check bodies (256 KiB of unclosed tags) are judged by what they say', async (t) => {
  const body = (start: string, filler: string) => start + filler.repeat(Math.ceil((256 * 1024) / filler.length));
  t.same(final(response(200, { body: body('', '<title>x') })), ['alive', null]);
  t.same(final(response(200, { body: body('', '<') })), ['alive', null]);
  t.same(final(response(200, { body: body('<title>Page not found</title>', '<script>') })), ['dead', 'soft_404']);
  t.same(final(response(503, { body: body('<title>Just a moment...</title>', '<h1') })), ['blocked', 'bot_challenge']);
});

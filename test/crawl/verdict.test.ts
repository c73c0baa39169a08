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
  const decision = decide(result, attempt, POLICY, { random: () => 0.5 });
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
  t.same(final(response(407)), ['blocked', 'http_407'], 'a proxy asks for credentials');
  t.same(final(response(404, { redirects: [{ url: 'https://site.example/old', status: 301 }] })), ['dead', 'not_found']);
});

t.test('network failures', async (t) => {
  t.same(final(failure('dns_failure')), ['dead', 'dns_failure'], 'NXDOMAIN: an expired domain');
  t.same(final(failure('too_many_redirects')), ['dead', 'too_many_redirects']);
  t.same(final(failure('tls')), ['unknown', 'tls'], 'TLS trouble is never dead');
  t.same(final(failure('blocked_address')), ['blocked', 'blocked_address']);
  t.same(final(failure('connection_refused'), 3), ['dead', 'connection_failed'], 'refused after retries (no window)');
  t.same(final(failure('connection_reset'), 3), ['unknown', 'connection_reset'], 'reset after retries is unknown');
  t.same(final(failure('dns_temporary'), 3), ['unknown', 'dns_temporary'], 'SERVFAIL or a DNS timeout is unknown');
  t.same(final(failure('timeout'), 3), ['unknown', 'timeout']);
});

t.test('transient trouble is retried with growing, jittered backoff', async (t) => {
  for (const error of ['connection_reset', 'dns_temporary', 'timeout'] as const) {
    const first = decide(failure(error), 1, POLICY, { random: () => 0.5 });
    const second = decide(failure(error), 2, POLICY, { random: () => 0.5 });
    t.match(first, { final: false, reason: error, delayMs: 1_000, hostBackoffMs: 0 }, error);
    t.match(second, { final: false, delayMs: 2_000 });
  }
  t.match(decide(failure('timeout'), 1, POLICY, { random: () => 0 }), { delayMs: 500 }, 'jitter spreads retries');
  t.match(decide(failure('timeout'), 1, POLICY, { random: () => 0.999 }), { delayMs: 1_499 });
  t.match(decide(response(500), 1, POLICY, { random: () => 0.5 }), { final: false, reason: 'http_500' });
  t.same(final(response(502), 3), ['unknown', 'http_502']);
  t.match(decide(response(408), 1, POLICY, { random: () => 0.5 }), { final: false, reason: 'http_408' }, 'a request timeout is asked again');
  t.same(final(response(408), 3), ['unknown', 'http_408']);
});

t.test('other client errors are dead, with their status kept', async (t) => {
  for (const status of [400, 405, 406, 409, 411, 414, 418, 422, 451]) {
    const decision = decide(response(status), 1, POLICY);
    t.match(decision, { final: true, verdict: { verdict: 'dead', reason: 'client_error', httpStatus: status } }, `HTTP ${status}`);
  }
});

t.test('a refused connection is dead only after connections were refused for the whole window', async (t) => {
  const windowed = { ...POLICY, refusedWindowMs: 90_000 };
  const start = Date.parse('2026-12-03T10:00:00Z');
  const at = (seconds: number, attempt: number, since = start) =>
    decide(failure('connection_refused'), attempt, windowed, { refusedSince: since, now: start + seconds * 1_000, random: () => 0.5 });
  // Tries about a third of the window apart, however many attempts the policy allows.
  t.match(at(0, 1), { final: false, reason: 'connection_refused', delayMs: 30_000 }, 'the first refusal: again in 30 s');
  t.match(at(30, 2), { final: false, delayMs: 30_000 });
  t.match(at(60, 3), { final: false, delayMs: 30_000 }, 'attempts have run out, the window has not');
  t.match(at(80, 5), { final: false, delayMs: 10_000 }, 'the last wait ends with the window');
  t.match(at(90, 4), { final: true, verdict: { verdict: 'dead', reason: 'connection_failed' } }, 'refused for 90 s: dead');
  t.match(at(95, 2), { final: false }, 'the window is over but attempts are not: one more try');
  // A refusal run that began later (an earlier try timed out) counts from its own start.
  t.match(at(90, 4, start + 60_000), { final: false, delayMs: 30_000 });
});

t.test('429 and 503 wait as told, for the whole host, capped', async (t) => {
  t.match(decide(response(429, { headers: { 'retry-after': '7' } }), 1, POLICY), { final: false, delayMs: 7_000, hostBackoffMs: 7_000 });
  t.match(decide(response(503, { headers: { 'retry-after': '3600' } }), 1, POLICY), { delayMs: 60_000, hostBackoffMs: 60_000 });
  t.match(decide(response(429), 1, POLICY, { random: () => 0.5 }), { final: false, delayMs: 1_000, hostBackoffMs: 0 });
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
    page('Page not found &#8211; Garden World', 'Oops! That page can&rsquo;t be found.'),
    page('Garden World', 'Oops! That page can’t be found.'),
    page('Garden World', "This page doesn't exist"),
  ];
  for (const body of soft) t.same(final(response(200, { body })), ['dead', 'soft_404'], body.slice(19, 60));
  const alive = [
    page('How to fix 404 Not Found errors on WordPress'),
    page('Garden World', 'Page not found', 'long article '.repeat(400)),
    page('Not Found: a novel', '', 'text'),
    // A title segment alone does not make an article a not-found page.
    page('404 | Fixing broken links', 'Fixing broken links', 'A long article about broken links and how to fix them. '.repeat(80)),
    page('Not Found - a short story', 'Not Found', 'She looked for the letter in every drawer of the house. '.repeat(70)),
  ];
  for (const body of alive) t.same(final(response(200, { body })), ['alive', null], body.slice(19, 60));
  const cat = response(200, { url: 'https://http.cat/404', finalUrl: 'https://http.cat/404', body: page('404 Not Found', '404 Not Found') });
  t.same(final(cat), ['alive', null], 'a page about the 404 code, named after it');

  const redirected = (finalUrl: string) =>
    response(200, { finalUrl, redirects: [{ url: URL, status: 301 }], body: page('Garden World', 'Welcome') });
  t.same(final(redirected('https://site.example/')), ['dead', 'soft_404'], 'to the home page');
  t.same(final(redirected('https://www.site.example/en/')), ['dead', 'soft_404'], 'to a locale home on another subdomain');
  t.same(final(redirected('https://site.example/guides/')), ['dead', 'soft_404'], 'to its listing');
  t.same(final(redirected('https://site.example/404.html')), ['dead', 'soft_404'], 'to an error page');
  t.same(final(redirected('https://other.example/')), ['dead', 'soft_404'], "to another site's home page");
  t.same(final(redirected('https://site.example/guides/pruning-roses')), ['alive', null], 'a moved page');
  t.same(final(redirected('https://site.example/guides/pruning/')), ['alive', null], 'its canonical URL');
  const home = response(200, { url: 'http://site.example/', finalUrl: 'https://site.example/', redirects: [{ url: 'http://site.example/', status: 301 }] });
  t.same(final(home), ['alive', null], 'the home page redirecting to https');
});

t.test('a zero-delay meta refresh lands like a redirect', async (t) => {
  const refresh = (target: string, delay = 0) =>
    response(200, { body: `<html><head><meta http-equiv="refresh" content="${delay}; url=${target}"><title>Moved</title></head></html>` });
  t.match(decide(refresh('https://new-owner.example/'), 1, POLICY), { verdict: { verdict: 'dead', reason: 'soft_404', finalUrl: 'https://new-owner.example/' } });
  t.same(final(refresh('/')), ['dead', 'soft_404'], 'to its own home page');
  t.same(final(refresh('/guides/pruning-roses-in-winter')), ['alive', null], 'to the moved article');
  t.same(final(refresh('/', 10)), ['alive', null], 'a delayed refresh is a page of its own');
  t.same(final(refresh('javascript:alert(1)')), ['alive', null], 'not a web address');
  const hidden = (wrap: (tag: string) => string) =>
    response(200, { body: `<html><head>${wrap('<meta http-equiv="refresh" content="0; url=/">')}<title>Getting started</title></head><body><p>Docs.</p></body></html>` });
  t.same(final(hidden((tag) => `<noscript>${tag}</noscript>`)), ['alive', null], 'a refresh for browsers without scripts');
  t.same(final(hidden((tag) => `<!-- ${tag} -->`)), ['alive', null], 'a refresh in a comment');
  t.match(decide(response(200, { body: '<meta http-equiv="refresh" content="0; url=">' }), 1, POLICY), { verdict: { verdict: 'alive', finalUrl: URL } }, 'an empty target is no refresh');
});

t.test('login walls and HTTP authentication are blocked, never alive or dead', async (t) => {
  const toLogin = (finalUrl: string) => response(200, { finalUrl, redirects: [{ url: URL, status: 302 }], body: '<title>Sign in</title><form></form>' });
  t.same(final(toLogin('https://site.example/login?next=%2Fguides%2Fpruning')), ['blocked', 'login_wall']);
  t.same(final(toLogin('https://site.example/wp-login.php?redirect_to=x')), ['blocked', 'login_wall']);
  t.same(final(toLogin('https://accounts.site.example/ServiceLogin')), ['blocked', 'login_wall']);
  t.same(final(toLogin('https://site.example/users/sign_in')), ['blocked', 'login_wall']);
  t.same(final(response(401)), ['blocked', 'http_401']);
  t.same(final(response(200, { url: 'https://site.example/login', finalUrl: 'https://site.example/login' })), ['alive', null], 'a link to the sign-in page itself');
});

t.test('hostile check bodies (256 KiB of unclosed tags) are judged by what they say', async (t) => {
  const body = (start: string, filler: string) => start + filler.repeat(Math.ceil((256 * 1024) / filler.length));
  t.same(final(response(200, { body: body('', '<title>x') })), ['alive', null]);
  t.same(final(response(200, { body: body('', '<') })), ['alive', null]);
  t.same(final(response(200, { body: body('<title>Page not found</title>', '<script>') })), ['dead', 'soft_404']);
  t.same(final(response(503, { body: body('<title>Just a moment...</title>', '<h1') })), ['blocked', 'bot_challenge']);
});

t.test('parking and for-sale pages are dead, deep URLs and home pages alike; a marketplace listing linked on purpose is not', async (t) => {
  const forSale = '<html><head><title>tools.example</title></head><body><h1>This domain is for sale</h1><p>Make an offer.</p></body></html>';
  t.same(final(response(200, { body: forSale })), ['dead', 'parked_domain'], 'a deep URL');
  t.same(final(response(200, { url: 'https://tools.example/', finalUrl: 'https://tools.example/', body: forSale })), ['dead', 'parked_domain'], 'a home page');
  const listing = 'https://www.hugedomains.com/domain_profile.cfm?d=site.example';
  t.same(final(response(200, { finalUrl: listing, redirects: [{ url: URL, status: 302 }], body: '<title>site.example is for sale</title>' })), ['dead', 'parked_domain'], 'sent to a marketplace');
  t.same(final(response(200, { url: listing, finalUrl: listing, body: '<title>Buy site.example</title><p>' + 'x'.repeat(2_000) })), ['alive', null], 'a link to the listing itself');
  const estate = '<html><head><title>Domaine des Roches</title></head><body><h1>Domaine des Roches</h1><p>Après quarante ans, le domaine est à vendre. Contactez-nous.</p></body></html>';
  t.same(final(response(200, { body: estate })), ['alive', null], 'a French estate (domaine) for sale is no domain name');
  const french = '<html><head><title>jardin.example</title></head><body><p>Ce nom de domaine est à vendre.</p></body></html>';
  t.same(final(response(200, { body: french })), ['dead', 'parked_domain'], 'a French domain name for sale is');
});

import t from 'tap';
import { startEnvironment } from '../support/environment.js';
import { startFakeWeb, type Route } from '../support/fake-web.js';

const text = (body: string, status = 200): Route => ({ status, headers: { 'content-type': 'text/plain' }, body });
const rules = [
  'User-agent: *', 'Disallow: /private', '',
  'User-agent: blb-prospector', 'Disallow: /no-blb', 'Crawl-delay: 2', '',
  'User-agent: otherbot', 'Disallow: /',
].join('\n');
const web = await startFakeWeb({
  'rules.test': { '/robots.txt': text(rules) },
  'missing.test': {},
  'broken.test': { '/robots.txt': text('oops', 503) },
  'limited.test': { '/robots.txt': text('', 429) },
  'moved.test': Object.fromEntries(
    [0, 1, 2, 3].map((i) => [i === 0 ? '/robots.txt' : `/r${i}`, { status: 301, headers: { location: i === 3 ? '/final.txt' : `/r${i + 1}` } }]),
  ),
  'far.test': Object.fromEntries(
    Array.from({ length: 7 }, (_, i) => [i === 0 ? '/robots.txt' : `/r${i}`, { status: 301, headers: { location: `/r${i + 1}` } }]),
  ),
  'big.test': { '/robots.txt': text(`User-agent: *\nDisallow: /early\n# ${'x'.repeat(600 * 1024)}\nDisallow: /late\n`) },
});
web.setRoute('moved.test', '/final.txt', text('User-agent: *\nDisallow: /moved-rule'));
const env = await startEnvironment({ resolver: web.resolver, env: { MAX_CRAWL_DELAY_MS: '1500' } });
t.teardown(async () => {
  await env.close();
  await web.close();
});
const allowed = (host: string, path: string) => env.runtime.robots.isAllowed(web.url(host, path), async () => () => {});

t.test('rules for our product token, else for *', async (t) => {
  t.equal(await allowed('rules.test', '/no-blb/page'), false, 'our own group applies');
  t.equal(await allowed('rules.test', '/private/x'), true, 'the * group does not apply when ours exists');
  t.equal(await allowed('rules.test', '/blog/post'), true);
});

t.test('RFC 9309 status handling', async (t) => {
  t.equal(await allowed('missing.test', '/anything'), true, '4xx: no robots.txt, everything allowed');
  t.equal(await allowed('broken.test', '/anything'), false, '5xx: unreachable, everything disallowed');
  t.equal(await allowed('limited.test', '/anything'), false, '429 counts as unreachable');
  t.equal(await allowed('moved.test', '/moved-rule/x'), false, 'up to 5 redirects are followed');
  t.equal(await allowed('far.test', '/anything'), false, 'more than 5 redirects: unreachable');
  t.equal(await allowed('big.test', '/early/x'), false);
  t.equal(await allowed('big.test', '/late/x'), true, 'only the first 500 KiB are read');
});

t.test('robots.txt is fetched once per origin and its Crawl-delay paces the host', async (t) => {
  const fetches = () => web.requests.filter((r) => r.host === 'rules.test' && r.path === '/robots.txt').length;
  const before = fetches();
  await allowed('rules.test', '/a');
  await allowed('rules.test', '/b');
  t.equal(fetches(), before, 'served from the Redis cache');
  const first = await env.runtime.limiter.acquire('rules.test', { concurrency: 4, intervalMs: 0 });
  t.ok('lease' in first);
  const second = await env.runtime.limiter.acquire('rules.test', { concurrency: 4, intervalMs: 0 });
  t.ok('waitMs' in second && second.waitMs > 1_000 && second.waitMs <= 1_500, 'Crawl-delay 2 s, capped at MAX_CRAWL_DELAY_MS');
});

t.test('a burst of jobs for a new host fetches robots.txt once', async (t) => {
  web.setRoute('burst.test', '/robots.txt', (_req, res) => {
    setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /x'), 200);
  });
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => allowed('burst.test', `/page-${i}`)));
  t.same(results, Array(10).fill(true));
  t.equal(web.requests.filter((r) => r.host === 'burst.test').length, 1);
});

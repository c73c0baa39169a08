import t from 'tap';
import { gzipSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAddressGuard, type Resolver } from '../../services/http/address-guard.js';
import { createHttpClient, sendTimeoutMs, type FetchFailure, type FetchResponse } from '../../services/http/client.js';
import { startFakeWeb, htmlPage, REFUSING } from '../support/fake-web.js';

const LIMITS = { connectTimeoutMs: 500, responseTimeoutMs: 800, requestTimeoutMs: 1_500, maxBodyBytes: 64 * 1024, checkBodyBytes: 16 * 1024, maxRedirects: 10 };
const isHtml = (type: string) => type.includes('text/html');

const web = await startFakeWeb(
  {
    'site.test': {
      '/a': { status: 301, headers: { location: '/b' } },
      '/loop-1': { status: 301, headers: { location: '/loop-2' } },
      '/loop-2': { status: 301, headers: { location: '/loop-1' } },
      '/to-internal': { status: 302, headers: { location: 'http://internal.test/admin' } },
      '/to-metadata': { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } },
      '/big': { body: 'x'.repeat(5 * 1024 * 1024) },
      '/bomb': { headers: { 'content-encoding': 'gzip' }, body: gzipSync(Buffer.alloc(50 * 1024 * 1024)) },
      '/report.pdf': { headers: { 'content-type': 'application/pdf' }, body: '%PDF-1.4 ...' },
      '/silent': () => {},
      '/drip': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        const timer = setInterval(() => res.write('<'), 50);
        res.on('close', () => clearInterval(timer));
      },
      '/huge-headers': (req, res) => {
        res.socket?.end(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(100 * 1024)}\r\n\r\n`);
      },
    },
    'other.test': { '/c': { body: htmlPage('C') } },
  },
  { 'internal.test': '10.0.0.7', 'refusing.test': REFUSING.address },
);
for (let hop = 0; hop < 12; hop++) web.setRoute('site.test', `/chain/${hop}`, { status: 307, headers: { location: `/chain/${hop + 1}` } });
// The second hop crosses hosts, so it needs the fake web's port.
web.setRoute('site.test', '/b', { status: 302, headers: { location: web.url('other.test', '/c') } });
t.teardown(() => web.close());

const client = createHttpClient({
  userAgent: 'blb-test',
  limits: LIMITS,
  guard: createAddressGuard(['127.0.0.0/8'], web.resolver),
});
t.teardown(() => client.close());

t.test('redirects are followed hop by hop and recorded', async (t) => {
  const result = (await client.fetch({ url: web.url('site.test', '/a'), readBody: isHtml })) as FetchResponse;
  t.equal(result.ok, true);
  t.equal(result.status, 200);
  t.equal(result.finalUrl, web.url('other.test', '/c'));
  t.same(result.redirects, [
    { url: web.url('site.test', '/a'), status: 301 },
    { url: web.url('site.test', '/b'), status: 302 },
  ]);
  t.match(result.body, /<title>C<\/title>/);
});

t.test('loops and overlong chains end as too_many_redirects', async (t) => {
  const loop = (await client.fetch({ url: web.url('site.test', '/loop-1') })) as FetchFailure;
  t.equal(loop.error, 'too_many_redirects');
  t.equal(loop.redirects.length, 2);
  const chain = (await client.fetch({ url: web.url('site.test', '/chain/0') })) as FetchFailure;
  t.equal(chain.error, 'too_many_redirects');
  t.equal(chain.redirects.length, 10);
});

t.test('every redirect hop passes the address guard', async (t) => {
  const internal = (await client.fetch({ url: web.url('site.test', '/to-internal') })) as FetchFailure;
  t.equal(internal.error, 'blocked_address');
  t.equal(internal.failedUrl, 'http://internal.test/admin');
  const metadata = (await client.fetch({ url: web.url('site.test', '/to-metadata') })) as FetchFailure;
  t.equal(metadata.error, 'blocked_address');
  t.notOk(web.requests.some((r) => r.path.startsWith('/latest')), 'the metadata address was never requested');
});

t.test('loopback is refused without the allowlist', async (t) => {
  const strict = createHttpClient({ userAgent: 'blb-test', limits: LIMITS, guard: createAddressGuard([], web.resolver) });
  t.teardown(() => strict.close());
  const before = web.requests.length;
  t.equal(((await strict.fetch({ url: web.url('site.test', '/a') })) as FetchFailure).error, 'blocked_address');
  t.equal(((await strict.fetch({ url: `http://127.0.0.1:${web.port}/a` })) as FetchFailure).error, 'blocked_address');
  t.equal(((await strict.fetch({ url: `http://[::1]:${web.port}/a` })) as FetchFailure).error, 'blocked_address');
  t.equal(web.requests.length, before, 'no request reached the server');
});

t.test('bodies are capped on the stream, after decompression', async (t) => {
  const big = (await client.fetch({ url: web.url('site.test', '/big'), readBody: isHtml })) as FetchResponse;
  t.equal(big.body?.length, LIMITS.maxBodyBytes);
  t.equal(big.truncated, true);
  const before = process.memoryUsage().rss;
  const bomb = (await client.fetch({ url: web.url('site.test', '/bomb'), readBody: isHtml })) as FetchResponse;
  t.equal(bomb.body?.length, LIMITS.maxBodyBytes, 'a 50 MiB gzip bomb yields only the cap');
  t.equal(bomb.truncated, true);
  t.ok(process.memoryUsage().rss - before < 40 * 1024 * 1024, 'the bomb was never inflated in memory');
});

t.test('only wanted bodies are read', async (t) => {
  const pdf = (await client.fetch({ url: web.url('site.test', '/report.pdf'), readBody: isHtml })) as FetchResponse;
  t.equal(pdf.status, 200);
  t.equal(pdf.contentType, 'application/pdf');
  t.equal(pdf.body, null);
});

t.test('hostile servers end as classified failures', async (t) => {
  const silent = (await client.fetch({ url: web.url('site.test', '/silent') })) as FetchFailure;
  t.equal(silent.error, 'timeout', 'a server that never answers');
  const drip = (await client.fetch({ url: web.url('site.test', '/drip'), readBody: isHtml })) as FetchFailure;
  t.equal(drip.error, 'timeout', 'a server that drips a byte at a time');
  const headers = (await client.fetch({ url: web.url('site.test', '/huge-headers') })) as FetchFailure;
  t.equal(headers.error, 'headers_too_large');
  const nxdomain = (await client.fetch({ url: 'http://no-such-host.test/' })) as FetchFailure;
  t.equal(nxdomain.error, 'dns_failure');
});

t.test('the first request reports once whether it was sent', async (t) => {
  const reports = async (url: string, via = client) => {
    const told: boolean[] = [];
    await via.fetch({ url, onSent: (sent) => told.push(sent) });
    return told;
  };
  t.same(await reports(web.url('other.test', '/c')), [true], 'an answer');
  t.same(await reports(web.url('site.test', '/a')), [true], 'once for a redirect chain');
  t.same(await reports(web.url('site.test', '/silent')), [true], 'sent, though never answered');
  t.same(await reports('http://no-such-host.test/'), [false], 'NXDOMAIN: never sent');
  t.same(await reports('http://internal.test/'), [false], 'a blocked address: never sent');
  t.same(await reports(`http://refusing.test:${REFUSING.port}/`), [false], 'a refused connection: never sent');
});

t.test('the report waits for the request to leave, and comes within the send timeout', async (t) => {
  const never = new Promise<never>(() => {});
  const resolver: Resolver = async (host) => {
    if (host === 'hanging-dns.test') return never;
    if (host === 'slow-dns.test') await sleep(300);
    return web.resolver(host === 'slow-dns.test' ? 'other.test' : host);
  };
  const slowDns = createHttpClient({ userAgent: 'blb-test', limits: LIMITS, guard: createAddressGuard(['127.0.0.0/8'], resolver) });
  t.teardown(() => slowDns.close());

  const started = performance.now();
  let sentAfter = -1;
  const slow = await slowDns.fetch({ url: `http://slow-dns.test:${web.port}/c`, onSent: () => (sentAfter = performance.now() - started) });
  t.equal(slow.ok, true);
  t.ok(sentAfter >= 300, `reported once the lookup had answered (${Math.round(sentAfter)} ms), not when asked`);

  const told: boolean[] = [];
  const hanging = (await slowDns.fetch({ url: 'http://hanging-dns.test/', onSent: (sent) => told.push(sent) })) as FetchFailure;
  t.equal(hanging.error, 'dns_temporary', 'a lookup that never answers fails like a DNS timeout');
  t.ok(hanging.elapsedMs < sendTimeoutMs(LIMITS), `within the send timeout (${hanging.elapsedMs} ms)`);
  t.same(told, [false]);
});

t.test('a request looks its host up once, however it is checked', async (t) => {
  const lookups: string[] = [];
  const counting: Resolver = async (host) => {
    lookups.push(host);
    return web.resolver(host);
  };
  const client = createHttpClient({ userAgent: 'blb-test', limits: LIMITS, guard: createAddressGuard(['127.0.0.0/8'], counting) });
  t.teardown(() => client.close());
  const response = (await client.fetch({ url: web.url('other.test', '/c') })) as FetchResponse;
  t.equal(response.status, 200);
  t.same(lookups, ['other.test'], 'one lookup, by the connection that checked the address');
});

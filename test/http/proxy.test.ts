import t from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAddressGuard } from '../../services/http/address-guard.js';
import { createHttpClient, type FetchFailure, type FetchResponse } from '../../services/http/client.js';
import { htmlPage, startFakeWeb } from '../support/fake-web.js';

const web = await startFakeWeb(
  { 'site.test': { '/page': { body: htmlPage('Via proxy') }, '/moved': { status: 301, headers: { location: 'http://internal.test/' } } } },
  { 'internal.test': '10.0.0.9' },
);

// A forward proxy: takes absolute-form requests and relays them to the fake web.
const relayed: string[] = [];
const proxy = http.createServer((req, res) => {
  relayed.push(req.url ?? '');
  const target = new URL(req.url ?? '');
  const upstream = http.request(
    { host: '127.0.0.1', port: web.port, path: target.pathname + target.search, method: req.method, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.writeHead(502).end());
  req.pipe(upstream);
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
t.teardown(async () => {
  await new Promise((resolve) => proxy.close(resolve));
  await web.close();
});

const client = createHttpClient({
  userAgent: 'blb-test',
  limits: { connectTimeoutMs: 1_000, responseTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxBodyBytes: 65_536, checkBodyBytes: 16_384, maxRedirects: 10 },
  // The proxy itself sits on loopback (the operator's choice); the targets must still be public.
  guard: createAddressGuard(['127.0.0.0/8'], web.resolver),
  proxyUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
});
t.teardown(() => client.close());

t.test('requests go through the configured forward proxy', async (t) => {
  const result = (await client.fetch({ url: web.url('site.test', '/page'), readBody: () => true })) as FetchResponse;
  t.equal(result.status, 200);
  t.match(result.body, /Via proxy/);
  t.same(relayed, [web.url('site.test', '/page')], 'the proxy relayed it');
});

t.test('the address guard still applies to every hop behind a proxy', async (t) => {
  relayed.length = 0;
  const result = (await client.fetch({ url: web.url('site.test', '/moved') })) as FetchFailure;
  t.equal(result.error, 'blocked_address');
  t.same(relayed, [web.url('site.test', '/moved')], 'the private hop never reached the proxy');
  const nxdomain = (await client.fetch({ url: 'http://gone-for-good.test/' })) as FetchFailure;
  t.equal(nxdomain.error, 'dns_failure', 'NXDOMAIN is still recognized');
});

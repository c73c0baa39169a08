import { gzipSync } from 'node:zlib';
import type http from 'node:http';
import { REFUSING, htmlPage, startFakeWeb, type FakeWeb, type Route } from './fake-web.js';
import { triple } from './niche.js';
import { selfSignedCertificate } from './tls.js';

interface Case {
  /** Also the host name stem: `${name}-1.test`, `${name}-2.test`. */
  name: string;
  verdict: 'alive' | 'dead' | 'blocked' | 'unknown';
  reason: string | null;
  path?: string;
  /** Built once per host, so stateful routes (fail first, then succeed) count per host. */
  route?: (sent: BodyMeter) => Route;
  /** A URL not served by a route of the fake web (DNS failures, refused connections, TLS). */
  url?: (host: string, web: FakeWeb) => string;
}

/** Counts body bytes a route's socket took for a path: what the server actually sent. */
type BodyMeter = (path: string, bytes: number) => void;

const PDF_BYTES = 5 * 1024 * 1024;
// Streamed in chunks, each counted once the socket has taken it, so a test can tell how much of the
// body left the server (none, for a file judged by HEAD).
const meteredPdf = (sent: BodyMeter): Route => (req, res) => {
  res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(PDF_BYTES) });
  if (req.method === 'HEAD') return void res.end();
  const chunk = Buffer.alloc(64 * 1024);
  let left = PDF_BYTES;
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      const size = Math.min(chunk.length, left);
      left -= size;
      const more = res.write(chunk.subarray(0, size), (error) => !error && sent(req.url ?? '', size));
      if (!more) return void res.once('drain', pump);
    }
    if (left === 0) res.end();
  };
  pump();
};

const failingFirst = (first: (res: http.ServerResponse, req: http.IncomingMessage) => void) => (): Route => {
  let calls = 0;
  return (req, res) => (calls++ === 0 ? first(res, req) : res.writeHead(200, { 'content-type': 'text/html' }).end(htmlPage('Fine now')));
};
const reset = (res: http.ServerResponse) => res.socket?.destroy();
const html = (body: string, status = 200, headers: Record<string, string> = {}): Route => ({ status, headers, body });

const CASES: Case[] = [
  { name: 'not-found', verdict: 'dead', reason: 'not_found', route: () => ({ status: 404 }) },
  { name: 'chain-404', verdict: 'dead', reason: 'not_found', path: '/old', route: () => ({ status: 301, headers: { location: '/older' } }) },
  { name: 'gone', verdict: 'dead', reason: 'gone', route: () => ({ status: 410 }) },
  { name: 'nxdomain', verdict: 'dead', reason: 'dns_failure', url: (host) => `http://${host.replace('nxdomain', 'expired')}/page` },
  { name: 'refused', verdict: 'dead', reason: 'connection_failed', url: (host) => `http://${host}:${REFUSING.port}/` },
  { name: 'loop', verdict: 'dead', reason: 'too_many_redirects', path: '/a', route: () => ({ status: 302, headers: { location: '/b' } }) },
  { name: 'long-chain', verdict: 'dead', reason: 'too_many_redirects', path: '/hop/0', route: () => ({ status: 301, headers: { location: '/hop/1' } }) },
  { name: 'soft-text', verdict: 'dead', reason: 'soft_404', path: '/guide', route: () => html(htmlPage('Page not found | Garden World')) },
  { name: 'soft-de', verdict: 'dead', reason: 'soft_404', path: '/ratgeber', route: () => html(htmlPage('Seite nicht gefunden – Gartenwelt')) },
  { name: 'soft-home', verdict: 'dead', reason: 'soft_404', path: '/guides/old-post', route: () => ({ status: 301, headers: { location: '/' } }) },
  { name: 'alive', verdict: 'alive', reason: null, path: '/ok', route: () => html(htmlPage('A fine page')) },
  {
    name: 'head-404', verdict: 'alive', reason: null, path: '/file.pdf',
    route: () => (req, res) => res.writeHead(req.method === 'HEAD' ? 404 : 200, { 'content-type': 'application/pdf' }).end(req.method === 'HEAD' ? undefined : '%PDF'),
  },
  {
    name: 'head-405', verdict: 'alive', reason: null, path: '/doc.pdf',
    route: () => (req, res) => res.writeHead(req.method === 'HEAD' ? 405 : 200, { 'content-type': 'application/pdf' }).end(req.method === 'HEAD' ? undefined : '%PDF'),
  },
  { name: 'pdf', verdict: 'alive', reason: null, path: '/report.pdf', route: meteredPdf },
  { name: 'wait-429', verdict: 'alive', reason: null, route: failingFirst((res) => res.writeHead(429, { 'retry-after': '1' }).end()) },
  { name: 'wait-503', verdict: 'alive', reason: null, route: failingFirst((res) => res.writeHead(503, { 'retry-after': '1' }).end()) },
  { name: 'flaky-500', verdict: 'alive', reason: null, route: failingFirst((res) => res.writeHead(500).end()) },
  { name: 'flaky-reset', verdict: 'alive', reason: null, route: failingFirst(reset) },
  { name: 'gzip-bomb', verdict: 'alive', reason: null, route: () => ({ headers: { 'content-encoding': 'gzip' }, body: gzipSync(Buffer.alloc(50 * 1024 * 1024)) }) },
  {
    name: 'endless', verdict: 'alive', reason: null,
    route: () => (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    },
  },
  { name: 'forbidden', verdict: 'blocked', reason: 'http_403', route: () => ({ status: 403 }) },
  { name: 'unauthorized', verdict: 'blocked', reason: 'http_401', route: () => ({ status: 401 }) },
  { name: 'linkedin', verdict: 'blocked', reason: 'http_999', route: () => ({ status: 999 }) },
  {
    name: 'challenge', verdict: 'blocked', reason: 'bot_challenge',
    route: () => html('<html><head><title>Just a moment...</title></head><body><script src="/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1"></script></body></html>', 503, { server: 'cloudflare' }),
  },
  { name: 'rate-limited', verdict: 'blocked', reason: 'rate_limited', route: () => ({ status: 429 }) },
  { name: 'server-error', verdict: 'unknown', reason: 'http_500', route: () => ({ status: 500 }) },
  { name: 'silent', verdict: 'unknown', reason: 'timeout', route: () => () => {} },
  {
    name: 'drip', verdict: 'unknown', reason: 'timeout',
    route: () => (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      const timer = setInterval(() => res.write('<'), 100);
      res.on('close', () => clearInterval(timer));
    },
  },
  { name: 'huge-headers', verdict: 'unknown', reason: 'headers_too_large', route: () => (_req, res) => res.socket?.end(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(100 * 1024)}\r\n\r\n`) },
  { name: 'always-reset', verdict: 'unknown', reason: 'connection_reset', route: () => (_req, res) => reset(res) },
  { name: 'tls', verdict: 'unknown', reason: 'tls', url: (host, web) => `https://${host}:${web.tlsPort}/` },
  { name: 'servfail', verdict: 'unknown', reason: 'dns_temporary', url: (host) => `http://${host}/` },
];

export interface HostileWeb {
  web: FakeWeb;
  seed: string;
  /** Every case's URLs with the verdict and reason they must get. */
  targets: { url: string; verdict: string; reason: string | null; name: string }[];
  /** The (source, dead URL, reason) triples a crawl must report, and nothing else. */
  expectedProspects: string[];
  /** Body bytes the servers sent for a path, on every host together. */
  bodyBytesSent(path: string): number;
}

/**
 * Every verdict case twice, on two hosts each: blog.test/part-1 links to the first host of every case,
 * /part-2 to the second. The seed also links to pages that are hostile to the crawler itself: deeply
 * nested HTML (60,000 tables, 200,000 <div>s) with a dead link at the bottom, a multi-megabyte page
 * and a binary file served as text/html.
 */
export async function startHostileWeb(): Promise<HostileWeb> {
  // buried.test serves nothing: every path is a 404.
  const sites: Record<string, Record<string, Route>> = { 'blog.test': {}, 'buried.test': {} };
  const bodyBytes = new Map<string, number>();
  const sent: BodyMeter = (path, bytes) => bodyBytes.set(path, (bodyBytes.get(path) ?? 0) + bytes);
  const extraHosts: Record<string, string> = {};
  for (const c of CASES) {
    for (const n of [1, 2]) {
      const host = `${c.name}-${n}.test`;
      if (c.route) sites[host] = { [c.path ?? '/']: c.route(sent) };
      else if (c.name === 'servfail') extraHosts[host] = 'SERVFAIL';
      else if (c.name === 'refused') extraHosts[host] = REFUSING.address;
      else if (c.name !== 'nxdomain') extraHosts[host] = '127.0.0.1';
    }
  }
  for (const n of [1, 2]) {
    sites[`chain-404-${n}.test`]!['/older'] = { status: 302, headers: { location: '/gone-for-good' } };
    sites[`loop-${n}.test`]!['/b'] = { status: 302, headers: { location: '/a' } };
    for (let hop = 1; hop <= 12; hop++) sites[`long-chain-${n}.test`]![`/hop/${hop}`] = { status: 301, headers: { location: `/hop/${hop + 1}` } };
    sites[`soft-home-${n}.test`]!['/'] = html(htmlPage('Welcome to our garden shop', [['/shop', 'Shop']]));
  }
  const web = await startFakeWeb(sites, extraHosts, selfSignedCertificate('tls.test'));

  const targets = CASES.flatMap((c) =>
    [1, 2].map((n) => {
      const host = `${c.name}-${n}.test`;
      const url = c.url ? c.url(host, web) : web.url(host, c.path ?? '/');
      return { url, verdict: c.verdict, reason: c.reason, name: c.name, part: n };
    }),
  );
  const blog = (path: string) => web.url('blog.test', path);
  for (const n of [1, 2]) {
    const links = targets.filter((t) => t.part === n).map((t): [string, string] => [t.url, `${t.name} resource`]);
    web.setRoute('blog.test', `/part-${n}`, html(htmlPage(`Part ${n}`, links)));
  }
  web.setRoute('blog.test', '/', html(htmlPage('Blog', [
    ['/part-1', 'Part 1'], ['/part-2', 'Part 2'], ['/nested', 'Nested'], ['/deep-divs', 'Deep'], ['/huge', 'Huge'], ['/binary', 'Binary'],
  ])));
  // Too deep for the DOM parser in any sensible time: their links are read by the linear fallback.
  const nestedDead = web.url('not-found-1.test', '/');
  const deepDivsDead = web.url('buried.test', '/lost');
  web.setRoute('blog.test', '/nested', html('<table><tr><td>'.repeat(60_000) + `<a href="${nestedDead}">x</a>`));
  web.setRoute('blog.test', '/deep-divs', html('<div>'.repeat(200_000) + `<p>Once useful: <a href="${deepDivsDead}">the lost page</a>.</p>`));
  web.setRoute('blog.test', '/huge', html(htmlPage('Huge', [[web.url('alive-1.test', '/ok'), 'alive']]) + '<p>filler</p>'.repeat(400_000)));
  web.setRoute('blog.test', '/binary', { headers: { 'content-type': 'text/html' }, body: Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256)) });

  const expectedProspects = [
    ...targets.filter((t) => t.verdict === 'dead').map((t) => triple(blog(`/part-${t.part}`), t.url, t.reason!)),
    triple(blog('/nested'), nestedDead, 'not_found'),
    triple(blog('/deep-divs'), deepDivsDead, 'not_found'),
  ].sort();
  return {
    web,
    seed: blog('/'),
    targets: targets.map(({ part: _part, ...t }) => t),
    expectedProspects,
    bodyBytesSent: (path) => bodyBytes.get(path) ?? 0,
  };
}

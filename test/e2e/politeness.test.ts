import t from 'tap';
import type http from 'node:http';
import { startEnvironment } from '../support/environment.js';
import { apiClient } from '../support/api-client.js';
import { htmlPage, startFakeWeb, type Route } from '../support/fake-web.js';
import { startWorkerProcess, stopWorkerProcesses } from '../support/worker-processes.js';

// Two worker processes, one slow host and a few fast ones. The crawl asks for at most 2 requests in
// flight per host and 150 ms between request starts; the slow host measures what it actually got.
const CONCURRENCY = 2;
const INTERVAL_MS = 150;
const SLOW_PAGES = 30;

const slow = { inFlight: 0, maxInFlight: 0, starts: [] as number[] };
const slowRoute: Route = (_req: http.IncomingMessage, res: http.ServerResponse) => {
  slow.starts.push(performance.now());
  slow.maxInFlight = Math.max(slow.maxInFlight, ++slow.inFlight);
  setTimeout(() => {
    slow.inFlight--;
    res.writeHead(200, { 'content-type': 'text/html' }).end(htmlPage('Slow but fine'));
  }, 200);
};
const sites: Record<string, Record<string, Route>> = { 'blog.test': {}, 'slow.test': {} };
for (let i = 0; i < SLOW_PAGES; i++) sites['slow.test']![`/p${i}`] = slowRoute;
for (let h = 1; h <= 4; h++) sites[`fast-${h}.test`] = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`/p${i}`, { body: htmlPage('Fast') }]));
const web = await startFakeWeb(sites);
const links: [string, string][] = [
  ...Array.from({ length: SLOW_PAGES }, (_, i): [string, string] => [web.url('slow.test', `/p${i}`), `slow ${i}`]),
  ...[1, 2, 3, 4].flatMap((h) => Array.from({ length: 5 }, (_, i): [string, string] => [web.url(`fast-${h}.test`, `/p${i}`), 'fast'])),
];
web.setRoute('blog.test', '/', { body: htmlPage('Links', links) });

const env = await startEnvironment({ resolver: web.resolver });
const children = await Promise.all([1, 2].map(() => startWorkerProcess(env.config, web.hosts(), { CHECK_CONCURRENCY: '8' })));
t.teardown(async () => {
  await stopWorkerProcesses(children);
  await env.close();
  await web.close();
});

t.test('per-host concurrency and interval hold across worker processes, and other hosts are served meanwhile', async (t) => {
  const api = apiClient(env.app, (await env.newApiKey()).key);
  const crawl = await api.crawlToEnd({
    seeds: [web.url('blog.test', '/')], scope: 'site', hostConcurrency: CONCURRENCY, hostIntervalMs: INTERVAL_MS,
  });
  t.equal(crawl.status, 'completed');
  t.equal(crawl.stats.linksChecked, SLOW_PAGES + 20);
  t.equal(slow.starts.length, SLOW_PAGES, 'every slow page was checked once');

  t.ok(slow.maxInFlight <= CONCURRENCY, `at most ${CONCURRENCY} requests in flight at the slow host (saw ${slow.maxInFlight})`);
  const gaps = slow.starts.slice(1).map((start, i) => start - slow.starts[i]!);
  const minGap = Math.min(...gaps);
  t.ok(minGap >= INTERVAL_MS, `request starts at least ${INTERVAL_MS} ms apart at the server (smallest gap ${Math.round(minGap)} ms)`);

  const fastRequests = web.requests.filter((r) => r.host.startsWith('fast-'));
  const lastSlow = Math.max(...web.requests.filter((r) => r.host === 'slow.test').map((r) => r.at));
  t.equal(fastRequests.length, 20);
  t.ok(fastRequests.every((r) => r.at < lastSlow), 'the fast hosts were all served while the slow host was still being paced');
});

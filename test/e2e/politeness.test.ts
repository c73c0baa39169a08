import t from 'tap';
import { startEnvironment } from '../support/environment.js';
import { apiClient } from '../support/api-client.js';
import { htmlPage, startFakeWeb, startTimingHost, type Site } from '../support/fake-web.js';
import { startWorkerProcess, stopWorkerProcesses } from '../support/worker-processes.js';

// Two worker processes, one slow host and a few fast ones. The crawl asks for at most 2 requests in
// flight per host and 150 ms between request starts. The slow host's DNS answers unevenly, so requests
// leave at uneven times after they were paced; the host notes what it actually got in a process of its
// own, so that the test's own work cannot delay its clock readings.
const CONCURRENCY = 2;
const INTERVAL_MS = 150;
const SLOW_PAGES = 30;

const slow = await startTimingHost({ delayMs: 200, body: htmlPage('Slow but fine') });
const sites: Record<string, Site> = { 'blog.test': {} };
for (let h = 1; h <= 4; h++) sites[`fast-${h}.test`] = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`/p${i}`, { body: htmlPage('Fast') }]));
const web = await startFakeWeb(sites, { 'slow.test': '127.0.0.1 within 200' });
const links: [string, string][] = [
  ...Array.from({ length: SLOW_PAGES }, (_, i): [string, string] => [slow.url('slow.test', `/p${i}`), `slow ${i}`]),
  ...[1, 2, 3, 4].flatMap((h) => Array.from({ length: 5 }, (_, i): [string, string] => [web.url(`fast-${h}.test`, `/p${i}`), 'fast'])),
];
web.setRoute('blog.test', '/', { body: htmlPage('Links', links) });

const env = await startEnvironment({ resolver: web.resolver });
const children = await Promise.all([1, 2].map(() => startWorkerProcess(env.config, web.hosts(), { CHECK_CONCURRENCY: '8' })));
t.teardown(async () => {
  await stopWorkerProcesses(children);
  await env.close();
  await web.close();
  await slow.close();
});

t.test('per-host concurrency and interval hold across worker processes, and other hosts are served meanwhile', async (t) => {
  const api = apiClient(env.app, (await env.newApiKey()).key);
  const crawl = await api.crawlToEnd({
    seeds: [web.url('blog.test', '/')], scope: 'site', hostConcurrency: CONCURRENCY, hostIntervalMs: INTERVAL_MS,
  });
  t.equal(crawl.status, 'completed');
  t.equal(crawl.stats.linksChecked, SLOW_PAGES + 20);
  const { arrivals, maxInFlight } = await slow.report();
  t.equal(arrivals.filter((a) => a.path.startsWith('/p')).length, SLOW_PAGES, 'every slow page was checked once');

  t.ok(maxInFlight <= CONCURRENCY, `at most ${CONCURRENCY} requests in flight at the slow host (saw ${maxInFlight})`);
  // Every request the slow host got counts, whatever its path.
  const gaps = arrivals.slice(1).map((arrival, i) => arrival.at - arrivals[i]!.at);
  const minGap = Math.min(...gaps);
  t.ok(minGap >= INTERVAL_MS, `request starts at least ${INTERVAL_MS} ms apart at the server (smallest gap ${Math.round(minGap)} ms)`);

  const fastRequests = web.requests.filter((r) => r.host.startsWith('fast-'));
  const lastSlow = Math.max(...arrivals.map((a) => a.at));
  t.equal(fastRequests.length, 20);
  t.ok(fastRequests.every((r) => r.at < lastSlow), 'the fast hosts were all served while the slow host was still being paced');
});

import t from 'tap';
import { startEnvironment } from '../support/environment.js';
import { apiClient } from '../support/api-client.js';
import { htmlPage, startFakeWeb } from '../support/fake-web.js';
import { startWorkerProcess, stopWorkerProcesses } from '../support/worker-processes.js';

// Speed may not cost a request: a crawl fetches each URL once, however many of its pages link to it and
// however many jobs race for it (a page of the crawl that is also a link target is judged by its fetch
// as a page), and robots.txt once per host. Many workers run at once to make the races likely.
const PAGES = 60;
const web = await startFakeWeb({ 'hub-1.test': {}, 'hub-2.test': {}, 'hub-3.test': {}, 'tools-1.test': {}, 'tools-2.test': {}, 'tools-3.test': {}, 'gone.test': {} });

/** A hub of PAGES pages on hub-n.test, each linking to the seed, ten other pages and every outbound URL. */
function hub(n: number) {
  const page = (i: number) => web.url(`hub-${n}.test`, `/p${i}`);
  const outbound = [
    web.url(`tools-${n}.test`, '/pruners'),
    web.url(`tools-${n}.test`, '/shears'),
    web.url(`tools-${n}.test`, '/retired'), // 404
    web.url('gone.test', `/${n}`), // 410
    `http://expired-${n}.test/`, // NXDOMAIN
  ];
  web.setRoute(`tools-${n}.test`, '/pruners', { body: htmlPage('Pruners', [[page(0), 'back to the hub']]) });
  web.setRoute(`tools-${n}.test`, '/shears', { body: htmlPage('Shears') });
  web.setRoute('gone.test', `/${n}`, { status: 410 });
  for (let i = 0; i < PAGES; i++) {
    const internal = [0, ...Array.from({ length: 10 }, (_, k) => (i * 7 + k * 13 + 1) % PAGES)].map((m): [string, string] => [page(m), `page ${m}`]);
    web.setRoute(`hub-${n}.test`, `/p${i}`, { body: htmlPage(`Page ${i}`, [...internal, ...outbound.map((url): [string, string] => [url, 'a tool'])]) });
  }
  return { seed: page(0), outbound };
}
const env = await startEnvironment({
  resolver: web.resolver, workers: true, env: { PAGE_CONCURRENCY: '16', CHECK_CONCURRENCY: '32', HOST_CONCURRENCY: '16' },
});
t.teardown(async () => {
  await env.close();
  await web.close();
});
const api = apiClient(env.app, (await env.newApiKey()).key);

/** Requests the fake web served since `from`, as "host path" with how many times each was asked for. */
const repeated = (from: number) => {
  const counts = new Map<string, number>();
  for (const request of web.requests.slice(from)) counts.set(`${request.host} ${request.path}`, (counts.get(`${request.host} ${request.path}`) ?? 0) + 1);
  return { counts, twice: [...counts].filter(([, n]) => n > 1) };
};

t.test('a site crawl fetches every page and every link target once', async (t) => {
  const { seed, outbound } = hub(1);
  const from = web.requests.length;
  const crawl = await api.crawlToEnd({ seeds: [seed], scope: 'site' });
  t.equal(crawl.status, 'completed');
  t.equal(crawl.stats.pagesCrawled, PAGES);
  t.equal(crawl.stats.linksChecked, outbound.length);
  const { counts, twice } = repeated(from);
  t.same(twice, [], 'no URL asked for twice');
  t.equal(counts.size, 1 + PAGES + outbound.length - 1, 'robots.txt, every page, every link target that resolves');
});

t.test('an outward crawl judges a URL that is both a page and a link target by one fetch', async (t) => {
  const { seed, outbound } = hub(2);
  const from = web.requests.length;
  const crawl = await api.crawlToEnd({ seeds: [seed], scope: 'outward', maxDepth: 1, maxPages: 1_000 });
  t.equal(crawl.status, 'completed');
  t.equal(crawl.stats.linksChecked, outbound.length + 1, 'the outbound URLs, and the pruners page\'s link back to the hub');
  const { counts, twice } = repeated(from);
  t.same(twice, [], 'no URL asked for twice');
  t.ok(counts.has(`tools-2.test /pruners`), 'the outbound pages were fetched (crawled at depth 1 and checked as targets)');
  t.equal(crawl.stats.pagesCrawled, 1 + 10 + 2, 'the seed, the ten pages it links to, and the two outbound pages that answer');
});

t.test('worker processes that share the work still fetch every URL once, and find the same prospects', async (t) => {
  const { seed } = hub(3);
  const children = await Promise.all([1, 2].map(() => startWorkerProcess(env.config, web.hosts(), { PAGE_CONCURRENCY: '16', CHECK_CONCURRENCY: '32' })));
  t.teardown(() => stopWorkerProcesses(children));
  const from = web.requests.length;
  const crawl = await api.crawlToEnd({ seeds: [seed], scope: 'site' });
  t.equal(crawl.status, 'completed');
  t.equal(crawl.stats.pagesCrawled, PAGES);
  const { twice } = repeated(from);
  t.same(twice, [], 'no URL asked for twice');
  const prospects = await api.allProspects(crawl.id);
  t.equal(prospects.length, PAGES * 3, 'every page\'s three dead links, once each');
  const jobs = [...(await env.runtime.queues.pages.getCompleted(0, 10_000)), ...(await env.runtime.queues.checks.getCompleted(0, 10_000))];
  const processes = new Set(jobs.filter((job) => job.data.crawlId === crawl.id).map((job) => job.processedBy));
  t.ok(processes.size >= 2, `the work was shared (${processes.size} processes ran its jobs)`);
});

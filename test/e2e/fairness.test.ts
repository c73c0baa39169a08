import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment } from '../support/environment.js';
import { apiClient } from '../support/api-client.js';
import { htmlPage, startFakeWeb } from '../support/fake-web.js';

// One account's big crawl must never starve another's small one: the jobs of pages and checks are
// served by their place in their crawl (see fairPriority in services/queues.ts), not first come, first
// served across crawls. The small crawl is a chain (each page is found on the page before it), so under
// first come, first served each of its pages would wait behind the big crawl's whole backlog.
const BIG_PAGES = 1_500;
const BIG_FANOUT = 10;
const CHAIN = 15;

const web = await startFakeWeb({ 'big.test': {}, 'chain.test': {}, 'shared.test': {} });
for (let i = 0; i < BIG_PAGES; i++) {
  const children = Array.from({ length: BIG_FANOUT }, (_, k) => i * BIG_FANOUT + k + 1).filter((child) => child < BIG_PAGES);
  web.setRoute('big.test', `/p${i}`, { body: htmlPage(`Big ${i}`, children.map((child) => [web.url('big.test', `/p${child}`), `page ${child}`])) });
}
for (let i = 0; i < CHAIN; i++) {
  const next: [string, string][] = i + 1 < CHAIN ? [[web.url('chain.test', `/c${i + 1}`), 'next']] : [];
  web.setRoute('chain.test', `/c${i}`, { body: htmlPage(`Chain ${i}`, [...next, [`http://gone-${i}.test/`, 'a dead link']]) });
}
// Two crawls of one host, each a seed and five pages of its own.
const STAR = 5;
for (const side of ['slow', 'fast']) {
  const pages = Array.from({ length: STAR }, (_, i) => web.url('shared.test', `/${side}/${i}`));
  web.setRoute('shared.test', `/${side}/`, { body: htmlPage(side, pages.map((url, i) => [url, `page ${i}`])) });
  pages.forEach((url, i) => web.setRoute('shared.test', `/${side}/${i}`, { body: htmlPage(`${side} ${i}`) }));
}
const env = await startEnvironment({ resolver: web.resolver, workers: true, env: { PAGE_CONCURRENCY: '8', CHECK_CONCURRENCY: '8' } });
t.teardown(async () => {
  await env.close();
  await web.close();
});
const big = apiClient(env.app, (await env.newApiKey('big-account')).key);
const small = apiClient(env.app, (await env.newApiKey('small-account')).key);

t.test('a small crawl started while a big one runs ends first, and the big one is not stopped by it', async (t) => {
  const bigId = await big.createCrawl({ seeds: [web.url('big.test', '/p0')], scope: 'site', maxPages: BIG_PAGES });
  // Let the big crawl build its backlog.
  let bigCrawl = await big.getCrawl(bigId);
  for (; bigCrawl.stats.pagesCrawled < 100; await sleep(100)) bigCrawl = await big.getCrawl(bigId);
  const backlog = (await env.runtime.queues.pages.getJobCounts('waiting', 'prioritized', 'delayed')) as Record<string, number>;
  t.ok(backlog.prioritized! + backlog.waiting! + backlog.delayed! > 300, `the big crawl has a backlog (${JSON.stringify(backlog)})`);

  const smallCrawl = await small.crawlToEnd({ seeds: [web.url('chain.test', '/c0')], scope: 'site' }, 120_000);
  bigCrawl = await big.getCrawl(bigId);
  t.equal(smallCrawl.status, 'completed');
  t.equal(smallCrawl.stats.pagesCrawled, CHAIN, 'every page of the chain');
  t.equal(smallCrawl.stats.prospects, CHAIN, 'and every dead link on it');
  t.equal(bigCrawl.status, 'running', 'the small crawl ended while the big one still runs');
  t.ok(bigCrawl.stats.pagesCrawled < BIG_PAGES * 0.9, `with most of the big crawl still to do (${bigCrawl.stats.pagesCrawled} of ${BIG_PAGES} pages crawled)`);

  const before = bigCrawl.stats.pagesCrawled;
  await sleep(1_000);
  t.ok((await big.getCrawl(bigId)).stats.pagesCrawled > before, 'the big crawl goes on');
  await env.app.inject({ method: 'POST', url: `/v1/crawls/${bigId}/cancel`, headers: big.headers });
});

t.test('a crawl\'s own stricter politeness binds its requests only, not another crawl of the same host', async (t) => {
  const slowId = await big.createCrawl({ seeds: [web.url('shared.test', '/slow/')], scope: 'site', hostIntervalMs: 5_000, hostConcurrency: 1 });
  for (let slow = await big.getCrawl(slowId); slow.stats.pagesCrawled < 1; await sleep(50)) slow = await big.getCrawl(slowId);
  const fast = await small.crawlToEnd({ seeds: [web.url('shared.test', '/fast/')], scope: 'site' }, 60_000);
  const slow = await big.getCrawl(slowId);
  t.equal(fast.status, 'completed');
  t.equal(fast.stats.pagesCrawled, STAR + 1);
  t.equal(slow.status, 'running', 'the slow crawl still runs');
  t.equal(slow.stats.pagesCrawled, 1, 'the other crawl never waited for its 5 s spacing: it ended before the slow crawl\'s second page');
  await env.app.inject({ method: 'POST', url: `/v1/crawls/${slowId}/cancel`, headers: big.headers });
});

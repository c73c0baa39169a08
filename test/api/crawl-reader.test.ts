import t from 'tap';
import { startEnvironment } from '../support/environment.js';
import { createAccount } from '../../services/store/accounts.js';
import { cancelCrawl, insertCrawl, markRunning } from '../../services/store/crawls.js';
import { planPages } from '../../services/store/frontier.js';
import { recordPageResult } from '../../services/store/pages.js';
import { createCrawlReader } from '../../services/api/crawl-reader.js';

// Clients poll a running crawl's status, many at once: its counts (a pass over its pages, links and
// targets) are shared for a moment, while its status is always read fresh.
const env = await startEnvironment();
t.teardown(() => env.close());
const { db } = env.runtime;
const { key, accountId } = await env.newApiKey('reader-test');
const otherAccount = await createAccount(db, 'reader-other');

async function runningCrawl(pages: number) {
  const crawlId = await insertCrawl(db, accountId, {
    scope: 'site', seeds: ['http://a.test/'], maxDepth: 2, maxPages: 100, respectRobots: true,
    maxPagesPerHost: null, include: [], exclude: [], hostConcurrency: null, hostIntervalMs: null, keywords: [], minRelevance: null,
  });
  const planned = await planPages(db, crawlId, Array.from({ length: pages }, (_, i) => ({ url: `http://a.test/p${i}`, depth: 1 })));
  await markRunning(db, crawlId);
  const crawl = async (i: number) =>
    recordPageResult(db, planned[i]!.id, { state: 'crawled', finalUrl: planned[i]!.url, httpStatus: 200, title: null, outcome: null, verdict: null, domain: 'a.test' });
  return { crawlId, crawl };
}

t.test('a running crawl\'s counts are shared for maxAgeMs; its status is read fresh, with fresh counts when it changed', async (t) => {
  const { crawlId, crawl } = await runningCrawl(3);
  const read = createCrawlReader(db, 60_000);
  await crawl(0);
  t.equal((await read(accountId, crawlId))!.stats.pagesCrawled, 1);
  await crawl(1);
  const polled = await read(accountId, crawlId);
  t.equal(polled!.status, 'running');
  t.equal(polled!.stats.pagesCrawled, 1, 'the counts of a moment ago');
  t.equal(await read(otherAccount, crawlId), null, 'another account sees nothing, counted or not');

  await cancelCrawl(db, { accountId }, crawlId);
  const ended = await read(accountId, crawlId);
  t.equal(ended!.status, 'cancelled');
  t.equal(ended!.stats.pagesCrawled, 2, 'a new status comes with its counts');
});

t.test('counts older than maxAgeMs are counted again', async (t) => {
  const { crawlId, crawl } = await runningCrawl(2);
  const read = createCrawlReader(db, 0);
  t.equal((await read(accountId, crawlId))!.stats.pagesCrawled, 0);
  await crawl(0);
  t.equal((await read(accountId, crawlId))!.stats.pagesCrawled, 1);
});

t.test('through the API: polling a crawl shows its counts, then its end with the final counts', async (t) => {
  const { crawlId, crawl } = await runningCrawl(2);
  const get = async () => (await env.app.inject({ method: 'GET', url: `/v1/crawls/${crawlId}`, headers: { authorization: `Bearer ${key}` } })).json();
  t.equal((await get()).stats.pagesCrawled, 0);
  await crawl(0);
  await crawl(1);
  const cancelled = await env.app.inject({ method: 'POST', url: `/v1/crawls/${crawlId}/cancel`, headers: { authorization: `Bearer ${key}` } });
  t.equal(cancelled.json().status, 'cancelled');
  t.equal(cancelled.json().stats.pagesCrawled, 2, 'the cancel answers with fresh counts');
  t.same((await get()).stats.pagesCrawled, 2);
});

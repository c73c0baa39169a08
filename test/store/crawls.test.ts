import t from 'tap';
import { startEnvironment } from '../support/environment.js';
import { withTransaction } from '../../services/store/db.js';
import { createAccount } from '../../services/store/accounts.js';
import { finishIfDone, insertCrawl, markRunning } from '../../services/store/crawls.js';
import { planPages, recordPageResult } from '../../services/store/pages.js';

const env = await startEnvironment();
t.teardown(() => env.close());
const { db } = env.runtime;
const accountId = await createAccount(db, 'store-test');
const newCrawl = (maxPages: number) =>
  insertCrawl(db, accountId, { scope: 'outward', seeds: ['http://a.test/'], maxDepth: 2, maxPages, respectRobots: true });

t.test('concurrent page jobs never overspend maxPages, and never plan one URL twice', async (t) => {
  const crawlId = await newCrawl(50);
  const batches = Array.from({ length: 20 }, (_, job) =>
    Array.from({ length: 10 }, (_, i) => ({ url: `http://a.test/p${(job * 7 + i) % 80}`, depth: 1 })),
  );
  const planned = await Promise.all(batches.map((batch) => withTransaction(db, (tx) => planPages(tx, crawlId, batch))));
  const urls = planned.flat().map((page) => page.url);
  t.equal(urls.length, 50, 'exactly the budget');
  t.equal(new Set(urls).size, 50, 'no URL twice');
  const { rows } = await db.query('SELECT count(*)::int AS n FROM pages WHERE crawl_id = $1', [crawlId]);
  t.equal(rows[0].n, 50);
});

t.test('a crawl finishes exactly once however many jobs race to finish it', async (t) => {
  const crawlId = await newCrawl(10);
  const [page] = await planPages(db, crawlId, [{ url: 'http://a.test/', depth: 0 }]);
  await markRunning(db, crawlId);
  t.equal(await finishIfDone(db, crawlId), null, 'not while a page is pending');
  await recordPageResult(db, page!.id, { state: 'crawled', finalUrl: page!.url, httpStatus: 200, title: null, outcome: null });
  const results = await Promise.all(Array.from({ length: 25 }, () => finishIfDone(db, crawlId)));
  t.same(results.filter(Boolean), ['completed'], 'one caller ended it');
  t.equal(await finishIfDone(db, crawlId), null);
});

import t from 'tap';
import { startEnvironment } from '../support/environment.js';
import { createAccount } from '../../services/store/accounts.js';
import { insertCrawl } from '../../services/store/crawls.js';
import { planPages } from '../../services/store/frontier.js';
import { recordCrawledPage, recordCrawledPages } from '../../services/transactions/crawl-transactions.js';

// A page's depth is its shortest path from a seed, whatever order the pages were crawled in: a page
// found again by a shorter path is lowered, and the links its old depth left out are planned.
const env = await startEnvironment();
t.teardown(() => env.close());
const { db } = env.runtime;
const accountId = await createAccount(db, 'frontier-test');
const newCrawl = (maxDepth: number | null) =>
  insertCrawl(db, accountId, {
    scope: 'site', seeds: ['http://a.test/'], maxDepth, maxPages: 1_000, respectRobots: true,
    maxPagesPerHost: null, include: [], exclude: [], hostConcurrency: null, hostIntervalMs: null, keywords: [], minRelevance: null,
  });
const link = (url: string) => ({ url, anchorText: 'x', rel: '', outbound: false, followed: true, context: '', position: 'content' });
const contacts = { emails: [], contactPages: [], authors: [] };

/** Plans `url` at `depth` and records it crawled with links to `to`; returns what it planned. */
async function crawl(crawlId: string, url: string, depth: number, to: string[]) {
  const [page] = await planPages(db, crawlId, [{ url, depth }]);
  const id = page?.id ?? (await db.query('SELECT id FROM pages WHERE crawl_id = $1 AND url = $2', [crawlId, url])).rows[0].id;
  const result = { state: 'crawled' as const, finalUrl: url, httpStatus: 200, title: null, outcome: null, verdict: null, domain: 'a.test' };
  return recordCrawledPage(db, { crawlId, pageId: id, result, links: to.map(link), contacts });
}
const depths = async (crawlId: string) =>
  Object.fromEntries((await db.query('SELECT url, depth FROM pages WHERE crawl_id = $1', [crawlId])).rows.map((r) => [r.url.slice("http://a.test/".length), r.depth]));

t.test('a crawled page found again by a shorter path gets the lower depth and plans the links it had left out', async (t) => {
  const crawlId = await newCrawl(2);
  // x was reached the long way first (depth 2 = maxDepth): its link to y was not followed.
  const first = await crawl(crawlId, 'http://a.test/x', 2, ['http://a.test/y']);
  t.same(first?.newPages, [], 'at maxDepth: no children');
  const found = await planPages(db, crawlId, [{ url: 'http://a.test/x', depth: 1 }]);
  t.same(found.map((page) => [page.url, page.depth]), [['http://a.test/y', 2]], 'x lowered to 1: y planned at 2');
  t.same(await depths(crawlId), { x: 1, y: 2 });
});

t.test('lowering cascades through crawled pages; queued pages keep their new depth for their job', async (t) => {
  const crawlId = await newCrawl(null);
  await crawl(crawlId, 'http://a.test/p5', 5, ['http://a.test/p6']);
  await crawl(crawlId, 'http://a.test/p6', 6, ['http://a.test/p7']);
  await planPages(db, crawlId, [{ url: 'http://a.test/p5', depth: 1 }]);
  t.same(await depths(crawlId), { p5: 1, p6: 2, p7: 3 }, 'p6 crawled: lowered; p7 queued: lowered');
  const planned = await crawl(crawlId, 'http://a.test/p7', 99, ['http://a.test/p8']);
  t.same(planned?.newPages.map((page) => page.depth), [4], 'p7\'s job plans from its current depth, not the one it was found at');
  t.same((await planPages(db, crawlId, [{ url: 'http://a.test/p5', depth: 3 }])), [], 'a longer path changes nothing');
  t.same(await depths(crawlId), { p5: 1, p6: 2, p7: 3, p8: 4 });
});

t.test('pages of several jobs and crawls recorded in one transaction plan what they would plan one by one', async (t) => {
  const [one, two] = [await newCrawl(null), await newCrawl(null)];
  const planned = async (crawlId: string, urls: string[]) =>
    Promise.all(urls.map(async (url) => (await planPages(db, crawlId, [{ url, depth: 1 }]))[0]!));
  const [a, b] = await planned(one, ['http://a.test/a', 'http://a.test/b']);
  const [c] = await planned(two, ['http://a.test/c']);
  const result = (url: string) => ({ state: 'crawled' as const, finalUrl: url, httpStatus: 200, title: null, outcome: null, verdict: null, domain: 'a.test' });
  const page = (crawlId: string, p: { id: number; url: string }, to: string[]) => ({ crawlId, pageId: p.id, result: result(p.url), links: to.map(link), contacts });
  const recorded = await recordCrawledPages(db, [
    page(two, c!, ['http://a.test/shared']),
    page(one, a!, ['http://a.test/shared', 'http://a.test/a-only']),
    page(one, b!, ['http://a.test/shared', 'http://a.test/b-only']),
    page(one, a!, ['http://a.test/shared', 'http://a.test/second-run-only']),
  ]);
  t.same(recorded.map((r) => r?.newPages.map((p) => p.url).sort() ?? null), [
    ['http://a.test/shared'],
    ['http://a.test/a-only', 'http://a.test/b-only', 'http://a.test/shared'],
    [],
    null,
  ], 'each crawl\'s new pages go to the first of its pages, once; a page given twice is recorded once');
  t.same(await depths(one), { a: 1, b: 1, shared: 2, 'a-only': 2, 'b-only': 2 });
  t.same(await depths(two), { c: 1, shared: 2 });
  t.same((await recordCrawledPages(db, [page(one, a!, [])]))[0], null, 'a repeated job records nothing');
  // A run of a's job that overlapped the one recorded (its fetch found another link) leaves nothing behind.
  const late = { ...page(one, a!, ['http://a.test/late-page']), links: [link('http://a.test/late-page'), { ...link('http://other.test/late'), outbound: true }] };
  t.same(await recordCrawledPages(db, [late, page(one, b!, [])]), [null, null], 'pages recorded before answer null');
  const rows = async (sql: string) => (await db.query(sql, [one])).rows.map((row) => row.url);
  t.same(await rows(`SELECT target_url AS url FROM links WHERE crawl_id = $1 AND (target_url LIKE '%late%' OR target_url LIKE '%second-run%')`), [], 'no links of a later run');
  t.same(await rows(`SELECT url FROM crawl_targets WHERE crawl_id = $1 AND url LIKE '%late%'`), [], 'no targets of a later run');
  t.same(await rows(`SELECT url FROM pages WHERE crawl_id = $1 AND url LIKE '%late%'`), [], 'no pages planned by a later run');
  // Beside a page still queued, in the same crawl and in another one: those are recorded, once the late page is left out.
  const [d] = await planned(one, ['http://a.test/d']);
  const [e] = await planned(two, ['http://a.test/e']);
  const mixed = await recordCrawledPages(db, [page(two, e!, ['http://a.test/e-child']), late, page(one, d!, ['http://a.test/d-child'])]);
  t.same(mixed.map((r) => r?.newPages.map((p) => p.url) ?? null), [['http://a.test/e-child'], null, ['http://a.test/d-child']], 'the others recorded');
  t.same(await rows(`SELECT target_url AS url FROM links WHERE crawl_id = $1 AND target_url LIKE '%late%'`), [], 'still nothing of the late run');
});

t.test('a page lowered by another page of its own batch plans its links from the lower depth', async (t) => {
  const crawlId = await newCrawl(2);
  // s (depth 0) links to x, queued at depth 2 (= maxDepth: its links are not followed from there). Both
  // are recorded in one transaction, where s lowers x to 1, so x's link to y is within maxDepth.
  const [s] = await planPages(db, crawlId, [{ url: 'http://a.test/s', depth: 0 }]);
  const [x] = await planPages(db, crawlId, [{ url: 'http://a.test/x', depth: 2 }]);
  const result = (url: string) => ({ state: 'crawled' as const, finalUrl: url, httpStatus: 200, title: null, outcome: null, verdict: null, domain: 'a.test' });
  const page = (p: { id: number; url: string }, to: string[]) => ({ crawlId, pageId: p.id, result: result(p.url), links: to.map(link), contacts });
  await recordCrawledPages(db, [page(s!, ['http://a.test/x']), page(x!, ['http://a.test/y'])]);
  t.same(await depths(crawlId), { s: 0, x: 1, y: 2 }, 'x lowered to 1 by s in the same batch: y planned at 2');
});

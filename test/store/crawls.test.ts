import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment } from '../support/environment.js';
import { withTransaction } from '../../services/store/db.js';
import { createAccount, listAccounts } from '../../services/store/accounts.js';
import { cancelCrawl, findCrawl, finishIfDone, freezeSettledCrawlStats, insertCrawl, listCrawls, markRunning } from '../../services/store/crawls.js';
import { recordPageResult } from '../../services/store/pages.js';
import { crawlActivity } from '../../services/store/crawl-activity.js';
import { planPages } from '../../services/store/frontier.js';
import { failStuckCrawl, finishCrawlIfDone, recordCheckedTarget, recordCrawledPage } from '../../services/transactions/crawl-transactions.js';

const env = await startEnvironment();
t.teardown(() => env.close());
const { db } = env.runtime;
const accountId = await createAccount(db, 'store-test');
const newCrawl = (maxPages: number, maxPagesPerHost: number | null = null) =>
  insertCrawl(db, accountId, {
    scope: 'outward', seeds: ['http://a.test/'], maxDepth: 2, maxPages, respectRobots: true,
    maxPagesPerHost, include: [], exclude: [], hostConcurrency: null, hostIntervalMs: null, keywords: [], minRelevance: null,
  });
const crawled = (url: string) => ({ state: 'crawled' as const, finalUrl: url, httpStatus: 200, title: null, outcome: null, verdict: null, domain: 'a.test' });

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

t.test('maxPagesPerHost caps each host, across batches', async (t) => {
  const crawlId = await newCrawl(100, 3);
  const batch = (offset: number) =>
    ['a.test', 'b.test', 'A.test'].flatMap((host) => [0, 1].map((i) => ({ url: `http://${host.toLowerCase()}/p${offset + i}`, depth: 1 })));
  await planPages(db, crawlId, batch(0));
  await planPages(db, crawlId, batch(2));
  const { rows } = await db.query('SELECT host, count(*)::int AS n FROM pages WHERE crawl_id = $1 GROUP BY host ORDER BY host', [crawlId]);
  t.same(rows, [{ host: 'a.test', n: 3 }, { host: 'b.test', n: 3 }]);
});

t.test('a crawl finishes exactly once however many jobs race to finish it', async (t) => {
  const crawlId = await newCrawl(10);
  const [page] = await planPages(db, crawlId, [{ url: 'http://a.test/', depth: 0 }]);
  await markRunning(db, crawlId);
  t.equal(await finishIfDone(db, crawlId), null, 'not while a page is pending');
  await recordPageResult(db, page!.id, crawled(page!.url));
  const results = await Promise.all(Array.from({ length: 25 }, () => finishIfDone(db, crawlId)));
  t.same(results.filter(Boolean), ['completed'], 'one caller ended it');
  t.equal(await finishIfDone(db, crawlId), null);
});

t.test("an ended crawl's counts are kept: counted when it completed, or a while after it was cancelled or failed as stuck", async (t) => {
  const crawlId = await newCrawl(10);
  const [page] = await planPages(db, crawlId, [{ url: 'http://a.test/', depth: 0 }]);
  await markRunning(db, crawlId);
  const link = { url: 'http://gone.test/x', anchorText: 'x', rel: '', outbound: true, followed: true, context: '', position: 'content' };
  // Not followed: its link is only checked, not crawled (the crawl is outward).
  await recordCrawledPage(db, { crawlId, pageId: page!.id, result: crawled(page!.url), links: [link], follow: false, contacts: { emails: [], contactPages: [], authors: [] } });
  const { rows: [target] } = await db.query('SELECT id, url FROM crawl_targets WHERE crawl_id = $1', [crawlId]);
  await recordCheckedTarget(db, { ...target, crawlId }, { verdict: 'dead', reason: 'gone', httpStatus: 410, finalUrl: target.url, attempts: [], checkedAt: new Date() });
  const running = (await findCrawl(db, 'any', crawlId))!.stats;
  t.match(await finishCrawlIfDone(db, crawlId, 10), { status: 'completed' });
  const stats = (await findCrawl(db, 'any', crawlId))!.stats;
  t.match(stats, { pagesCrawled: 1, pagesQueued: 0, linksChecked: 1, deadLinks: 1 });
  t.same(Object.keys(stats), Object.keys(running), 'kept as counted: the keys in the order a running crawl\'s come in');
  const activity = (await crawlActivity(db, [crawlId])).get(crawlId);
  t.match(activity, { rate: { over: 'whole_run' }, verdicts: [{ verdict: 'dead', reason: 'gone', count: 1 }], pageErrors: [] });
  t.ok(activity!.rate.pagesPerSecond > 0 && activity!.rate.linksPerSecond > 0, 'its page and link counted in the rates');
  const usage = (await listAccounts(db, accountId))[0]!;
  t.ok(usage.pagesCrawled >= 1 && usage.linksChecked >= 1, 'the account\'s usage counts them');
  // Rows written behind the service's back show whether the counts are kept or counted again.
  await db.query("UPDATE pages SET state = 'failed', outcome = 'http_500', fetched_at = NULL WHERE id = $1", [page!.id]);
  await db.query("UPDATE crawl_targets SET state = 'pending', verdict = NULL, reason = NULL, checked_at = NULL WHERE id = $1", [target.id]);
  t.same((await findCrawl(db, 'any', crawlId))!.stats, stats, 'the kept counts, not a new count');
  t.same((await listCrawls(db, { accountId }, { limit: 100 })).find((c) => c.id === crawlId)!.stats, stats, 'in the list too');
  t.same((await crawlActivity(db, [crawlId])).get(crawlId), activity, 'the admin\'s activity counts are kept too');
  t.match((await listAccounts(db, accountId))[0], { pagesCrawled: usage.pagesCrawled, linksChecked: usage.linksChecked }, 'and the account\'s usage');

  const cancelled = await newCrawl(10);
  const [other] = await planPages(db, cancelled, [{ url: 'http://a.test/', depth: 0 }]);
  await markRunning(db, cancelled);
  t.ok(await cancelCrawl(db, { accountId }, cancelled));
  // A job in flight when the crawl was cancelled still records its page: the counts follow it.
  await recordPageResult(db, other!.id, crawled(other!.url));
  t.match((await findCrawl(db, 'any', cancelled))!.stats, { pagesCrawled: 1 }, 'counted while its jobs may still land');
  await db.query("UPDATE pages SET state = 'failed', outcome = 'timeout' WHERE id = $1", [other!.id]);
  t.same((await crawlActivity(db, [cancelled])).get(cancelled)!.pageErrors, [{ outcome: 'timeout', count: 1 }], 'activity counted too');
  await db.query("UPDATE pages SET state = 'crawled', outcome = NULL WHERE id = $1", [other!.id]);
  t.equal(await freezeSettledCrawlStats(db, 60_000), 0, 'not kept a moment after the cancel');
  await db.query("UPDATE crawls SET finished_at = now() - interval '2 minutes' WHERE id = $1", [cancelled]);
  t.ok((await freezeSettledCrawlStats(db, 60_000)) >= 1, 'kept once it ended longer ago than asked');
  await db.query("UPDATE pages SET state = 'failed', outcome = 'timeout' WHERE id = $1", [other!.id]);
  t.match((await findCrawl(db, 'any', cancelled))!.stats, { pagesCrawled: 1, pagesQueued: 0 }, 'kept');
  t.same((await crawlActivity(db, [cancelled])).get(cancelled)!.pageErrors, [], 'activity kept with them');
  // Counts a process of the previous version kept, without the activity: the activity is kept later, the counts stay.
  const keptStats = (await findCrawl(db, 'any', cancelled))!.stats;
  await db.query('UPDATE crawls SET final_activity = NULL WHERE id = $1', [cancelled]);
  t.ok((await freezeSettledCrawlStats(db, 60_000)) >= 1, 'its activity kept');
  await db.query("UPDATE pages SET state = 'crawled', outcome = NULL WHERE id = $1", [other!.id]);
  t.same((await crawlActivity(db, [cancelled])).get(cancelled)!.pageErrors, [{ outcome: 'timeout', count: 1 }], 'as it was when kept');
  t.same((await findCrawl(db, 'any', cancelled))!.stats, keptStats, 'the counts kept before, not counted again');

  const stuck = await newCrawl(10);
  const [waiting] = await planPages(db, stuck, [{ url: 'http://a.test/', depth: 0 }]);
  await markRunning(db, stuck);
  t.ok(await failStuckCrawl(db, stuck, 0, 10), 'failed with its page pending');
  await recordPageResult(db, waiting!.id, crawled(waiting!.url));
  t.match((await findCrawl(db, 'any', stuck))!.stats, { pagesCrawled: 1, pagesQueued: 0 }, 'a job in flight may still land: counted, not kept');
});

t.test('concurrent page and check transactions neither deadlock nor lose a prospect', async (t) => {
  const crawlId = await newCrawl(1_000);
  const pages = await planPages(db, crawlId, Array.from({ length: 30 }, (_, i) => ({ url: `http://a.test/p${i}`, depth: 1 })));
  const deadTargets = Array.from({ length: 12 }, (_, i) => `http://dead-${i}.test/`);
  const deadlocksBefore = await deadlockCount();

  // Every page links to every dead target (in its own order) and to overlapping pages of its own site,
  // which become children; the checks of those targets land in the middle of it all.
  const link = (url: string, outbound: boolean) => ({ url, anchorText: 'x', rel: '', outbound, followed: true, context: '', position: 'content' });
  const pageWrites = pages.map((page, n) =>
    recordCrawledPage(db, {
      crawlId,
      pageId: page.id,
      result: crawled(page.url),
      links: [
        ...rotated(deadTargets, n).map((url) => link(url, true)),
        ...Array.from({ length: 20 }, (_, i) => link(`http://a.test/c${(n + i) % 40}`, false)),
      ],
      contacts: { emails: [], contactPages: [], authors: [] },
    }),
  );
  const checkWrites = (async () => {
    for (let round = 0; round < 40; round++) {
      const { rows } = await db.query(`SELECT id, url FROM crawl_targets WHERE crawl_id = $1 AND state = 'pending'`, [crawlId]);
      await Promise.all(rows.map((target) =>
        recordCheckedTarget(db, { ...target, crawlId }, {
          verdict: 'dead', reason: 'not_found', httpStatus: 404, finalUrl: target.url, attempts: [], checkedAt: new Date(),
        })));
      if (rows.length === deadTargets.length) break;
      await sleep(5);
    }
  })();
  await Promise.all([...pageWrites, checkWrites]);

  const { rows } = await db.query('SELECT count(*)::int AS n FROM prospects WHERE crawl_id = $1', [crawlId]);
  t.equal(rows[0].n, pages.length * deadTargets.length, 'every page links to every dead target: all are prospects');
  const planned = await db.query('SELECT count(*)::int AS n FROM pages WHERE crawl_id = $1', [crawlId]);
  t.equal(planned.rows[0].n, 30 + 40 + deadTargets.length, 'children (an outward crawl follows every link) planned once each');
  await sleep(1_500); // PostgreSQL flushes a backend's statistics at most once a second
  t.equal(await deadlockCount(), deadlocksBefore, 'PostgreSQL detected no deadlock');
});

/** The list rotated by n, and reversed for odd n: every order differs. */
function rotated(list: string[], n: number): string[] {
  const turned = [...list.slice(n % list.length), ...list.slice(0, n % list.length)];
  return n % 2 ? turned.reverse() : turned;
}

async function deadlockCount(): Promise<number> {
  const { rows } = await db.query('SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()');
  return rows[0].n;
}

t.test('a page recorded after its dead target was judged makes prospects that know their source', async (t) => {
  const crawlId = await newCrawl(10);
  const [first, second] = await planPages(db, crawlId, [{ url: 'http://a.test/one', depth: 1 }, { url: 'http://a.test/two', depth: 1 }]);
  const link = { url: 'http://dead.test/x', anchorText: 'x', rel: '', outbound: true, followed: true, context: '', position: 'content' };
  const contacts = { emails: ['editor@a.test'], contactPages: [], authors: [] };
  await recordCrawledPage(db, { crawlId, pageId: first!.id, result: crawled(first!.url), links: [link], contacts });
  const { rows: [target] } = await db.query('SELECT id, url FROM crawl_targets WHERE crawl_id = $1', [crawlId]);
  await recordCheckedTarget(db, { ...target, crawlId }, {
    verdict: 'dead', reason: 'not_found', httpStatus: 404, finalUrl: target.url, attempts: [], checkedAt: new Date(),
  });
  // The second page links to the same dead URL after it was judged: its prospect is made with the page.
  await recordCrawledPage(db, { crawlId, pageId: second!.id, result: crawled(second!.url), links: [link], contacts });
  const { rows } = await db.query('SELECT source_domain, dead_domain FROM prospects WHERE crawl_id = $1 ORDER BY id', [crawlId]);
  t.same(rows, [{ source_domain: 'a.test', dead_domain: 'dead.test' }, { source_domain: 'a.test', dead_domain: 'dead.test' }]);
});

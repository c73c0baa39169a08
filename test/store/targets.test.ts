import t from 'tap';
import { startEnvironment } from '../support/environment.js';
import { createAccount } from '../../services/store/accounts.js';
import { insertCrawl, markRunning } from '../../services/store/crawls.js';
import { planPages } from '../../services/store/frontier.js';
import { registerTargets, settleFromCache } from '../../services/store/targets.js';
import { saveVerdicts } from '../../services/store/verdicts.js';
import type { SettledVerdict } from '../../services/crawl/verdict.js';

const env = await startEnvironment();
t.teardown(() => env.close());
const { db } = env.runtime;
const accountId = await createAccount(db, 'targets-test');
const DAY_MS = 24 * 3_600_000;
const newCrawl = async () => {
  const crawlId = await insertCrawl(db, accountId, {
    scope: 'outward', seeds: ['http://a.test/'], maxDepth: 2, maxPages: 100, respectRobots: true,
    maxPagesPerHost: null, include: [], exclude: [], hostConcurrency: null, hostIntervalMs: null, keywords: [], minRelevance: null,
  });
  await markRunning(db, crawlId);
  return crawlId;
};
const checkedAt = new Date(Date.now() - 60_000);
const verdict = (v: 'alive' | 'dead', reason: string | null, httpStatus: number | null): SettledVerdict => ({
  verdict: v, reason, httpStatus, finalUrl: null, checkedAt,
  attempts: [{ method: 'GET', at: checkedAt.toISOString(), status: httpStatus, error: null, message: null, redirects: [], finalUrl: null, elapsedMs: 12 }],
});
await saveVerdicts(db, [
  { url: 'http://gone.test/old', verdict: verdict('dead', 'not_found', 404) },
  { url: 'http://fine.test/', verdict: verdict('alive', null, 200) },
  { url: 'http://a.test/also-a-page', verdict: verdict('alive', null, 200) },
]);

t.test('new targets with a fresh cached verdict are settled with it, as their check would have', async (t) => {
  const crawlId = await newCrawl();
  await planPages(db, crawlId, [{ url: 'http://a.test/also-a-page', depth: 1 }]);
  const targets = await registerTargets(db, crawlId, ['http://gone.test/old', 'http://fine.test/', 'http://new.test/', 'http://a.test/also-a-page']);
  const settled = await settleFromCache(db, targets.map((target) => target.id), DAY_MS);
  t.same(settled.map((s) => [s.url, s.verdict.verdict, s.verdict.reason, s.verdict.httpStatus]).sort(), [
    ['http://fine.test/', 'alive', null, 200],
    ['http://gone.test/old', 'dead', 'not_found', 404],
  ], 'the two known URLs; not the unknown one, nor the one that is also a page of the crawl (it waits for its fetch)');
  const { rows } = await db.query<{ url: string; state: string; evidence: { checkedAt: string } | null }>(
    'SELECT url, state, evidence FROM crawl_targets WHERE crawl_id = $1 ORDER BY url', [crawlId],
  );
  t.same(rows.map((row) => [row.url, row.state]), [
    ['http://a.test/also-a-page', 'pending'], ['http://fine.test/', 'checked'], ['http://gone.test/old', 'checked'], ['http://new.test/', 'pending'],
  ]);
  t.equal(rows.find((row) => row.url === 'http://gone.test/old')!.evidence!.checkedAt, checkedAt.toISOString(), "the evidence says when the verdict was given, in a check's words");
  t.same(await settleFromCache(db, targets.map((target) => target.id), DAY_MS), [], 'a settled target is not settled again');
});

t.test('no cache, an old verdict or an ended crawl: nothing is settled', async (t) => {
  const crawlId = await newCrawl();
  const targets = await registerTargets(db, crawlId, ['http://gone.test/old', 'http://fine.test/']);
  const ids = targets.map((target) => target.id);
  t.same(await settleFromCache(db, ids, 0), [], 'VERDICT_MAX_AGE_HOURS=0');
  t.same(await settleFromCache(db, ids, 30_000), [], 'verdicts older than the age asked for');
  await db.query("UPDATE crawls SET status = 'cancelled' WHERE id = $1", [crawlId]);
  t.same(await settleFromCache(db, ids, DAY_MS), [], 'a cancelled crawl settles nothing more');
});

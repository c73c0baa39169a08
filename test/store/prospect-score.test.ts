import t from 'tap';
import { startEnvironment } from '../support/environment.js';
import { createAccount } from '../../services/store/accounts.js';
import { insertCrawl, markRunning } from '../../services/store/crawls.js';
import { planPages } from '../../services/store/frontier.js';
import { insertLinks, type StoredLink } from '../../services/store/pages.js';
import { recordTargetVerdicts, registerTargets } from '../../services/store/targets.js';
import { createProspects, refreshProspectScores } from '../../services/store/prospects.js';
import { opportunityScore } from '../../services/crawl/score.js';

const env = await startEnvironment();
t.teardown(() => env.close());
const { db } = env.runtime;

// A crawl's link graph with known counts: three pages on two sites link to the dead URL, and the two
// pages besides the scored one link to it (one under its URL, one under its final URL).
t.test("a prospect's score counts its crawl's links: referring sites and pages, and the source page's inlinks", async (t) => {
  const accountId = await createAccount(db, 'prospect-score-test');
  const crawlId = await insertCrawl(db, accountId, {
    scope: 'outward', seeds: ['http://blog.test/'], maxDepth: 2, maxPages: 100, respectRobots: true,
    maxPagesPerHost: null, include: [], exclude: [], hostConcurrency: null, hostIntervalMs: null, keywords: [], minRelevance: null,
  });
  await markRunning(db, crawlId);
  const [post, other, elsewhere] = await planPages(db, crawlId, [
    { url: 'http://blog.test/post', depth: 0 }, { url: 'http://blog.test/other', depth: 1 }, { url: 'http://friend.test/', depth: 1 },
  ]);
  await db.query(
    `UPDATE pages SET domain = split_part(url, '/', 3), final_url = CASE WHEN id = $1 THEN 'http://blog.test/post/' END WHERE crawl_id = $2`,
    [post!.id, crawlId],
  );
  const dead = 'http://shop.test/gone';
  const link = (url: string, position = 'content', followed = true): StoredLink => ({ url, anchorText: 'a', rel: '', outbound: true, followed, context: '', position });
  await insertLinks(db, crawlId, [
    { pageId: post!.id, links: [link(dead, 'sidebar', false), link('http://blog.test/post')] },
    { pageId: other!.id, links: [link(dead), link('http://blog.test/post')] },
    { pageId: elsewhere!.id, links: [link(dead), link('http://blog.test/post/')] },
  ]);
  const [target] = await registerTargets(db, crawlId, [dead]);
  await recordTargetVerdicts(db, [{
    id: target!.id, url: dead,
    verdict: { verdict: 'dead', reason: 'not_found', httpStatus: 404, finalUrl: null, checkedAt: new Date(), attempts: [] },
  }]);
  t.equal(await createProspects(db, crawlId, [{ url: dead, domain: 'shop.test' }]), 3, 'one per source page');

  const expected = opportunityScore({
    referringDomains: 2, referringPages: 3, followed: false, position: 'sidebar',
    sourceInlinks: 2, relevance: null,
  });
  const scoreOfPost = async () =>
    (await db.query<{ score: number }>('SELECT score FROM prospects WHERE crawl_id = $1 AND source_page_id = $2', [crawlId, post!.id])).rows[0]!.score;
  t.equal(await scoreOfPost(), expected, 'as found');
  await db.query('UPDATE prospects SET score = 0 WHERE crawl_id = $1', [crawlId]);
  await refreshProspectScores(db, crawlId);
  t.equal(await scoreOfPost(), expected, 'and scored again at the end of the crawl');
  t.not(expected, opportunityScore({ referringDomains: 2, referringPages: 3, followed: false, position: 'sidebar', sourceInlinks: 0, relevance: null }),
    'the inlinks weigh in this case');
});

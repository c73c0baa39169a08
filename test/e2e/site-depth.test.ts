import t from 'tap';
import { startEnvironment } from '../support/environment.js';
import { apiClient, triples } from '../support/api-client.js';
import { startGeneratedSite } from '../support/generated-site.js';

// A crawl's pages must not depend on timing: a throttled crawl runs its pages in another order than an
// unthrottled one, yet each page's depth is its shortest path from the seed, so both crawl the same
// pages and report the same dead links.
const MAX_DEPTH = 4;
const site = await startGeneratedSite(120);
const env = await startEnvironment({ resolver: site.web.resolver, workers: true });
t.teardown(async () => {
  await env.close();
  await site.web.close();
});
const api = apiClient(env.app, (await env.newApiKey()).key);

async function crawledPages(crawlId: string): Promise<string[]> {
  const { rows } = await env.runtime.db.query(`SELECT url FROM pages WHERE crawl_id = $1 AND state = 'crawled' ORDER BY url`, [crawlId]);
  return rows.map((row) => row.url).sort();
}

t.test('a throttled site crawl finds the same pages and prospects as an unthrottled one', async (t) => {
  const want = site.within(MAX_DEPTH);
  t.ok(want.pages.length < site.pages.length, `maxDepth ${MAX_DEPTH} leaves pages out (${want.pages.length} of ${site.pages.length})`);
  const fast = await api.crawlToEnd({ seeds: [site.seed], scope: 'site', maxDepth: MAX_DEPTH, hostConcurrency: 16, hostIntervalMs: 0 });
  const slow = await api.crawlToEnd({ seeds: [site.seed], scope: 'site', maxDepth: MAX_DEPTH, hostConcurrency: 1, hostIntervalMs: 15 });
  for (const crawl of [fast, slow]) {
    const name = crawl.id === fast.id ? 'unthrottled' : 'throttled';
    t.equal(crawl.status, 'completed', `${name}: completed`);
    t.same(await crawledPages(crawl.id), want.pages, `${name}: exactly the pages within ${MAX_DEPTH} hops`);
    t.same(triples(await api.allProspects(crawl.id)), want.expected, `${name}: exactly their dead links`);
  }
  const { rows } = await env.runtime.db.query(`SELECT url, depth FROM pages WHERE crawl_id = $1`, [slow.id]);
  const wrong = rows.filter((row) => row.depth !== site.depths[row.url]);
  t.same(wrong, [], 'throttled: every page\'s depth is its shortest path from the seed');
});

t.test('a site crawl has no depth cap unless the caller sets one', async (t) => {
  const crawl = await api.crawlToEnd({ seeds: [site.seed], scope: 'site', hostConcurrency: 2 });
  t.equal(crawl.maxDepth, null);
  t.same(await crawledPages(crawl.id), site.pages.slice().sort(), 'every page of the site');
  t.same(triples(await api.allProspects(crawl.id)), site.expected);
});

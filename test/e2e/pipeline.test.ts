import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment } from '../support/environment.js';
import { apiClient, triples } from '../support/api-client.js';
import { assertContract } from '../support/contract.js';
import { startNiche } from '../support/niche.js';

const niche = await startNiche();
const env = await startEnvironment({ resolver: niche.web.resolver, workers: true });
t.teardown(async () => {
  await env.close();
  await niche.web.close();
});
const { key } = await env.newApiKey('outreach-tool');
const api = apiClient(env.app, key);
const auth = api.headers;

t.test('scope site: the seed site is crawled and exactly its dead outbound links become prospects', async (t) => {
  const crawl = await api.crawlToEnd({ seeds: [niche.seed], scope: 'site' });
  t.equal(crawl.status, 'completed');
  t.ok(crawl.finishedAt);
  t.match(crawl.stats, { pagesCrawled: 3, pagesFailed: 1, deadLinks: 6, prospects: 7 });

  const prospects = await api.allProspects(crawl.id, 3);
  t.same(triples(prospects), niche.expected.site);

  const pruners = prospects.filter((p) => p.deadUrl.endsWith('/pruners'));
  t.same(pruners.map((p) => p.referringPages), [2, 2], 'both pages linking to the dead URL are counted');
  const fromPost1 = pruners.find((p) => p.sourceUrl.endsWith('/post-1'));
  t.match(fromPost1, {
    sourceTitle: `blog-a.test/post-1`, anchorText: 'these pruners', rel: 'nofollow', httpStatus: 404, status: 'new',
  });
  t.notOk(
    niche.web.requests.some((r) => r.host === 'blog-a.test' && r.path.startsWith('/private')),
    'robots.txt was obeyed: the draft was never fetched',
  );
  t.ok(niche.web.requests.some((r) => r.host === 'blog-b.test' && r.path === '/'), 'blog-b was checked');
  t.notOk(
    niche.web.requests.some((r) => r.host === 'dead-b.test' || (r.host === 'blog-b.test' && r.path !== '/')),
    'but not crawled: none of its links were followed',
  );
});

t.test('scope outward: breadth-first across hosts up to maxDepth', async (t) => {
  const removedChecks = () => niche.web.requests.filter((r) => r.host === 'resource.test' && r.path === '/removed').length;
  const checksBefore = removedChecks();
  const requestsBefore = niche.web.requests.length;
  const crawl = await api.crawlToEnd({ seeds: [niche.seed], maxDepth: 2 });
  t.equal(crawl.status, 'completed');
  const prospects = await api.allProspects(crawl.id, 50);
  t.same(triples(prospects), niche.expected.outward);
  t.equal(removedChecks(), checksBefore, "the site crawl's cached verdict was reused: neither checked nor crawled again");
  const fetched = niche.web.requests.slice(requestsBefore).map((r) => `${r.method} ${r.host}${r.path}`);
  const twice = fetched.filter((request, i) => fetched.indexOf(request) !== i);
  t.same(
    [...new Set(twice)], ['GET flaky.test/500'],
    'no URL was fetched twice, though many were both pages and links to check; only the 500 was retried',
  );
  t.ok(niche.web.requests.some((r) => r.host === 'blog-d.test'), 'blog-d, three hops away, was checked');
  t.notOk(niche.web.requests.some((r) => r.host === 'dead-d.test'), 'but never crawled: its dead link was never seen');
});

t.test('a job BullMQ runs again changes nothing', async (t) => {
  const crawl = await api.crawlToEnd({ seeds: [niche.seed], scope: 'site' });
  const { rows: pages } = await env.runtime.db.query('SELECT id FROM pages WHERE crawl_id = $1', [crawl.id]);
  const { rows: targets } = await env.runtime.db.query('SELECT id FROM crawl_targets WHERE crawl_id = $1', [crawl.id]);
  await env.runtime.queues.pages.addBulk(pages.map((p) => ({ name: 'page', data: { crawlId: crawl.id, pageId: p.id }, opts: { jobId: `again-${p.id}` } })));
  await env.runtime.queues.checks.addBulk(targets.map((c) => ({ name: 'check', data: { crawlId: crawl.id, targetId: c.id }, opts: { jobId: `again-${c.id}` } })));
  for (let i = 0; i < 100 && (await env.runtime.queues.pages.getWaitingCount()) + (await env.runtime.queues.checks.getWaitingCount()) > 0; i++) {
    await sleep(50);
  }
  await sleep(300);
  const after = (await env.app.inject({ method: 'GET', url: `/v1/crawls/${crawl.id}`, headers: auth })).json();
  t.same(after.stats, crawl.stats);
  t.same(after.finishedAt, crawl.finishedAt, 'the crawl finished once');
  t.same(triples(await api.allProspects(crawl.id, 100)), niche.expected.site);
});

t.test('a repeat crawl settles the links it knows from the verdict cache without a check job or a request', async (t) => {
  const { rows: cache } = await env.runtime.db.query<{ url: string }>('SELECT url FROM verdicts');
  const known = new Set(cache.map((row) => row.url));
  const requestsBefore = niche.web.requests.length;
  const crawl = await api.crawlToEnd({ seeds: [niche.seed], scope: 'site' });
  t.equal(crawl.status, 'completed');
  t.same(triples(await api.allProspects(crawl.id, 100)), niche.expected.site, 'the same prospects as a crawl that checked every link');

  const { rows: targets } = await env.runtime.db.query<{ id: number; url: string; state: string }>(
    'SELECT id, url, state FROM crawl_targets WHERE crawl_id = $1 ORDER BY url', [crawl.id],
  );
  t.ok(targets.length > 5 && targets.every((target) => target.state === 'checked'), 'every link was checked');
  const jobs = await env.runtime.queues.checks.getJobs(['completed', 'failed', 'delayed', 'waiting', 'prioritized', 'active']);
  const withJob = new Set(jobs.filter((job) => job.data.crawlId === crawl.id).map((job) => job.data.targetId));
  t.same(
    targets.filter((target) => withJob.has(target.id)).map((target) => target.url),
    targets.filter((target) => !known.has(target.url)).map((target) => target.url),
    'a check job ran exactly for the links without a cached verdict',
  );
  t.ok(targets.some((target) => known.has(target.url)), 'some links were known');
  const requested = new Set(niche.web.requests.slice(requestsBefore).map((r) => niche.web.url(r.host, r.path)));
  t.same(targets.filter((target) => known.has(target.url) && requested.has(target.url)).map((target) => target.url), [], 'no known link was requested');
});

t.test('a cancelled crawl stops', async (t) => {
  const created = (await env.app.inject({ method: 'POST', url: '/v1/crawls', headers: auth, payload: { seeds: [niche.seed], maxDepth: 3 } })).json();
  const cancelled = await env.app.inject({ method: 'POST', url: `/v1/crawls/${created.id}/cancel`, headers: auth });
  assertContract(t, 'cancelCrawl', cancelled, 200);
  await sleep(500);
  const crawl = (await env.app.inject({ method: 'GET', url: `/v1/crawls/${created.id}`, headers: auth })).json();
  t.equal(crawl.status, 'cancelled');
  t.ok(crawl.stats.pagesCrawled <= 1, 'at most the page in flight was crawled');
});

t.test('a crawl none of whose seeds can be fetched fails, and says why', async (t) => {
  const crawl = await api.crawlToEnd({ seeds: ['http://expired-domain.test/'], respectRobots: false });
  t.equal(crawl.status, 'failed');
  t.equal(crawl.error, 'no seed page could be crawled');
  t.equal(crawl.stats.pagesFailed, 1);
});

t.test('exclude patterns keep pages out of the crawl', async (t) => {
  const crawl = await api.crawlToEnd({ seeds: [niche.seed], scope: 'site', exclude: ['*/post-2'] });
  t.equal(crawl.status, 'completed');
  const expected = niche.expected.site.filter((line) => !line.startsWith(niche.web.url('blog-a.test', '/post-2')));
  t.same(triples(await api.allProspects(crawl.id)), expected);
  t.equal(crawl.stats.pagesCrawled, 2, 'the home page and post-1');
});

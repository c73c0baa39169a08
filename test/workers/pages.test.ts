import t from 'tap';
import { htmlPage, startFakeWeb } from '../support/fake-web.js';
import { processorSetting, newCrawl } from '../support/job-runner.js';
import { createAccount } from '../../services/store/accounts.js';
import { createPageProcessor } from '../../workers/pages.js';

// The page processor on its own: built from only what PageDeps names, it takes a real page job and
// leaves in PostgreSQL what a user of the crawl would look at.
const web = await startFakeWeb({
  'blog.test': { '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nDisallow: /private\n' } },
  'shop.test': {},
  'busy.test': { '/': { body: htmlPage('Busy') } },
});
const u = web.url;
web.setRoute('blog.test', '/', { body: htmlPage('Garden blog', [['/about', 'About us'], [u('shop.test', '/pruners'), 'these pruners']]) });
web.setRoute('blog.test', '/private/draft', { body: htmlPage('Draft', [[u('shop.test', '/secret'), 'secret']]) });

const { env, runner, parser } = await processorSetting(t, web, { parser: true });

const { db, queues, logger, limiter, metrics, hosts, http, robots, config } = env.runtime;
const { retry, politeness, webhooks, verdictMaxAgeMs } = config;
const processPage = createPageProcessor(
  { db, queues, logger, limiter, metrics, hosts, http, robots, config: { retry, politeness, webhooks, verdictMaxAgeMs, archive: config.archive } },
  parser,
);
const accountId = await createAccount(db, 'pages-test');

async function crawlOne(url: string, settings = {}) {
  const { crawlId, pages } = await newCrawl(db, accountId, [url], settings);
  await queues.enqueuePages(pages);
  const ran = await runner.run('pages', `page-${pages[0]!.id}`, processPage);
  const page = (await db.query('SELECT state, outcome, http_status AS "httpStatus", title FROM pages WHERE id = $1', [pages[0]!.id])).rows[0];
  return { crawlId, pageId: pages[0]!.id, ran, page };
}

t.test('a crawled page stores its links, plans its children and registers its outbound targets', async (t) => {
  const { crawlId, pageId, ran, page } = await crawlOne(u('blog.test', '/'));
  t.equal(ran.state, 'completed');
  t.match(page, { state: 'crawled', httpStatus: 200, title: 'Garden blog' });
  const links = await db.query('SELECT target_url AS url, anchor_text AS text, outbound FROM links WHERE source_page_id = $1 ORDER BY target_url', [pageId]);
  t.same(links.rows, [
    { url: u('blog.test', '/about'), text: 'About us', outbound: false },
    { url: u('shop.test', '/pruners'), text: 'these pruners', outbound: true },
  ]);

  const children = (await db.query('SELECT id, url, depth, state FROM pages WHERE crawl_id = $1 AND id <> $2', [crawlId, pageId])).rows;
  t.match(children, [{ url: u('blog.test', '/about'), depth: 1, state: 'queued' }], 'the internal link is planned one level down');
  const child = await queues.pages.getJob(`page-${children[0].id}`);
  t.equal(await child?.getState(), 'prioritized', 'and its job enqueued');
  t.equal(child?.opts.priority, 2, 'in line as its crawl\'s second page (see fairPriority)');

  const targets = (await db.query('SELECT id, url, state FROM crawl_targets WHERE crawl_id = $1', [crawlId])).rows;
  t.match(targets, [{ url: u('shop.test', '/pruners'), state: 'pending' }], 'the outbound link waits for its check');
  const check = await queues.checks.getJob(`check-${targets[0].id}`);
  t.equal(await check?.getState(), 'prioritized', 'whose job is enqueued');
  t.equal(check?.opts.priority, 1, 'in line with the page that found it');
  t.match((await db.query('SELECT status FROM crawls WHERE id = $1', [crawlId])).rows[0], { status: 'running' });
});

t.test('a page answering 404 is failed as not_found', async (t) => {
  const { crawlId, ran, page } = await crawlOne(u('blog.test', '/no-such-post'));
  t.equal(ran.state, 'completed', 'a dead page is a result, not a failed job');
  t.match(page, { state: 'failed', outcome: 'not_found', httpStatus: 404 });
  t.match((await db.query('SELECT status, error FROM crawls WHERE id = $1', [crawlId])).rows[0], {
    status: 'failed', error: 'no seed page could be crawled',
  });
});

t.test('a page robots.txt disallows is skipped without being fetched', async (t) => {
  const { ran, page } = await crawlOne(u('blog.test', '/private/draft'));
  t.equal(ran.state, 'completed');
  t.match(page, { state: 'skipped', outcome: 'robots_disallowed', httpStatus: null });
  t.notOk(web.requests.some((r) => r.host === 'blog.test' && r.path === '/private/draft'), 'never requested');
});

t.test('a page whose host is busy is postponed: its job is delayed, nothing is recorded', async (t) => {
  // Other jobs hold every slot the service allows on the host.
  for (let i = 0; i < politeness.hostConcurrency; i++) {
    const held = await limiter.acquire('busy.test', { concurrency: politeness.hostConcurrency, intervalMs: 0 });
    if (!('lease' in held)) throw new Error('the host should be free');
    t.teardown(() => held.lease.release());
  }
  const { crawlId, pageId, ran, page } = await crawlOne(u('busy.test', '/'));
  t.equal(ran.error, null, 'not failed');
  t.equal(ran.state, 'delayed', 'the job waits in BullMQ for the host');
  t.match(page, { state: 'queued', outcome: null, httpStatus: null });
  t.equal((await db.query('SELECT count(*)::int AS n FROM links WHERE source_page_id = $1', [pageId])).rows[0].n, 0);
  t.notOk(web.requests.some((r) => r.host === 'busy.test'), 'the host was not asked anything, robots.txt included');
  t.match((await db.query('SELECT status FROM crawls WHERE id = $1', [crawlId])).rows[0], { status: 'running' });
});

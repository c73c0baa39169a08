import t from 'tap';
import { loadOpenApi } from '../../services/web/openapi.js';
import { startEnvironment } from '../support/environment.js';

// Two accounts. Every operation of openapi.yaml under /v1 that names a resource (in its path or a
// crawlId query) is called by one account with the other's id: each must answer 404 and show nothing.
const env = await startEnvironment();
t.teardown(() => env.close());
const { db } = env.runtime;
const mine = await env.newApiKey('mine');
const theirs = await env.newApiKey('theirs');

// Their data, written as a crawl would have: a crawl, a page, a dead link, a prospect.
const { rows: [crawl] } = await db.query(
  `INSERT INTO crawls (account_id, scope, seeds, max_depth, max_pages, respect_robots, status)
   VALUES ($1, 'site', '{http://their-site.test/}', 2, 10, true, 'completed') RETURNING id`,
  [theirs.accountId],
);
const { rows: [page] } = await db.query(
  `INSERT INTO pages (crawl_id, url, depth, state, title) VALUES ($1, 'http://their-site.test/', 0, 'crawled', 'Their secret page') RETURNING id`,
  [crawl.id],
);
const { rows: [prospect] } = await db.query(
  `INSERT INTO prospects (account_id, crawl_id, source_page_id, source_url, dead_url, reason, anchor_text, rel)
   VALUES ($1, $2, $3, 'http://their-site.test/', 'http://their-dead.test/x', 'not_found', 'their anchor', '') RETURNING id::text`,
  [theirs.accountId, crawl.id, page.id],
);
await db.query('INSERT INTO prospect_sightings (crawl_id, prospect_id, source_page_id) VALUES ($1, $2, $3)', [crawl.id, prospect.id, page.id]);
// Their watch, whose run is that crawl.
const { rows: [watch] } = await db.query(
  `INSERT INTO watches (account_id, name, settings, every_ms) VALUES ($1, 'their watch', '{"seeds": ["http://their-site.test/"]}', 86400000) RETURNING id`,
  [theirs.accountId],
);
await db.query('UPDATE crawls SET watch_id = $1 WHERE id = $2', [watch.id, crawl.id]);
const { rows: [run] } = await db.query(`INSERT INTO watch_runs (watch_id, slot_at, crawl_id) VALUES ($1, now(), $2) RETURNING id`, [watch.id, crawl.id]);
const { rows: [webhook] } = await db.query(
  `INSERT INTO webhook_endpoints (account_id, url, events, secret, description)
   VALUES ($1, 'https://their-hooks.test/in', '{crawl.completed}', 'whsec_dGhlaXJz', 'their hook') RETURNING id`,
  [theirs.accountId],
);
const foreign: Record<string, string> = { crawls: crawl.id, prospects: prospect.id, webhooks: webhook.id, watches: watch.id };

const openapi = loadOpenApi();
const operations = Object.entries(openapi.document.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ path, method: method.toUpperCase() as 'GET' | 'POST' | 'PATCH' | 'DELETE', operation })),
);

t.test('every /v1 route answers 404 to another account\'s ids', async (t) => {
  let walked = 0;
  for (const { path, method, operation } of operations) {
    if (!path.startsWith('/v1/')) continue;
    const resource = path.split('/')[2]!;
    const names: string[] = (operation.parameters ?? []).map((p: { name: string }) => p.name);
    // A path naming a resource, else each filter naming one (crawlId, watchId).
    const filters = [`crawlId=${crawl.id}`, `watchId=${watch.id}`].filter((filter) => names.includes(filter.split('=')[0]!));
    const urls = path.includes('{id}')
      ? [path.replace('{id}', foreign[resource]!).replace('{eventId}', 'msg_theirs').replace('{runId}', run.id)]
      : filters.map((filter) => `${path}?${filter}`);
    if (urls.length === 0) continue;
    const payload = operation.requestBody?.content?.['application/json']?.example;
    for (const url of urls) {
      const response = await env.app.inject({ method, url, payload, headers: { authorization: `Bearer ${mine.key}` } });
      t.equal(response.statusCode, 404, `${method} ${url}`);
      t.notMatch(response.body, /their|Their/, `${method} ${path} shows nothing of theirs`);
    }
    walked++;
  }
  t.ok(walked >= 15, `walked ${walked} routes`);
});

t.test('lists never include another account\'s rows', async (t) => {
  const headers = { authorization: `Bearer ${mine.key}` };
  for (const url of ['/v1/crawls', '/v1/prospects', '/v1/dead-links', '/v1/prospects/export?format=ndjson', '/v1/webhooks', '/v1/watches']) {
    const response = await env.app.inject({ method: 'GET', url, headers });
    t.equal(response.statusCode, 200, url);
    t.notMatch(response.body, /their/, `${url} shows nothing of theirs`);
  }
  const bulk = await env.app.inject({ method: 'PATCH', url: '/v1/prospects', headers, payload: { ids: [prospect.id], status: 'won' } });
  t.same(bulk.json(), { updated: [], notFound: [prospect.id] });
  const { rows } = await db.query('SELECT status FROM prospects WHERE id = $1', [prospect.id]);
  t.equal(rows[0].status, 'new', 'their prospect is untouched');
  const own = await env.app.inject({ method: 'GET', url: '/v1/prospects', headers: { authorization: `Bearer ${theirs.key}` } });
  t.equal(own.json().items.length, 1, 'while its owner sees it');
});

import t from 'tap';
import { ADMIN_TOKEN, startEnvironment } from '../support/environment.js';
import { assertContract } from '../support/contract.js';
import { startFakeWeb } from '../support/fake-web.js';

const web = await startFakeWeb({ 'niche.test': {} }, { 'intranet.test': '10.1.2.3', 'metadata.test': '169.254.169.254' });
const env = await startEnvironment({ resolver: web.resolver });
t.teardown(async () => {
  await env.close();
  await web.close();
});
const acme = await env.newApiKey('acme');
const globex = await env.newApiKey('globex');
const as = (key: string) => ({ authorization: `Bearer ${key}` });
const seed = web.url('niche.test', '/');

const post = (payload: unknown, key = acme.key) =>
  env.app.inject({ method: 'POST', url: '/v1/crawls', headers: as(key), payload: payload as object });

t.test('a crawl is created with defaults and shown with its settings and stats', async (t) => {
  const crawl = assertContract(t, 'createCrawl', await post({ seeds: [seed, seed.toUpperCase().replace('HTTP', 'http')] }), 201);
  t.match(crawl, {
    status: 'queued', scope: 'outward', maxDepth: 2, maxPages: 1000, respectRobots: true, seeds: [seed],
    maxPagesPerHost: null, include: [], exclude: [], hostConcurrency: null, hostIntervalMs: null,
    stats: { pagesCrawled: 0, pagesFailed: 0, linksFound: 0, linksChecked: 0, deadLinks: 0, prospects: 0 },
  });
  const site = assertContract(t, 'createCrawl', await post({
    seeds: [seed], scope: 'site', maxPages: 100000, respectRobots: false, maxPagesPerHost: 50,
    include: ['*/blog/*'], exclude: ['*/tag/*'], hostConcurrency: 2, hostIntervalMs: 1000,
  }), 201);
  t.match(site, {
    scope: 'site', maxDepth: null, maxPages: 100000, respectRobots: false, maxPagesPerHost: 50,
    include: ['*/blog/*'], exclude: ['*/tag/*'], hostConcurrency: 2, hostIntervalMs: 1000,
  });
  const shown = assertContract(t, 'getCrawl', await env.app.inject({ method: 'GET', url: `/v1/crawls/${crawl.id}`, headers: as(acme.key) }), 200);
  t.equal(shown.id, crawl.id);
});

t.test('bad input is a 400 that says what to fix, and creates nothing', async (t) => {
  const before = (await env.runtime.db.query('SELECT count(*)::int AS n FROM crawls')).rows[0].n;
  const cases: [unknown, string, RegExp][] = [
    [{}, 'invalid_request', /missing the required field 'seeds'/],
    [{ seeds: [] }, 'invalid_request', /body\.seeds must NOT have fewer than 1 items/],
    [{ seeds: Array.from({ length: 101 }, (_, i) => `${seed}p${i}`) }, 'invalid_request', /more than 100 items/],
    [{ seeds: [seed], depth: 3 }, 'invalid_request', /unknown field 'depth'/],
    [{ seeds: [seed], maxDepth: '2' }, 'invalid_request', /body\.maxDepth must be integer/],
    [{ seeds: [seed], maxDepth: 1001 }, 'invalid_request', /body\.maxDepth must be <= 1000/],
    [{ seeds: [seed], maxPages: 0 }, 'invalid_request', /body\.maxPages must be >= 1/],
    [{ seeds: [seed], scope: 'web' }, 'invalid_request', /body\.scope must be one of: outward, site/],
    [{ seeds: [seed], respectRobots: 'yes' }, 'invalid_request', /respectRobots must be boolean/],
    [{ seeds: 'http://a.test/' }, 'invalid_request', /body\.seeds must be array/],
    [{ seeds: [seed], hostConcurrency: 0 }, 'invalid_request', /body\.hostConcurrency must be >= 1/],
    [{ seeds: [seed], hostIntervalMs: 600000 }, 'invalid_request', /body\.hostIntervalMs must be <= 60000/],
    [{ seeds: [seed], maxPagesPerHost: 0 }, 'invalid_request', /body\.maxPagesPerHost must be >= 1/],
    [{ seeds: [seed], include: '*/blog/*' }, 'invalid_request', /body\.include must be array/],
    [{ seeds: [seed], exclude: [''] }, 'invalid_request', /body\.exclude\.0 must NOT have fewer than 1 characters/],
    [{ seeds: ['niche.test/page'] }, 'invalid_seed', /seeds\[0\] 'niche\.test\/page' is not an absolute URL/],
    [{ seeds: [seed, 'ftp://niche.test/'] }, 'invalid_seed', /seeds\[1\] .* must use http or https/],
    [{ seeds: ['https://bob:hunter2@niche.test/'] }, 'invalid_seed', /must not carry credentials/],
    [{ seeds: ['http://10.0.0.8/'] }, 'seed_blocked_address', /seed 10\.0\.0\.8 is a non-public address/],
    [{ seeds: ['http://169.254.169.254/latest/'] }, 'seed_blocked_address', /169\.254\.169\.254/],
    [{ seeds: [seed, 'http://intranet.test/wiki'] }, 'seed_blocked_address', /intranet\.test resolves to 10\.1\.2\.3/],
    [{ seeds: ['http://metadata.test/'] }, 'seed_blocked_address', /169\.254\.169\.254/],
  ];
  for (const [payload, code, message] of cases) {
    const response = await post(payload);
    assertContract(t, 'createCrawl', response, 400);
    t.match(response.json(), { code, message }, JSON.stringify(payload).slice(0, 80));
  }
  const notJson = await env.app.inject({
    method: 'POST', url: '/v1/crawls', headers: { ...as(acme.key), 'content-type': 'application/json' }, payload: '{"seeds": [',
  });
  t.equal(notJson.statusCode, 400);
  t.equal(notJson.json().code, 'invalid_json');
  const after = (await env.runtime.db.query('SELECT count(*)::int AS n FROM crawls')).rows[0].n;
  t.equal(after, before, 'no crawl was created by a bad request');
});

t.test('a missing or wrong key is a 401 before anything else', async (t) => {
  for (const headers of [{}, { authorization: 'Bearer blb_live_nope' }, { authorization: 'Basic abc' }]) {
    const response = await env.app.inject({ method: 'POST', url: '/v1/crawls', headers, payload: { wrong: true } });
    assertContract(t, 'createCrawl', response, 401);
  }
  const list = await env.app.inject({ method: 'GET', url: '/v1/prospects' });
  assertContract(t, 'listProspects', list, 401);
});

t.test("another account's crawl is a 404 everywhere, never its data", async (t) => {
  const theirs = (await post({ seeds: [seed] }, globex.key)).json();
  const mine = as(acme.key);
  const requests = [
    { operation: 'getCrawl', method: 'GET' as const, url: `/v1/crawls/${theirs.id}` },
    { operation: 'cancelCrawl', method: 'POST' as const, url: `/v1/crawls/${theirs.id}/cancel` },
    { operation: 'listProspects', method: 'GET' as const, url: `/v1/prospects?crawlId=${theirs.id}` },
    { operation: 'getCrawl', method: 'GET' as const, url: '/v1/crawls/not-a-uuid' },
  ];
  for (const { operation, method, url } of requests) {
    const response = await env.app.inject({ method, url, headers: mine });
    assertContract(t, operation, response, 404);
    t.notOk(response.body.includes(seed), 'no data of the other account');
  }
  const list = (await env.app.inject({ method: 'GET', url: '/v1/crawls?limit=500', headers: mine })).json();
  t.notOk(list.items.some((crawl: { id: string }) => crawl.id === theirs.id), 'not in my list');
  const still = (await env.app.inject({ method: 'GET', url: `/v1/crawls/${theirs.id}`, headers: as(globex.key) })).json();
  t.equal(still.status, 'queued', 'my cancel did not touch it');
});

t.test('crawls are listed newest first with a cursor; cancel stops one', async (t) => {
  const own = await env.newApiKey('lister');
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await post({ seeds: [`${seed}p${i}`] }, own.key)).json().id);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/v1/crawls?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
    const page = assertContract(t, 'listCrawls', await env.app.inject({ method: 'GET', url, headers: as(own.key) }), 200);
    seen.push(...page.items.map((crawl: { id: string }) => crawl.id));
    cursor = page.nextCursor;
  } while (cursor);
  t.same(seen, [...ids].reverse());

  const bad = await env.app.inject({ method: 'GET', url: '/v1/crawls?cursor=garbage', headers: as(own.key) });
  t.match(bad.json(), { code: 'invalid_cursor' });
  const badLimit = await env.app.inject({ method: 'GET', url: '/v1/crawls?limit=0', headers: as(own.key) });
  t.match(badLimit.json(), { code: 'invalid_request', message: /querystring\.limit must be >= 1/ });

  const cancelled = assertContract(t, 'cancelCrawl',
    await env.app.inject({ method: 'POST', url: `/v1/crawls/${ids[0]}/cancel`, headers: as(own.key) }), 200);
  t.equal(cancelled.status, 'cancelled');
  t.ok(cancelled.finishedAt);
  const again = assertContract(t, 'cancelCrawl',
    await env.app.inject({ method: 'POST', url: `/v1/crawls/${ids[0]}/cancel`, headers: as(own.key) }), 409);
  t.same(again, { code: 'crawl_finished', message: `crawl ${ids[0]} already ended (cancelled): there is nothing to cancel` }, 'an ended crawl says so');
  const adminAgain = assertContract(t, 'adminCancelCrawl',
    await env.app.inject({ method: 'POST', url: `/admin/api/crawls/${ids[0]}/cancel`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }), 409);
  t.equal(adminAgain.code, 'crawl_finished');
  const audited = await env.runtime.db.query(`SELECT 1 FROM admin_audit WHERE action = 'crawl.cancel'`);
  t.equal(audited.rowCount, 0, 'nothing was done, nothing audited');
});

import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment, ADMIN_TOKEN } from '../support/environment.js';
import { startFakeWeb, htmlPage } from '../support/fake-web.js';
import { apiClient } from '../support/api-client.js';
import { assertContract } from '../support/contract.js';

// One site crawled slowly (robots.txt asks for a 20 s Crawl-delay) whose links meet a dead page, a
// wall that answers 403 and a host that says 429 Retry-After; a second account's small crawl that
// completes; webhook endpoints that answer 410 and 500.
const web = await startFakeWeb({}, {});
const link = (host: string, path: string) => web.url(host, path);
const sites: Parameters<typeof startFakeWeb>[0] = {
  'slow.test': {
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nCrawl-delay: 20\n' },
    '/': { body: htmlPage('Slow garden', [['/a', 'a'], ['/b', 'b'], [link('gone.test', '/x'), 'gone'], [link('wall.test', '/p'), 'wall'], [link('busy.test', '/p'), 'busy']]) },
    '/a': { body: htmlPage('A') },
    '/b': { body: htmlPage('B') },
  },
  'gone.test': { '/': { body: htmlPage('Gone, but the host lives') } },
  'wall.test': { '/p': { status: 403, body: 'Forbidden' } },
  'busy.test': { '/p': { status: 429, headers: { 'retry-after': '60' }, body: 'Slow down' } },
  'quick.test': { '/': { body: htmlPage('Quick', [[link('gone.test', '/y'), 'gone']]) } },
  'archive.test': { '/cdx/search/cdx': { status: 503, body: 'down for maintenance' } },
  'hooks.test': {
    '/gone': { status: 410, body: 'gone' },
    '/down': { status: 500, body: 'down' },
  },
};
for (const [host, routes] of Object.entries(sites)) for (const [path, route] of Object.entries(routes)) web.setRoute(host, path, route);
const env = await startEnvironment({ resolver: web.resolver, workers: true, env: {
  WEBHOOK_BATCH_INTERVAL_MS: '100',
  // The archive is down: lookups of dead links fail for good after their quick retries.
  ARCHIVE_URL: link('archive.test', ''),
  ARCHIVE_RETRY_DELAY_MS: '10',
} });
t.teardown(async () => {
  await env.close();
  await web.close();
});
const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-admin-actor': 'ops-bot' };
const get = async (operationId: string, url: string) =>
  assertContract(t, operationId, await env.app.inject({ method: 'GET', url, headers: admin }), 200);

/** Polls until `probe` returns something; on timeout the error shows what was last seen. */
async function until<T>(what: string, probe: () => Promise<{ seen: unknown; done: T | false }>, timeoutMs = 30_000): Promise<T> {
  let seen: unknown;
  for (const started = Date.now(); Date.now() - started < timeoutMs; await sleep(100)) {
    const result = await probe();
    if (result.done) return result.done;
    seen = result.seen;
  }
  throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(seen)}`);
}

const slowOwner = await env.newApiKey('Slow Co');
const quickOwner = await env.newApiKey('Quick Co');
const slow = apiClient(env.app, slowOwner.key);
const quick = apiClient(env.app, quickOwner.key);
for (const path of ['/gone', '/down']) {
  const created = await env.app.inject({
    method: 'POST', url: '/v1/webhooks', headers: quick.headers, payload: { url: web.url('hooks.test', path), events: ['prospects.found'] },
  });
  if (created.statusCode !== 201) throw new Error(created.body);
}
const quickCrawl = await quick.crawlToEnd({ seeds: [web.url('quick.test')], scope: 'site' });
const started = await env.app.inject({ method: 'POST', url: '/v1/crawls', headers: slow.headers, payload: { seeds: [web.url('slow.test')], scope: 'site' } });
const slowCrawlId: string = started.json().id;

t.test('hosts: the busiest, the ones backing off (Retry-After, Crawl-delay), the ones blocking us', async (t) => {
  const report = await until('busy.test and slow.test to hold us back', async () => {
    const hosts = await get('listHosts', '/admin/api/hosts');
    const held = new Set(hosts.backingOff.map((entry: { host: string }) => entry.host));
    return { seen: hosts, done: held.has('busy.test') && held.has('slow.test') && hosts.blocking.length > 0 && hosts };
  });
  t.match(report.backingOff.find((entry: { host: string }) => entry.host === 'busy.test'), { why: 'retry_after', detail: /Retry-After \(http_429\): held back 60 s/ });
  t.match(report.backingOff.find((entry: { host: string }) => entry.host === 'slow.test'), { why: 'crawl_delay', detail: 'robots.txt Crawl-delay 20 s' });
  t.match(report.blocking, [{ host: 'wall.test', verdicts: 1, lastReason: 'http_403' }]);
  const busiest = new Map(report.busiest.map((entry: { host: string; jobs: number }) => [entry.host, entry.jobs]));
  t.ok((busiest.get('slow.test') as number) >= 1 && busiest.has('quick.test') && busiest.has('gone.test'), 'hosts fetched from are counted');
  t.equal(report.busiestWindowMinutes, 5);
});

t.test('crawls of every account, with rates, verdicts by reason and errors; cancel one', async (t) => {
  // The host report above can see a verdict a moment before its check commits it: wait for both.
  const all = await until('the slow crawl\'s two verdicts', async () => {
    const crawls = await get('adminListCrawls', '/admin/api/crawls');
    return { seen: crawls, done: crawls.items[0]?.verdicts.length >= 2 && crawls };
  });
  t.same(all.items.map((crawl: { accountName: string }) => crawl.accountName), ['Slow Co', 'Quick Co'], 'both accounts, newest first');
  const [slowRow, quickRow] = all.items;
  t.match(slowRow, { id: slowCrawlId, status: 'running', accountId: slowOwner.accountId, rate: { over: 'last_minute' } });
  t.ok(slowRow.rate.pagesPerSecond > 0, 'the slow crawl fetched its first page within the last minute');
  t.same(
    slowRow.verdicts.map((v: { verdict: string; reason: string }) => `${v.verdict}/${v.reason}`).sort(),
    ['blocked/http_403', 'dead/not_found'],
    'the wall is blocked, the missing page dead; the 429 host is still being retried',
  );
  t.match(quickRow, { id: quickCrawl.id, status: 'completed', rate: { over: 'whole_run' }, stats: { pagesCrawled: 1, deadLinks: 1 } });
  t.same(quickRow.verdicts, [{ verdict: 'dead', reason: 'not_found', count: 1 }]);

  const completed = await get('adminListCrawls', '/admin/api/crawls?status=completed');
  t.same(completed.items.map((crawl: { id: string }) => crawl.id), [quickCrawl.id], 'filtered by status');
  const ofSlow = await get('adminListCrawls', `/admin/api/crawls?accountId=${slowOwner.accountId}`);
  t.same(ofSlow.items.map((crawl: { id: string }) => crawl.id), [slowCrawlId], 'filtered by account');
  const paged = await get('adminListCrawls', '/admin/api/crawls?limit=1');
  const rest = await get('adminListCrawls', `/admin/api/crawls?limit=1&cursor=${paged.nextCursor}`);
  t.same([paged.items[0].id, rest.items[0].id, rest.nextCursor], [slowCrawlId, quickCrawl.id, null], 'paged by cursor');

  const cancelled = assertContract(t, 'adminCancelCrawl',
    await env.app.inject({ method: 'POST', url: `/admin/api/crawls/${slowCrawlId}/cancel`, headers: admin }), 200);
  t.match(cancelled, { status: 'cancelled', rate: { over: 'whole_run' } });
  t.equal((await slow.getCrawl(slowCrawlId)).status, 'cancelled', 'the owner sees it cancelled');
  const missing = await env.app.inject({ method: 'POST', url: '/admin/api/crawls/00000000-0000-4000-8000-000000000000/cancel', headers: admin });
  assertContract(t, 'adminCancelCrawl', missing, 404);
});

t.test('webhook endpoints that are disabled or failing, across accounts', async (t) => {
  const listed = await until('both endpoints to be in trouble', async () => {
    const page = await get('listTroubledEndpoints', '/admin/api/webhook-endpoints');
    return { seen: page, done: page.items.length === 2 && page.items.every((e: { lastAttempt: unknown }) => e.lastAttempt) && page };
  });
  t.match(listed.items, [
    { url: web.url('hooks.test', '/gone'), accountName: 'Quick Co', state: 'disabled', disabledReason: /410/, lastAttempt: { statusCode: 410 } },
    { url: web.url('hooks.test', '/down'), accountName: 'Quick Co', state: 'failing', retryingDeliveries: 1, lastAttempt: { statusCode: 500 } },
  ]);
  const disabled = await get('listTroubledEndpoints', '/admin/api/webhook-endpoints?state=disabled');
  t.same(disabled.items.map((e: { url: string }) => e.url), [web.url('hooks.test', '/gone')]);
});

t.test('accounts with their usage', async (t) => {
  // "This minute" is the rate limiter's window, a calendar minute: the key's requests and the read that
  // counts them must fall in one (a run that crosses into the next minute asks again).
  const minute = () => Math.floor(Date.now() / 60_000);
  let items: { id: string; requestsThisMinute: number; lastUsedAt: string }[];
  for (;;) {
    const started = minute();
    for (let i = 0; i < 3; i++) await quick.getCrawl(quickCrawl.id);
    ({ items } = await get('listAccounts', '/admin/api/accounts'));
    if (minute() === started) break;
  }
  const quickAccount = items.find((account) => account.id === quickOwner.accountId)!;
  t.match(quickAccount, { name: 'Quick Co', activeKeys: 1, crawls: 1, runningCrawls: 0, pagesCrawled: 1, linksChecked: 1, prospects: 1 });
  t.ok(quickAccount.requestsThisMinute >= 3, 'requests made with its key this minute');
  t.ok(Date.now() - Date.parse(quickAccount.lastUsedAt) < 120_000, 'its key was used just now');
  t.same(await get('getAccount', `/admin/api/accounts/${quickOwner.accountId}`), quickAccount);
});

t.test('queues: counts, pause, resume, retry failed, clean; each audited', async (t) => {
  const post = (url: string, payload?: object) => env.app.inject({ method: 'POST', url, headers: admin, ...(payload ? { payload } : {}) });
  const { items } = await get('listQueues', '/admin/api/queues');
  t.same(items.map((queue: { name: string }) => queue.name), ['pages', 'checks', 'rechecks', 'archive', 'domains', 'webhooks', 'watches', 'links']);
  t.ok(items.find((queue: { name: string }) => queue.name === 'checks').counts.completed >= 1, 'the checks done are counted');

  t.match(assertContract(t, 'pauseQueue', await post('/admin/api/queues/checks/pause'), 200), { name: 'checks', paused: true });
  t.ok(await env.runtime.queues.checks.isPaused(), 'the queue itself is paused');
  t.match(assertContract(t, 'resumeQueue', await post('/admin/api/queues/checks/resume'), 200), { paused: false });

  const failed = await until('archive lookups to fail', async () => {
    const count = await env.runtime.queues.archive.getFailedCount();
    return { seen: count, done: count >= 2 && count };
  });
  const listedFailed = (await get('listQueues', '/admin/api/queues')).items.find((queue: { name: string }) => queue.name === 'archive');
  t.equal(listedFailed.counts.failed, failed, 'failed jobs are counted');
  await env.runtime.queues.archive.pause();
  const retried = assertContract(t, 'retryFailedJobs', await post('/admin/api/queues/archive/retry-failed'), 200);
  t.equal(retried.retried, failed, 'every failed lookup retried');
  t.match(retried.queue.counts, { failed: 0, paused: failed }, 'back to waiting (the queue is paused, so they wait)');
  const cleaned = assertContract(t, 'cleanQueue', await post('/admin/api/queues/checks/clean', { state: 'completed' }), 200);
  t.ok(cleaned.removed >= 1, 'completed checks removed');
  t.equal(cleaned.queue.counts.completed, 0);
  await env.runtime.queues.archive.resume();

  const refused = assertContract(t, 'cleanQueue', await post('/admin/api/queues/checks/clean', { state: 'waiting' }), 400);
  t.equal(refused.message, 'body.state must be one of: completed, failed', 'waiting jobs are work not yet done');
  const unknown = assertContract(t, 'pauseQueue', await post('/admin/api/queues/nope/pause'), 400);
  t.match(unknown.message, /params\.name must be one of: pages, checks/);
});

t.test('the audit log says who did what, when, newest first', async (t) => {
  const log = await get('listAudit', '/admin/api/audit?limit=100');
  const actions = log.items.map((entry: { actor: string; action: string; target: string | null }) => `${entry.actor} ${entry.action} ${entry.target ?? ''}`.trim());
  t.same(actions.slice(0, 5), [
    'ops-bot queue.clean checks',
    'ops-bot queue.retry_failed archive',
    'ops-bot queue.resume checks',
    'ops-bot queue.pause checks',
    `ops-bot crawl.cancel ${slowCrawlId}`,
  ]);
  t.ok(actions.includes(`admin-token api_key.issue ${(await env.runtime.db.query('SELECT id FROM api_keys WHERE account_id = $1', [slowOwner.accountId])).rows[0].id}`),
    'the key issued without X-Admin-Actor names the token');
  t.match(log.items[0], { detail: { state: 'completed' }, ip: '127.0.0.1' });
  t.ok(Date.now() - Date.parse(log.items[0].at) < 60_000);
  const cancels = await get('listAudit', '/admin/api/audit?action=crawl');
  t.same(cancels.items.map((entry: { action: string }) => entry.action), ['crawl.cancel'], 'filtered by family');
  t.match(cancels.items[0].detail, { account: 'Slow Co', from: 'running', to: 'cancelled' });
});

t.test('the pages show the same data', async (t) => {
  const page = async (url: string) => {
    const response = await env.app.inject({ method: 'GET', url, headers: admin });
    t.equal(response.statusCode, 200, url);
    return response.body;
  };
  const crawls = await page('/admin/crawls');
  t.match(crawls, new RegExp(`<tr data-crawl="${slowCrawlId}">[\\s\\S]*?Slow Co[\\s\\S]*?cancelled`));
  t.match(crawls, /dead <span class="muted">not_found<\/span>: 1/, 'verdicts by reason');
  t.match(await page(`/admin/crawls?account=${quickOwner.accountId}`), /Quick Co/);
  t.notMatch(await page(`/admin/crawls?account=${quickOwner.accountId}`), /Slow Co/);
  const hosts = await page('/admin/hosts');
  t.match(hosts, /<table id="backing-off">[\s\S]*busy\.test<\/td><td>Retry-After \(http_429\): held back 60 s/);
  t.match(hosts, /<table id="blocking">[\s\S]*wall\.test<\/td><td class="num">1<\/td><td>http_403/);
  const webhooks = await page('/admin/webhooks');
  t.match(webhooks, /hooks\.test:\d+\/gone[\s\S]*tag disabled/);
  t.match(webhooks, /hooks\.test:\d+\/down[\s\S]*tag failing/);
  t.match(await page('/admin/accounts'), /Quick Co[\s\S]*Slow Co|Slow Co[\s\S]*Quick Co/);
  t.match(await page('/admin/audit'), /<td>ops-bot<\/td><td><code>queue\.clean<\/code><\/td>/);
});

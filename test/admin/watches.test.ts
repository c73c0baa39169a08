import t from 'tap';
import { startEnvironment, ADMIN_TOKEN } from '../support/environment.js';
import { assertContract } from '../support/contract.js';
import { recordRun } from '../../services/store/watches.js';

const env = await startEnvironment();
t.teardown(() => env.close());
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const host = 'admin.example:3000';

async function session(): Promise<Record<string, string>> {
  const response = await env.app.inject({
    method: 'POST', url: '/admin/login',
    headers: { host, origin: `http://${host}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ name: 'Dana', token: ADMIN_TOKEN, next: '/admin' }).toString(),
  });
  return { host, cookie: String(response.headers['set-cookie']).split(';')[0]! };
}

async function createWatch(key: string, body: object): Promise<{ id: string }> {
  const response = await env.app.inject({ method: 'POST', url: '/v1/watches', headers: { authorization: `Bearer ${key}` }, payload: body });
  if (response.statusCode !== 201) throw new Error(`watch creation failed: ${response.body}`);
  return response.json();
}

const garden = await env.newApiKey('Garden Co');
const gardenWatch = await createWatch(garden.key, { name: 'Garden watch', crawl: { seeds: ['http://garden.test/'] }, schedule: { every: 'daily' } });
const other = await env.newApiKey('Tools & <Co>');
const toolsWatch = await createWatch(other.key, {
  name: '<b>Tools</b>', crawl: { seeds: ['http://tools.test/'] }, schedule: { cron: '0 6 * * 1', timezone: 'Europe/Berlin' }, paused: true,
});
// A run of the garden watch: the crawl its slot started.
const crawl = await env.app.inject({ method: 'POST', url: '/v1/crawls', headers: { authorization: `Bearer ${garden.key}` }, payload: { seeds: ['http://garden.test/'] } });
const crawlId: string = crawl.json().id;
const slotAt = new Date('2030-01-02T03:04:05Z');
await recordRun(env.runtime.db, gardenWatch.id, slotAt, crawlId);

t.test("the Watches page lists every account's watches with schedule, next and last run", async (t) => {
  const headers = await session();
  const page = await env.app.inject({ method: 'GET', url: '/admin/watches', headers });
  t.equal(page.statusCode, 200);
  t.match(page.body, /<a href="\/admin\/watches" class="current">Watches<\/a>/, 'in the navigation');
  const row = (id: string) => page.body.slice(page.body.indexOf(`<tr data-watch="${id}">`)).split('</tr>')[0]!;
  const gardenRow = row(gardenWatch.id);
  t.match(gardenRow, `<a href="/admin/accounts/${garden.accountId}">Garden Co</a>`);
  t.match(gardenRow, 'Garden watch');
  t.match(gardenRow, 'every 1d');
  t.match(gardenRow, '<span class="tag ok">active</span>');
  t.match(gardenRow, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/, 'its next run');
  t.match(gardenRow, '2030-01-02 03:04:05 <span class="tag queued">queued</span>', 'its last run: slot and status');
  t.match(gardenRow, `<a href="/admin/crawls/${crawlId}">`, "its run's crawl");
  t.match(gardenRow, '0 / 0 / 0 / 0', "its run's diff counts");

  const toolsRow = row(toolsWatch.id);
  t.match(toolsRow, 'Tools &#38; &#60;Co&#62;', 'the account name escaped');
  t.match(toolsRow, '&#60;b&#62;Tools&#60;/b&#62;', 'the watch name escaped');
  t.notMatch(page.body, '<b>Tools</b>');
  t.match(toolsRow, 'cron <code>0 6 * * 1</code> <span class="muted">Europe/Berlin</span>');
  t.match(toolsRow, '<span class="tag paused">paused</span>');
  t.match(toolsRow, 'No run yet');

  const only = await env.app.inject({ method: 'GET', url: `/admin/watches?account=${other.accountId}`, headers });
  t.ok(only.body.includes(toolsWatch.id) && !only.body.includes(gardenWatch.id), "one account's watches");

  const crawlPage = await env.app.inject({ method: 'GET', url: `/admin/crawls/${crawlId}`, headers });
  t.equal(crawlPage.statusCode, 200, 'the run links to a page of its crawl');
  t.match(crawlPage.body, `<tr data-crawl="${crawlId}">`);
  t.equal((await env.app.inject({ method: 'GET', url: '/admin/crawls/not-a-crawl', headers })).statusCode, 404);
});

t.test('GET /admin/api/watches: the same watches as JSON, paged', async (t) => {
  const all = assertContract(t, 'adminListWatches', await env.app.inject({ method: 'GET', url: '/admin/api/watches', headers: admin }), 200);
  t.same(all.items.map((w: { id: string }) => w.id), [toolsWatch.id, gardenWatch.id], 'newest first');
  t.equal(all.nextCursor, null);
  const gardenItem = all.items[1];
  t.match(gardenItem, {
    accountId: garden.accountId, accountName: 'Garden Co', name: 'Garden watch', paused: false,
    schedule: { every: '1d', everyMs: 86_400_000, cron: null, timezone: null },
    lastRun: { crawlId, status: 'queued', slotAt: slotAt.toISOString(), counts: { new: 0, reopened: 0, gone: 0, revived: 0 } },
  });
  t.ok(Date.parse(gardenItem.nextRunAt), 'the next slot of its job scheduler');
  t.match(all.items[0], { accountName: 'Tools & <Co>', name: '<b>Tools</b>', paused: true, nextRunAt: null, lastRun: null, schedule: { cron: '0 6 * * 1', timezone: 'Europe/Berlin' } });

  const first = assertContract(t, 'adminListWatches', await env.app.inject({ method: 'GET', url: '/admin/api/watches?limit=1', headers: admin }), 200);
  t.same(first.items.map((w: { id: string }) => w.id), [toolsWatch.id]);
  const second = assertContract(t, 'adminListWatches',
    await env.app.inject({ method: 'GET', url: `/admin/api/watches?limit=1&cursor=${first.nextCursor}`, headers: admin }), 200);
  t.same(second.items.map((w: { id: string }) => w.id), [gardenWatch.id]);
  t.equal(second.nextCursor, null);

  const one = assertContract(t, 'adminListWatches',
    await env.app.inject({ method: 'GET', url: `/admin/api/watches?accountId=${garden.accountId}`, headers: admin }), 200);
  t.same(one.items.map((w: { id: string }) => w.id), [gardenWatch.id]);
  const bad = await env.app.inject({ method: 'GET', url: '/admin/api/watches?accountId=nope', headers: admin });
  assertContract(t, 'adminListWatches', bad, 400);
  t.equal(bad.json().code, 'invalid_account');
});

t.test('without the admin token or a session, watches are refused', async (t) => {
  for (const headers of [{}, { authorization: `Bearer ${garden.key}` }]) {
    const response = await env.app.inject({ method: 'GET', url: '/admin/api/watches', headers });
    assertContract(t, 'adminListWatches', response, 401);
    t.equal(response.json().code, 'unauthorized');
    const page = await env.app.inject({ method: 'GET', url: '/admin/watches', headers: { ...headers, host } });
    t.equal(page.statusCode, 303);
    t.equal(page.headers.location, '/admin/login?next=%2Fadmin%2Fwatches');
  }
});

import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment, ADMIN_TOKEN } from '../support/environment.js';
import { startFakeWeb, htmlPage } from '../support/fake-web.js';
import { apiClient } from '../support/api-client.js';
import { crawlProgress, PROGRESS_BUCKETS } from '../../services/store/crawl-progress.js';

// A small site that completes, with two dead outbound links (its prospects), and a slow one whose
// robots.txt asks for a 20 s Crawl-delay, so that its crawl is still running when it is cancelled.
const web = await startFakeWeb({}, {});
const sites: Parameters<typeof startFakeWeb>[0] = {
  'quick.test': {
    '/': { body: htmlPage('Quick garden', [['/a', 'page a'], [web.url('gone.test', '/x'), 'the lost guide']]) },
    '/a': { body: htmlPage('A', [[web.url('gone.test', '/y'), 'another lost page']]) },
  },
  'gone.test': { '/': { body: htmlPage('The host lives') } },
  'many.test': { '/': { body: htmlPage('Many dead links', Array.from({ length: 27 }, (_, i) => [web.url('gone.test', `/m${i}`), `lost ${i}`])) } },
  'slow.test': {
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nCrawl-delay: 20\n' },
    '/': { body: htmlPage('Slow garden', [['/a', 'a']]) },
  },
};
for (const [host, routes] of Object.entries(sites)) for (const [path, route] of Object.entries(routes)) web.setRoute(host, path, route);
const env = await startEnvironment({ resolver: web.resolver, workers: true });
t.teardown(async () => {
  await env.close();
  await web.close();
});

const host = 'admin.example:3000';
const sameSite = { host, origin: `http://${host}` };
const bot = { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-admin-actor': 'ops-bot' };
const form = (fields: Record<string, string>) => ({ 'content-type': 'application/x-www-form-urlencoded', payload: new URLSearchParams(fields).toString() });

async function signIn(name: string): Promise<Record<string, string>> {
  const { payload, ...type } = form({ name, token: ADMIN_TOKEN, next: '/admin' });
  const response = await env.app.inject({ method: 'POST', url: '/admin/login', headers: { ...sameSite, ...type }, payload });
  return { ...sameSite, cookie: String(response.headers['set-cookie']).split(';')[0]! };
}
const dana = await signIn('Dana');
const get = (url: string, headers: Record<string, string> = dana) => env.app.inject({ method: 'GET', url, headers });
const post = (url: string, fields: Record<string, string>) => {
  const { payload, ...type } = form(fields);
  return env.app.inject({ method: 'POST', url, headers: { ...dana, ...type }, payload });
};

const owner = await env.newApiKey('Garden Co');
const client = apiClient(env.app, owner.key);
const quick = await client.crawlToEnd({ seeds: [web.url('quick.test')], scope: 'site' });
const slowId = await client.createCrawl({ seeds: [web.url('slow.test')], scope: 'site' });
for (let i = 0; i < 300 && (await client.getCrawl(slowId)).status !== 'running'; i++) await sleep(100);

t.test('the page of a crawl: settings, progress as an SVG chart, verdicts by reason, prospects', async (t) => {
  t.match(quick, { status: 'completed', stats: { pagesCrawled: 2, deadLinks: 2, prospects: 2 } });
  const page = await get(`/admin/crawls/${quick.id}`);
  t.equal(page.statusCode, 200);
  const body = page.body;
  t.match(body, `<h1>Crawl ${quick.id.slice(0, 8)} of Garden Co</h1>`);
  t.match(body, '<span class="tag completed">completed</span>');

  const settings = body.slice(body.indexOf('<table id="settings"'), body.indexOf('</table>', body.indexOf('<table id="settings"')));
  t.match(settings, /<th scope="row">Scope<\/th><td>site<\/td>/);
  t.match(settings, web.url('quick.test'), 'the seeds');
  t.match(settings, /Max depth<\/th><td><span class="muted">no cap<\/span>/, 'a site crawl has no depth cap');
  t.match(settings, /Max pages<\/th><td>1000<\/td>/);
  t.match(settings, /Host interval<\/th><td><span class="muted">the service default<\/span>/, 'politeness settings');
  t.notMatch(settings, 'Keywords', 'no keywords given, none shown');

  t.match(body, /<svg id="progress" viewBox="0 0 640 240" role="img"/, 'the chart is inline SVG');
  t.notMatch(body, /<script|https?:\/\/(?!quick\.test|gone\.test|www\.w3\.org)[a-z]/i, 'nothing loaded from elsewhere');
  const counts = (series: string) => [...body.matchAll(new RegExp(`<circle class="point ${series}"[^>]*data-count="(\\d+)"`, 'g'))].map((m) => Number(m[1]));
  const pages = counts('pages');
  const links = counts('links');
  t.ok(pages.length >= 1 && links.length >= 1, `data points drawn (${pages.length} for pages, ${links.length} for links)`);
  t.equal(pages.at(-1), quick.stats.pagesCrawled + quick.stats.pagesFailed, 'the last point: every page fetched');
  t.equal(links.at(-1), quick.stats.linksChecked, 'the last point: every link checked');
  t.same(pages, [...pages].sort((a, b) => a - b), 'running totals never go down');

  t.match(body, /<table id="verdicts">[\s\S]*verdict-dead">dead<\/span><\/td><td>not_found<\/td>\s*<td class="num">2<\/td>/, 'verdicts by reason, counted');

  t.match(body, '<p class="muted" id="prospect-count">1–2 of 2, highest score first.</p>');
  const rows = body.slice(body.indexOf('<table id="prospects">')).split('</table>')[0]!.split('<tr data-prospect=').slice(1);
  t.equal(rows.length, 2, 'both prospects listed');
  const guide = rows.find((row) => row.includes(web.url('gone.test', '/x')))!;
  t.match(guide, /<td class="num">\d+(\.\d+)?<\/td>/, 'its score');
  t.match(guide, `<a href="${web.url('quick.test', '/')}" rel="noreferrer nofollow" class="url">`, 'the page it was found on');
  t.match(guide, 'the lost guide', 'its anchor');
  t.match(guide, /not_found <span class="muted">\(404\)<\/span>/, 'its reason');

  t.match(body, /id="not-cancellable">This crawl has ended \(completed\): there is nothing to cancel/);
  t.notMatch(body, 'Cancel this crawl', 'no cancel button on an ended crawl');
});

t.test('prospects a page at a time, with where the page starts and the count', async (t) => {
  const many = await client.crawlToEnd({ seeds: [web.url('many.test')], scope: 'site' });
  t.match(many, { status: 'completed', stats: { prospects: 27 } });
  const first = (await get(`/admin/crawls/${many.id}`)).body;
  t.match(first, '1–25 of 27, highest score first.');
  t.equal(first.split('<tr data-prospect=').length - 1, 25);
  const more = /<a href="([^"]+)">More prospects →<\/a>/.exec(first)![1]!;
  const second = (await get(more)).body;
  t.match(second, '26–27 of 27, highest score first.');
  t.equal(second.split('<tr data-prospect=').length - 1, 2);
  t.notMatch(second, 'More prospects');
  const ids = (body: string) => [...body.matchAll(/<tr data-prospect="(\d+)">/g)].map((m) => m[1]);
  t.equal(new Set([...ids(first), ...ids(second)]).size, 27, 'every prospect once');
  t.equal((await get(`/admin/crawls/${many.id}?prospects=forged`)).statusCode, 400, 'a cursor not ours is refused');
});

t.test('the progress query: buckets that add up to the crawl, at most 60 of them', async (t) => {
  const progress = (await crawlProgress(env.runtime.db, quick.id))!;
  const fetched = (await env.runtime.db.query('SELECT count(*) AS n FROM pages WHERE crawl_id = $1 AND fetched_at IS NOT NULL', [quick.id])).rows[0].n;
  t.equal(progress.buckets.reduce((sum, bucket) => sum + bucket.pages, 0), fetched);
  t.equal(progress.buckets.reduce((sum, bucket) => sum + bucket.links, 0), quick.stats.linksChecked);
  t.ok(progress.bucketSeconds >= 1 && progress.buckets.every((bucket) => bucket.index >= 0 && bucket.index < PROGRESS_BUCKETS));
  t.ok(progress.from <= progress.to);
  t.equal(await crawlProgress(env.runtime.db, '00000000-0000-4000-8000-000000000000'), null, 'no such crawl');
});

t.test('crawl ids link to their page: the crawl list, the fleet', async (t) => {
  const list = (await get('/admin/crawls')).body;
  for (const id of [quick.id, slowId]) t.match(list, `<a href="/admin/crawls/${id}"><code title="${id}">${id.slice(0, 8)}</code></a>`);
  t.match((await get('/admin')).body, `<a href="/admin/crawls/${slowId}">`, 'the running crawl on the fleet page');
});

t.test('cancelling asks first, then cancels through the admin operation, audited; an ended crawl says so', async (t) => {
  const row = (await get('/admin/crawls?status=running')).body;
  t.match(row, `<form class="inline" method="get" action="/admin/crawls/${slowId}/cancel"><button>Cancel…</button></form>`, 'the list asks too');
  t.match((await get(`/admin/crawls/${slowId}`)).body, `action="/admin/crawls/${slowId}/cancel"><button>Cancel this crawl…</button>`);

  const question = await get(`/admin/crawls/${slowId}/cancel`);
  t.equal(question.statusCode, 200);
  t.match(question.body, /<form method="post" action="\/admin\/crawls\/[\w-]+\/cancel" class="confirm"><input type="hidden" name="confirm" value="yes">/);
  t.match(question.body, `<a href="/admin/crawls/${slowId}">No, keep it running</a>`);

  const unconfirmed = await post(`/admin/crawls/${slowId}/cancel`, {});
  t.equal(unconfirmed.statusCode, 303);
  t.equal(unconfirmed.headers.location, `/admin/crawls/${slowId}/cancel`, 'a post without the answer is sent to the question');
  t.equal((await client.getCrawl(slowId)).status, 'running', 'and cancels nothing');

  const confirmed = await post(`/admin/crawls/${slowId}/cancel`, { confirm: 'yes' });
  t.equal(confirmed.statusCode, 303);
  t.match(decodeURIComponent(String(confirmed.headers.location)), `/admin/crawls/${slowId}?notice=Crawl ${slowId.slice(0, 8)} of Garden Co is cancelled.`);
  t.equal((await client.getCrawl(slowId)).status, 'cancelled');
  const audit = (await env.runtime.db.query(`SELECT actor, target, detail FROM admin_audit WHERE action = 'crawl.cancel'`)).rows;
  t.match(audit, [{ actor: 'Dana', target: slowId, detail: { account: 'Garden Co', from: 'running', to: 'cancelled' } }]);
  t.match((await get(String(confirmed.headers.location))).body, /role="status">Crawl [\w]+ of Garden Co is cancelled\./);

  const again = await post(`/admin/crawls/${slowId}/cancel`, { confirm: 'yes' });
  t.equal(again.statusCode, 409, 'a crawl ended meanwhile: 409, as the API answers');
  t.match(again.body, `crawl ${slowId} already ended (cancelled): there is nothing to cancel`);
  t.match(again.body, `<a href="/admin/crawls/${slowId}">Back to the crawl</a>`);
  const finished = await get(`/admin/crawls/${quick.id}/cancel`);
  t.equal(finished.statusCode, 409);
  t.match(finished.body, `crawl ${quick.id} already completed: there is nothing to cancel`);
  t.notMatch(finished.body, 'name="confirm"', 'no question for an ended crawl');
  t.equal((await env.runtime.db.query(`SELECT count(*) AS n FROM admin_audit WHERE action = 'crawl.cancel'`)).rows[0].n, 1, 'one audit entry');

  t.match((await get('/admin/audit')).body, new RegExp(`<td>Dana</td><td><code>crawl\\.cancel</code></td>\\s*<td><a href="/admin/crawls/${slowId}">`), 'the audit target links to the crawl');
});

t.test('an unknown admin page: an HTML 404 in the admin layout with the way home; JSON under /admin/api', async (t) => {
  const page = await get('/admin/no-such-page/<b>?x=1');
  t.equal(page.statusCode, 404);
  t.match(page.headers['content-type'], 'text/html');
  t.match(page.body, /signed in as <strong>Dana<\/strong>/, 'in the admin layout');
  t.match(page.body, '<h1>Page not found</h1>');
  t.match(page.body, 'There is no admin page at <code>/admin/no-such-page/&#60;b&#62;</code>.');
  t.match(page.body, '<a href="/admin" id="admin-home">Back to the admin home</a>');
  const crawl = await get('/admin/crawls/not-a-crawl');
  t.equal(crawl.statusCode, 404);
  t.match(crawl.body, /Crawl not found\.[\s\S]*Back to the admin home/);

  const api = await get('/admin/api/no-such-thing', bot);
  t.equal(api.statusCode, 404);
  t.same(api.json(), { code: 'not_found', message: 'no route GET /admin/api/no-such-thing' });
  t.equal((await get('/admin/api/no-such-thing', {})).statusCode, 404, 'JSON 404 as before, without a session too');
  const stranger = await get('/admin/no-such-page', { host });
  t.equal(stranger.statusCode, 303, 'no session: to the login page, as every admin page');
  t.equal(stranger.headers.location, '/admin/login?next=%2Fadmin%2Fno-such-page');
});

t.test('the audit page filters by who, what, on what and day', async (t) => {
  for (const name of ['Fern Co', 'Moss Co']) {
    const created = await env.app.inject({ method: 'POST', url: '/admin/api/accounts', headers: bot, payload: { name } });
    t.equal(created.statusCode, 201);
  }
  const rowsOf = (body: string) => body.slice(body.indexOf('<table id="audit">')).split('</tbody>')[0]!.split('<tr><td>').slice(1)
    .map((row) => row.split(/<\/td>\s*<td[^>]*>/).slice(1, 3).join(' ').replace(/<[^>]+>/g, ''));

  const byBot = await get('/admin/audit?actor=ops-bot');
  t.same(rowsOf(byBot.body), ['ops-bot account.create', 'ops-bot account.create'], 'by who');
  t.match(byBot.body, '<input name="actor" value="ops-bot"', 'the form keeps the filter');
  t.match(byBot.body, '<a href="/admin/audit">Clear</a>');
  t.same(rowsOf((await get('/admin/audit?action=crawl')).body), ['Dana crawl.cancel'], 'by a family of actions');
  t.same(rowsOf((await get(`/admin/audit?target=${slowId}`)).body), ['Dana crawl.cancel'], 'by target');
  t.same(rowsOf((await get('/admin/audit?actor=Dana&action=login')).body), ['Dana login'], 'filters combine');
  const fern = (await env.runtime.db.query(`SELECT target FROM admin_audit WHERE detail ->> 'name' = 'Fern Co'`)).rows[0].target;
  t.match((await get('/admin/audit?actor=ops-bot')).body, `<a href="/admin/accounts/${fern}">${fern}</a>`, 'an account target links to its page');

  const today = new Date().toISOString().slice(0, 10);
  const all = rowsOf((await get('/admin/audit')).body);
  t.same(rowsOf((await get(`/admin/audit?from=${today}&to=${today}`)).body), all, 'today: every entry');
  const none = await get('/admin/audit?to=2001-01-01');
  t.same(rowsOf(none.body), [], 'a range before any entry: none');
  t.match(none.body, 'No entry matches.');
  t.same(rowsOf((await get('/admin/audit?from=2999-01-01')).body), []);
  t.equal((await get('/admin/audit?actor=a&actor=b&notice=x')).statusCode, 200, 'a repeated parameter is no filter, not an error');
  const bad = await get('/admin/audit?from=yesterday');
  t.equal(bad.statusCode, 400);
  t.match(bad.body, 'from must be a day, YYYY-MM-DD');

  // Paging keeps the filters: 51 entries of one actor, 50 to a page.
  for (let i = 0; i < 51; i++) await env.app.inject({ method: 'POST', url: '/admin/api/accounts', headers: { ...bot, 'x-admin-actor': 'batch-bot' }, payload: { name: `Batch ${i}` } });
  const first = await get('/admin/audit?actor=batch-bot&action=account');
  t.equal(rowsOf(first.body).length, 50);
  const next = /<a href="([^"]+)">Older entries →<\/a>/.exec(first.body)![1]!.replace(/&#38;/g, '&');
  t.match(next, /^\/admin\/audit\?actor=batch-bot&action=account&cursor=/);
  t.same(rowsOf((await get(next)).body), ['batch-bot account.create'], 'the last one, on the next page');

  // The same filters on the JSON API.
  const api = async (query: string) => {
    const response = await env.app.inject({ method: 'GET', url: `/admin/api/audit?${query}`, headers: bot });
    t.equal(response.statusCode, 200, query);
    return response.json().items.map((entry: { actor: string; action: string }) => `${entry.actor} ${entry.action}`);
  };
  t.same(await api('actor=ops-bot&action=account&limit=100'), ['ops-bot account.create', 'ops-bot account.create'], 'API: by who and what');
  t.same(await api(`target=${slowId}`), ['Dana crawl.cancel'], 'API: by target');
  t.same(await api(`since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`), [], 'API: since an hour from now, none');
  t.same(await api('until=2001-01-01T00:00:00Z'), [], 'API: until 2001, none');
  const wrong = await env.app.inject({ method: 'GET', url: '/admin/api/audit?since=yesterday', headers: bot });
  t.equal(wrong.statusCode, 400, 'API: a time that is not one');
});

t.test('the queue board has a visible way back to the admin', async (t) => {
  const board = await get('/admin/queues');
  t.equal(board.statusCode, 200);
  t.match(board.body, /<a href="\/admin" id="blb-back-to-admin" style="position:fixed;[^"]*">← blb admin<\/a><\/body>/);
  t.equal(Number(board.headers['content-length']), Buffer.byteLength(board.body), 'the length counts the link');
  t.match(board.body, '"miscLinks":[{"text":"Back to the admin","url":"/admin"}]', "and in the board's own menu");
  const api = await get('/admin/queues/api/queues');
  t.notMatch(api.body, 'blb-back-to-admin', 'the board API is left alone');
});

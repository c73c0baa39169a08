import t, { type Test } from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment } from '../support/environment.js';
import { startFakeWeb, htmlPage, type FakeWeb } from '../support/fake-web.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { startWorkerProcess, stopWorkerProcesses } from '../support/worker-processes.js';
import { assertContract } from '../support/contract.js';

// A gardening site watched by a schedule, run by two worker processes (the API in this one). Between
// runs the niche changes: a dead link is fixed, a page is removed, a dead URL comes back, a new dead
// link appears, and the one that came back dies again. Each run's diff, the prospects' states and the
// webhook events must say exactly that.
const web: FakeWeb = await startFakeWeb({ 'garden.test': {}, 'gone-shop.test': {}, 'flaky.test': {}, 'alive-shop.test': {} }, { 'hooks.test': '127.0.0.1' });
const g = (path: string) => web.url('garden.test', path);
const shop = (path: string) => web.url('gone-shop.test', path);
const flaky = web.url('flaky.test', '/z');
const page = (title: string, links: [string, string][]) => ({ body: htmlPage(title, links) });
web.setRoute('alive-shop.test', '/x', page('Secateurs that last', []));
const flakyAnswers = (alive: boolean) => web.setRoute('flaky.test', '/z', alive ? page('Rose food, back in stock', []) : { status: 404, body: '<title>Not found</title>' });

// Run 1: three dead links, one per page.
web.setRoute('garden.test', '/', page('Garden tips', [[g('/a'), 'Pruning'], [g('/b'), 'Hedges'], [g('/c'), 'Roses']]));
web.setRoute('garden.test', '/a', page('Pruning', [[shop('/x'), 'these secateurs']]));
web.setRoute('garden.test', '/b', page('Hedges', [[shop('/y'), 'this hedge trimmer']]));
web.setRoute('garden.test', '/c', page('Roses', [[flaky, 'rose food']]));
flakyAnswers(false);

const receiver = await startReceiver();
const WATCH_ENV = { WATCH_MIN_INTERVAL_MS: '1000', RECONCILE_INTERVAL_MS: '500', WEBHOOK_BATCH_INTERVAL_MS: '200' };
const env = await startEnvironment({ resolver: web.resolver, env: WATCH_ENV });
const children = await Promise.all([1, 2].map(() => startWorkerProcess(env.config, web.hosts(), WATCH_ENV)));
t.teardown(async () => {
  await stopWorkerProcesses(children);
  await env.close();
  await receiver.close();
  await web.close();
});

const { key } = await env.newApiKey('watcher');
const headers = { authorization: `Bearer ${key}` };
const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => env.app.inject({ method, url, headers, payload });
const hook = (await call('POST', '/v1/webhooks', {
  url: receiver.url('/watch'), events: ['prospects.found', 'prospect.resolved', 'crawl.completed', 'watch.run.completed'],
})).json();
receiver.verifyWith('/watch', hook.secret);

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 90_000): Promise<T> {
  let value: T | undefined;
  for (const started = Date.now(); Date.now() - started < timeoutMs; await sleep(100)) {
    value = await probe();
    if (done(value)) return value;
  }
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
}

const runsOf = async (watchId: string) => (await call('GET', `/v1/watches/${watchId}/runs`)).json().items as any[];
const ran = (runs: any[]) => runs.filter((run) => run.status !== 'skipped');
/** Waits for the watch's nth run to complete and for its watch.run.completed event, then pauses the watch. */
async function nthRun(t: Test, watchId: string, n: number) {
  const runs = await until(() => runsOf(watchId), (runs) => ran(runs).length >= n && ran(runs)[0].status === 'completed', `run ${n}`);
  t.equal(ran(runs).length, n, `run ${n} and no other started`);
  const run = ran(runs)[0];
  await until(async () => receiver.calls.filter((c) => c.type === 'watch.run.completed').length, (count) => count >= n, `run ${n}'s event`);
  assertContract(t, 'updateWatch', await call('PATCH', `/v1/watches/${watchId}`, { paused: true }), 200);
  return assertContract(t, 'getWatchRun', await call('GET', `/v1/watches/${watchId}/runs/${run.id}`), 200);
}
/** The events of one crawl, by type, once every delivery has arrived. */
const eventsOf = (crawlId: string) => receiver.calls.filter((c) => (c.data.crawlId ?? c.data.id) === crawlId);
const pairs = (entries: { sourceUrl: string; deadUrl: string; resolution?: string }[]) =>
  entries.map((e) => `${e.sourceUrl} -> ${e.deadUrl}${e.resolution ? ` [${e.resolution}]` : ''}`).sort();
const prospectsOf = async (filter: string) => (await call('GET', `/v1/prospects?limit=100&${filter}`)).json().items as any[];

t.test('three runs of a watch over a changing niche', async (t) => {
  const created = assertContract(t, 'createWatch', await call('POST', '/v1/watches', {
    name: 'Garden', crawl: { seeds: [g('/')], scope: 'site' }, schedule: { every: '1h' },
  }), 201);
  t.match(created, { name: 'Garden', paused: false, schedule: { every: '1h', everyMs: 3_600_000, cron: null }, crawl: { scope: 'site', seeds: [g('/')] } });

  // Run 1 starts at once (an interval's first slot is now) and finds all three.
  const first = await nthRun(t, created.id, 1);
  t.same(pairs(first.diff.new), pairs([
    { sourceUrl: g('/a'), deadUrl: shop('/x') }, { sourceUrl: g('/b'), deadUrl: shop('/y') }, { sourceUrl: g('/c'), deadUrl: flaky },
  ]));
  t.same(first.counts, { new: 3, reopened: 0, gone: 0, revived: 0 });
  const paused = assertContract(t, 'getWatch', await call('GET', `/v1/watches/${created.id}`), 200);
  t.match(paused, { paused: true, nextRunAt: null, lastRun: { id: first.id, status: 'completed' } });

  // Between runs 1 and 2: /a's dead link is fixed, /b is removed from the site, rose food is back, and
  // /c links to a new dead page.
  web.setRoute('garden.test', '/', page('Garden tips', [[g('/a'), 'Pruning'], [g('/c'), 'Roses']]));
  web.setRoute('garden.test', '/a', page('Pruning', [[web.url('alive-shop.test', '/x'), 'these secateurs']]));
  web.setRoute('garden.test', '/b', { status: 404, body: '<title>Not found</title>' });
  web.setRoute('garden.test', '/c', page('Roses', [[flaky, 'rose food'], [shop('/w'), 'a watering can']]));
  flakyAnswers(true);
  assertContract(t, 'updateWatch', await call('PATCH', `/v1/watches/${created.id}`, { paused: false }), 200);
  const second = await nthRun(t, created.id, 2);
  t.same(pairs(second.diff.new), pairs([{ sourceUrl: g('/c'), deadUrl: shop('/w') }]));
  t.same(pairs(second.diff.gone), pairs([
    { sourceUrl: g('/a'), deadUrl: shop('/x'), resolution: 'link_removed' }, { sourceUrl: g('/b'), deadUrl: shop('/y'), resolution: 'source_gone' },
  ]));
  t.same(pairs(second.diff.revived), pairs([{ sourceUrl: g('/c'), deadUrl: flaky }]));
  t.same(second.counts, { new: 1, reopened: 0, gone: 2, revived: 1 });

  // Between runs 2 and 3: rose food is gone again.
  flakyAnswers(false);
  assertContract(t, 'updateWatch', await call('PATCH', `/v1/watches/${created.id}`, { paused: false }), 200);
  const third = await nthRun(t, created.id, 3);
  t.same(third.diff, { new: [], gone: [], revived: [], reopened: [{ prospectId: third.diff.reopened[0]?.prospectId, sourceUrl: g('/c'), deadUrl: flaky }] });

  // The prospects: one per opportunity, whatever number of runs saw it, each in its state.
  const all = await prospectsOf(`watchId=${created.id}`);
  const byPair = new Map(all.map((p) => [`${p.sourceUrl} -> ${p.deadUrl}`, p]));
  t.equal(all.length, 4, 'four opportunities, one prospect each');
  t.match(byPair.get(`${g('/a')} -> ${shop('/x')}`), { state: 'resolved', resolution: 'link_removed', seenBy: { crawls: 1 } });
  t.match(byPair.get(`${g('/b')} -> ${shop('/y')}`), { state: 'resolved', resolution: 'source_gone' });
  t.match(byPair.get(`${g('/c')} -> ${flaky}`), { state: 'open', resolution: null, seenBy: { crawls: 2 }, firstCrawlId: first.crawlId, crawlId: third.crawlId });
  t.match(byPair.get(`${g('/c')} -> ${shop('/w')}`), { state: 'open', seenBy: { crawls: 2 } });
  t.same((await prospectsOf(`watchId=${created.id}&state=resolved`)).map((p) => p.deadUrl).sort(), [shop('/x'), shop('/y')].sort());
  // A crawl's own view still lists what it found, later runs or not.
  t.equal((await prospectsOf(`crawlId=${first.crawlId}`)).length, 3);

  const rose = byPair.get(`${g('/c')} -> ${flaky}`);
  const history = assertContract(t, 'getProspectHistory', await call('GET', `/v1/prospects/${rose.id}/history`), 200).items;
  t.same(history.map((h: any) => [h.from, h.to, h.reason, h.crawlId]), [
    [null, 'open', 'found', first.crawlId], ['open', 'resolved', 'revived', second.crawlId], ['resolved', 'open', 'dead_again', third.crawlId],
  ]);

  // Exactly the expected events, each run's in order: new prospects, resolutions, the crawl, the run.
  await sleep(500);
  t.ok(receiver.calls.every((c) => c.verified), 'every event signed');
  const summary = (crawlId: string) => eventsOf(crawlId).map((c) =>
    c.type === 'prospects.found' ? `found ${c.data.prospects.map((p: any) => p.deadUrl).sort().join(' ')}`
    : c.type === 'prospect.resolved' ? `resolved ${c.data.prospect.deadUrl} ${c.data.prospect.resolution}`
    : c.type === 'watch.run.completed' ? `run ${JSON.stringify(c.data.counts)}` : c.type);
  const found = (crawlId: string) => summary(crawlId).filter((s) => s.startsWith('found')).flatMap((s) => s.slice(6).split(' ')).sort();
  t.same(found(first.crawlId), [shop('/x'), shop('/y'), flaky].sort(), 'run 1 announced its three new prospects once');
  t.same(found(second.crawlId), [shop('/w')], 'run 2 announced only the new one');
  t.same(found(third.crawlId), [], 'run 3 announced nothing as new (the reopened one was announced before)');
  // Resolutions in any order among themselves, then the crawl's end, then the run's.
  const rest = (crawlId: string) => summary(crawlId).filter((s) => !s.startsWith('found'));
  t.same(rest(second.crawlId).slice(0, 3).sort(), [`resolved ${shop('/x')} link_removed`, `resolved ${shop('/y')} source_gone`, `resolved ${flaky} revived`].sort());
  t.same(rest(second.crawlId).slice(3), ['crawl.completed', `run ${JSON.stringify({ new: 1, reopened: 0, gone: 2, revived: 1 })}`]);
  t.same(rest(third.crawlId), ['crawl.completed', `run ${JSON.stringify({ new: 0, reopened: 1, gone: 0, revived: 0 })}`]);
  t.same(rest(first.crawlId), ['crawl.completed', `run ${JSON.stringify({ new: 3, reopened: 0, gone: 0, revived: 0 })}`]);
  const ids = receiver.calls.map((c) => c.id);
  t.equal(new Set(ids).size, ids.length, 'no event delivered twice');
});

t.test('a slot whose previous run is still going is skipped and recorded', async (t) => {
  // A slow page (slower than the 1 s interval, within the 1.5 s response timeout) keeps each run going past its next slot.
  web.setRoute('garden.test', '/slow', (_req, res) => setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end(htmlPage('Slow', [])), 1_200));
  const created = assertContract(t, 'createWatch', await call('POST', '/v1/watches', {
    crawl: { seeds: [g('/slow')], scope: 'site' }, schedule: { every: '1s' },
  }), 201);
  t.equal(created.name, g('/slow'), 'named after its first seed');
  const runs = await until(() => runsOf(created.id), (runs) => runs.some((run) => run.status === 'skipped') && runs.some((run) => run.status === 'completed'), 'a skipped slot');
  await call('DELETE', `/v1/watches/${created.id}`);
  t.match(runs.find((run) => run.status === 'skipped'), { crawlId: null, skipped: 'previous_run_active' });
  const slots = runs.map((run) => run.slotAt);
  t.equal(new Set(slots).size, slots.length, 'one run per slot across two worker processes');
  t.equal((await call('GET', `/v1/watches/${created.id}`)).statusCode, 404, 'deleted');
});

t.test('bad schedules and settings are refused with what to fix', async (t) => {
  const refused = async (body: object, code: string, message: RegExp) => {
    const response = assertContract(t, 'createWatch', await call('POST', '/v1/watches', body), 400);
    t.equal(response.code, code);
    t.match(response.message, message);
  };
  const crawl = { seeds: [g('/')] };
  await refused({ crawl, schedule: { every: 'fortnightly' } }, 'invalid_schedule', /hourly, daily, weekly/);
  await refused({ crawl, schedule: { every: '500ms' } }, 'invalid_schedule', /not hourly/);
  await refused({ crawl, schedule: { cron: '0 6 * * 1', timezone: 'Mars/Olympus' } }, 'invalid_schedule', /IANA time zone/);
  await refused({ crawl, schedule: { cron: 'every monday' } }, 'invalid_schedule', /cron/);
  await refused({ crawl, schedule: {} }, 'invalid_schedule', /either every or cron/);
  await refused({ crawl: { seeds: ['ftp://x'] }, schedule: { every: 'daily' } }, 'invalid_seed', /seeds\[0\]/);
  const cron = assertContract(t, 'createWatch', await call('POST', '/v1/watches', { crawl, schedule: { cron: '0 6 * * 1', timezone: 'Europe/Berlin' }, paused: true }), 201);
  t.match(cron, { schedule: { cron: '0 6 * * 1', timezone: 'Europe/Berlin', every: null }, paused: true, nextRunAt: null });
  const resumed = assertContract(t, 'updateWatch', await call('PATCH', `/v1/watches/${cron.id}`, { paused: false }), 200);
  const next = new Date(resumed.nextRunAt);
  t.equal(next.getUTCDay(), 1, 'next run on a Monday');
  t.equal(Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Berlin', hour: 'numeric', hourCycle: 'h23' }).format(next)), 6, 'at 06:00 in Berlin');
  const listed = assertContract(t, 'listWatches', await call('GET', '/v1/watches'), 200);
  t.ok(listed.items.some((w: any) => w.id === cron.id));
  t.equal((await call('DELETE', `/v1/watches/${cron.id}`)).statusCode, 204);
});

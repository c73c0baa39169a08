import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment } from '../support/environment.js';
import { startFakeWeb, htmlPage } from '../support/fake-web.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { apiClient } from '../support/api-client.js';
import { assertContract } from '../support/contract.js';

// One prospect per opportunity however many crawls find it, and a won link watched on its page.
const web = await startFakeWeb({ 'garden.test': {}, 'gone-shop.test': {}, 'our.test': {} }, { 'hooks.test': '127.0.0.1' });
const g = (path: string) => web.url('garden.test', path);
const dead = (path: string) => web.url('gone-shop.test', path);
const ours = web.url('our.test', '/pruning-guide');
const page = (title: string, links: [string, string, string?][]) => ({ body: htmlPage(title, links) });
web.setRoute('garden.test', '/', page('Garden tips', [[g('/a'), 'Pruning'], [g('/b'), 'Hedges'], [dead('/x'), 'old shop']]));
web.setRoute('garden.test', '/a', page('Pruning', [[dead('/x'), 'these secateurs'], [dead('/y'), 'a pruning saw']]));
web.setRoute('garden.test', '/b', page('Hedges', [[dead('/y'), 'a hedge trimmer']]));
web.setRoute('our.test', '/pruning-guide', page('Our pruning guide', []));

const receiver = await startReceiver();
const env = await startEnvironment({
  resolver: web.resolver, workers: true,
  env: { LINK_CHECK_INTERVAL_MS: '1000', RECONCILE_INTERVAL_MS: '300', WEBHOOK_BATCH_INTERVAL_MS: '100' },
});
t.teardown(async () => {
  await env.close();
  await receiver.close();
  await web.close();
});
const { key } = await env.newApiKey('outreach');
const api = apiClient(env.app, key);
const headers = { authorization: `Bearer ${key}` };
const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => env.app.inject({ method, url, headers, payload });
const hook = (await call('POST', '/v1/webhooks', { url: receiver.url('/in'), events: ['prospects.found', 'link.changed', 'link.lost'] })).json();
receiver.verifyWith('/in', hook.secret);

async function until<T>(probe: () => Promise<T> | T, done: (value: T) => boolean, what: string): Promise<T> {
  for (const started = Date.now(); Date.now() - started < 60_000; await sleep(100)) {
    const value = await probe();
    if (done(value)) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}
const pairOf = (p: { sourceUrl: string; deadUrl: string }) => `${p.sourceUrl} -> ${p.deadUrl}`;

t.test('two identical crawls give one prospect per opportunity, announced once', async (t) => {
  const first = await api.crawlToEnd({ seeds: [g('/')], scope: 'site' });
  const second = await api.crawlToEnd({ seeds: [g('/')], scope: 'site' });
  const opportunities = [`${g('/')} -> ${dead('/x')}`, `${g('/a')} -> ${dead('/x')}`, `${g('/a')} -> ${dead('/y')}`, `${g('/b')} -> ${dead('/y')}`].sort();
  const all = assertContract(t, 'listProspects', await call('GET', '/v1/prospects?limit=100'), 200).items;
  t.same(all.map(pairOf).sort(), opportunities, 'one prospect each, not one per crawl');
  t.ok(all.every((p: any) => p.seenBy.crawls === 2 && p.firstCrawlId === first.id && p.crawlId === second.id && p.state === 'open'));
  t.ok(all.every((p: any) => p.firstSeenAt < p.lastSeenAt), 'first seen by the first crawl, last seen by the second');
  t.same((await api.allProspects(first.id)).map(pairOf).sort(), opportunities, "the first crawl's own view");
  t.same((await api.allProspects(second.id)).map(pairOf).sort(), opportunities, "the second crawl's own view");
  t.equal(first.stats.prospects, 4);
  t.equal(second.stats.prospects, 4);

  await sleep(500);
  const announced = receiver.calls.filter((c) => c.type === 'prospects.found').flatMap((c) => c.data.prospects.map(pairOf));
  t.same(announced.sort(), opportunities, 'each opportunity announced once, by the crawl that found it first');
  t.ok(receiver.calls.filter((c) => c.type === 'prospects.found').every((c) => c.data.crawlId === first.id));

  // The outreach status is the opportunity's, whichever crawl's list it is changed from.
  const [one] = all;
  assertContract(t, 'updateProspect', await call('PATCH', `/v1/prospects/${one.id}`, { status: 'contacted', notes: 'emailed' }), 200);
  const third = await api.crawlToEnd({ seeds: [g('/')], scope: 'site' });
  t.match((await api.allProspects(third.id)).find((p) => p.id === one.id), { status: 'contacted', notes: 'emailed', seenBy: { crawls: 3 } });
});

t.test('a won link is checked on its page: it appears, turns nofollow, disappears', async (t) => {
  const prospect = (await api.allProspects((await call('GET', '/v1/crawls')).json().items[0].id)).find(
    (p) => p.sourceUrl === g('/a') && p.deadUrl === dead('/x'),
  );
  const bad = assertContract(t, 'updateProspect', await call('PATCH', `/v1/prospects/${prospect.id}`, { status: 'won', replacementUrl: 'our-guide' }), 400);
  t.equal(bad.code, 'invalid_replacement_url');
  const won = assertContract(t, 'updateProspect', await call('PATCH', `/v1/prospects/${prospect.id}`, { status: 'won', replacementUrl: ours }), 200);
  t.match(won, { status: 'won', replacementUrl: ours });

  const linkEvents = () => receiver.calls.filter((c) => c.type.startsWith('link.'));
  const checks = async () => (await call('GET', `/v1/prospects/${prospect.id}`)).json().linkCheck;
  // Before the webmaster swaps it in: the page is read, our link is missing, nothing is announced.
  await until(checks, (check) => check?.observation?.state === 'missing', 'the first check');

  const step = async (links: [string, string, string?][], count: number, what: string) => {
    web.setRoute('garden.test', '/a', page('Pruning', links));
    await until(linkEvents, (events) => events.length >= count, what);
  };
  await step([[ours, 'our pruning guide'], [dead('/y'), 'a pruning saw']], 1, 'the link appearing');
  await step([[ours, 'our pruning guide', 'nofollow'], [dead('/y'), 'a pruning saw']], 2, 'the link turning nofollow');
  await step([[dead('/y'), 'a pruning saw']], 3, 'the link disappearing');
  // A few more checks see nothing new.
  const done = (await checks()).checks;
  await until(checks, (check) => check.checks >= done + 2, 'two more checks');

  t.same(linkEvents().map((c) => [c.type, c.data.change]), [['link.changed', 'appeared'], ['link.changed', 'nofollow'], ['link.lost', 'removed']], 'each change announced once');
  t.match(linkEvents()[1]!.data, { previous: { state: 'present', followed: true }, current: { state: 'present', followed: false, rel: 'nofollow' }, prospect: { id: prospect.id } });
  t.ok(linkEvents().every((c) => c.verified));

  const history = assertContract(t, 'getProspectHistory', await call('GET', `/v1/prospects/${prospect.id}/history`), 200).items;
  t.same(history.filter((h: any) => h.kind !== 'state').map((h: any) => [h.kind, h.from, h.to, h.reason, h.actor]), [
    ['status', 'new', 'won', null, 'api_key:outreach'],
    ['replacement_url', null, ours, null, 'api_key:outreach'],
    ['link', null, 'missing', null, 'link_check'],
    ['link', 'missing', 'present', 'appeared', 'link_check'],
    ['link', 'present', 'present', 'nofollow', 'link_check'],
    ['link', 'present', 'missing', 'removed', 'link_check'],
  ]);
});

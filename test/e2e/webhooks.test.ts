import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment } from '../support/environment.js';
import { apiClient } from '../support/api-client.js';
import { assertContract } from '../support/contract.js';
import { startOutreachNiche } from '../support/outreach-niche.js';
import { startReceiver } from '../support/webhook-receiver.js';

const niche = await startOutreachNiche();
const receiver = await startReceiver();
niche.web.setRoute('hooks-name.test', '/', { body: '' });
const resolver = async (hostname: string) =>
  hostname === 'hooks.test' ? [{ address: '127.0.0.1', family: 4 }]
  : hostname === 'intranet.test' ? [{ address: '10.9.8.7', family: 4 }]
  : niche.web.resolver(hostname);
const env = await startEnvironment({
  resolver,
  workers: true,
  env: {
    ARCHIVE_URL: niche.archiveUrl, ARCHIVE_RETRY_DELAY_MS: '50',
    WEBHOOK_BATCH_SIZE: '3', WEBHOOK_BATCH_INTERVAL_MS: '300', WEBHOOK_RETRY_SCHEDULE: '300ms,400ms,500ms,600ms',
    WEBHOOK_TIMEOUT_MS: '2000',
  },
});
t.teardown(async () => {
  await env.close();
  await receiver.close();
  await niche.web.close();
});
const api = apiClient(env.app, (await env.newApiKey('outreach')).key);
const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  env.app.inject({ method, url, headers: api.headers, payload });

async function until(done: () => boolean | Promise<boolean>, what: string, ms = 30_000) {
  for (const started = Date.now(); Date.now() - started < ms; await sleep(50)) if (await done()) return;
  throw new Error(`timed out waiting for ${what}`);
}
async function register(path: string, events = ['prospects.found', 'crawl.completed', 'crawl.failed', 'prospect.rechecked']) {
  const created = assertContract(t, 'createWebhook', await call('POST', '/v1/webhooks', { url: receiver.url(path), events, description: path }), 201);
  receiver.verifyWith(path, created.secret);
  return created;
}

t.test('registering: the secret once, and only public URLs', async (t) => {
  const hook = await register('/crud');
  t.match(hook.secret, /^whsec_[A-Za-z0-9+/=]{32}$/);
  t.notOk(JSON.stringify((await call('GET', `/v1/webhooks/${hook.id}`)).json()).includes('whsec_'), 'never shown again');
  for (const [url, code] of [
    ['http://10.0.0.5/hook', 'webhook_url_blocked'], ['http://169.254.169.254/latest', 'webhook_url_blocked'],
    ['http://intranet.test/hook', 'webhook_url_blocked'], ['http://[::1]:8080/', 'webhook_url_blocked'],
    ['ftp://hooks.test/x', 'invalid_webhook_url'],
  ]) {
    const refused = await call('POST', '/v1/webhooks', { url, events: ['crawl.completed'] });
    assertContract(t, 'createWebhook', refused, 400);
    t.equal(refused.json().code, code, url);
  }
  t.equal((await call('POST', '/v1/webhooks', { url: receiver.url('/x'), events: ['crawl.started'] })).statusCode, 400, 'unknown event type');
  const updated = assertContract(t, 'updateWebhook', await call('PATCH', `/v1/webhooks/${hook.id}`, { events: ['crawl.completed'], enabled: false }), 200);
  t.match(updated, { events: ['crawl.completed'], enabled: false });
  t.equal((await call('PATCH', `/v1/webhooks/${hook.id}`, { url: 'http://10.1.1.1/' })).json().code, 'webhook_url_blocked');
  const rotated = assertContract(t, 'rotateWebhookSecret', await call('POST', `/v1/webhooks/${hook.id}/rotate-secret`), 200);
  t.not(rotated.secret, hook.secret);
  t.equal((await call('DELETE', `/v1/webhooks/${hook.id}`)).statusCode, 204);
  t.equal((await call('GET', `/v1/webhooks/${hook.id}`)).statusCode, 404);
});

t.test("a crawl's prospects all arrive, batched and signed, then crawl.completed", async (t) => {
  await register('/main');
  const crawl = await api.crawlToEnd({ seeds: niche.seeds, scope: 'site' });
  const expected = (await api.allProspects(crawl.id)).map((p) => p.id).sort();
  const mine = () => receiver.calls.filter((c) => c.path === '/main' && c.answered === 200);
  await until(() => mine().some((c) => c.type === 'crawl.completed'), 'crawl.completed');
  const found = mine().filter((c) => c.type === 'prospects.found');
  t.ok(found.length >= 3, `${found.length} prospects.found events for ${expected.length} prospects, all in before crawl.completed`);
  t.ok(found.every((c) => c.data.prospects.length <= 3 && c.data.count === c.data.prospects.length), 'at most the batch size each');
  t.same(found.flatMap((c) => c.data.prospects.map((p: { id: string }) => p.id)).sort(), expected, 'every prospect, once');
  t.match(found[0]!.data.prospects[0], { crawlId: crawl.id, deadUrl: /^http/, reason: /./, sourceUrl: /^http/ });
  t.equal(mine().filter((c) => c.type === 'crawl.completed').length, 1, 'crawl.completed once');
  t.match(mine().find((c) => c.type === 'crawl.completed')!.data, { id: crawl.id, status: 'completed', stats: { prospects: expected.length } });
  t.ok(receiver.calls.filter((c) => c.path === '/main').every((c) => c.verified), 'every signature verifies with the Standard Webhooks library');
});

t.test('a receiver that is down for a while gets everything once it is back, with the same ids', async (t) => {
  const hook = await register('/flaky', ['crawl.completed', 'crawl.failed']);
  receiver.answerWith((path) => (path === '/flaky' ? 503 : 200));
  const crawl = await api.crawlToEnd({ seeds: ['http://expired-nursery.test/'], respectRobots: false });
  t.equal(crawl.status, 'failed');
  await until(() => receiver.calls.filter((c) => c.path === '/flaky').length >= 2, 'two failed attempts');
  receiver.answerWith(() => 200);
  await until(() => receiver.calls.some((c) => c.path === '/flaky' && c.answered === 200), 'the delivery after the outage');
  const flaky = receiver.calls.filter((c) => c.path === '/flaky');
  t.equal(new Set(flaky.map((c) => c.id)).size, 1, 'every attempt carried the same webhook-id');
  t.match(flaky.at(-1), { type: 'crawl.failed', verified: true, data: { id: crawl.id, error: 'no seed page could be crawled' } });
  // The receiver sees the 200 before the worker has written that attempt to the log: wait for the log, as a user would refresh it.
  const deliveries = () => call('GET', `/v1/webhooks/${hook.id}/deliveries`);
  await until(async () => (await deliveries()).json().items[0]?.deliveryState === 'succeeded', 'the successful attempt in the log');
  const log = assertContract(t, 'listWebhookDeliveries', await deliveries(), 200);
  t.same(log.items.map((a: { statusCode: number }) => a.statusCode).reverse(), flaky.map((c) => c.answered), 'the delivery log shows each attempt');
  t.match(log.items[0], { eventType: 'crawl.failed', deliveryState: 'succeeded', responseExcerpt: 'thanks' });
  t.match(log.items.at(-1), { statusCode: 503, responseExcerpt: 'not now' });
});

t.test('ping, manual redelivery, 410 disables, endless failure disables', async (t) => {
  const hook = await register('/ping');
  assertContract(t, 'pingWebhook', await call('POST', `/v1/webhooks/${hook.id}/ping`), 202);
  await until(() => receiver.calls.some((c) => c.path === '/ping' && c.type === 'webhook.ping'), 'the ping');
  const ping = receiver.calls.find((c) => c.path === '/ping')!;
  assertContract(t, 'redeliverWebhookEvent', await call('POST', `/v1/webhooks/${hook.id}/events/${ping.id}/redeliver`), 202);
  await until(() => receiver.calls.filter((c) => c.id === ping.id).length === 2, 'the redelivery');
  t.equal((await call('POST', `/v1/webhooks/${hook.id}/events/msg_nope/redeliver`)).statusCode, 404);

  const gone = await register('/gone');
  receiver.answerWith((path) => (path === '/gone' ? 410 : path === '/broken' ? 500 : 200));
  await call('POST', `/v1/webhooks/${gone.id}/ping`);
  await until(async () => !(await call('GET', `/v1/webhooks/${gone.id}`)).json().enabled, 'the 410 to disable');
  t.match((await call('GET', `/v1/webhooks/${gone.id}`)).json(), { enabled: false, disabledReason: 'the endpoint answered 410 Gone' });
  t.equal(receiver.calls.filter((c) => c.path === '/gone').length, 1, 'no retry after 410');

  const broken = await register('/broken');
  await call('POST', `/v1/webhooks/${broken.id}/ping`);
  await until(async () => !(await call('GET', `/v1/webhooks/${broken.id}`)).json().enabled, 'the schedule to run out');
  t.match((await call('GET', `/v1/webhooks/${broken.id}`)).json().disabledReason, /^deliveries failed for .* \(5 attempts\); last: HTTP 500$/);
  t.equal(receiver.calls.filter((c) => c.path === '/broken').length, 5, 'the first attempt and four retries');
  t.equal((await call('POST', `/v1/webhooks/${broken.id}/ping`)).json().code, 'webhook_disabled');
  receiver.answerWith(() => 200);
});

t.test('prospect.rechecked', async (t) => {
  await register('/rechecks', ['prospect.rechecked']);
  const [prospect] = await api.allProspects((await api.crawlToEnd({ seeds: [niche.seeds[1]!], scope: 'site' })).id);
  await call('POST', `/v1/prospects/${prospect.id}/recheck`);
  await until(() => receiver.calls.some((c) => c.path === '/rechecks'), 'prospect.rechecked');
  t.match(receiver.calls.find((c) => c.path === '/rechecks'), {
    type: 'prospect.rechecked', verified: true, data: { prospect: { id: prospect.id, recheck: { state: 'done' } } },
  });
});

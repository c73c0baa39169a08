import t from 'tap';
import { resolverFor } from '../support/fake-web.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { processorSetting } from '../support/job-runner.js';
import { createEvent } from '../../services/store/webhook-outbox.js';
import { createDeliveryProcessor } from '../../workers/webhooks.js';

// The delivery processor on its own: built from only what DeliveryDeps names, it takes a real delivery
// job and calls a receiver that checks signatures as an outreach tool would (Standard Webhooks).
const receiver = await startReceiver();
receiver.answerWith((path) => ({ '/down': 500, '/gone': 410 })[path] ?? 200);
const web = { resolver: resolverFor(() => ({ 'hooks.test': '127.0.0.1' })), close: () => receiver.close() };
// The first retry an hour away: a postponed job stays delayed for as long as a test could look at it.
const { env, runner } = await processorSetting(t, web, { env: { WEBHOOK_RETRY_SCHEDULE: '1h,2h', WEBHOOK_TIMEOUT_MS: '20000' } });

const { db, http, metrics, logger, queues, config } = env.runtime;
const processDelivery = createDeliveryProcessor({ db, http, metrics, logger, config: { webhooks: config.webhooks } });
const { key, accountId } = await env.newApiKey('webhooks-test');
const api = async (method: 'GET' | 'POST', url: string, payload?: object) =>
  (await env.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, payload })).json();

/** Registers an endpoint for the receiver's `path`, writes an event for it, enqueues and runs its delivery. */
async function deliverTo(path: string) {
  const endpoint = await api('POST', '/v1/webhooks', { url: receiver.url(path), events: ['prospect.rechecked'] });
  receiver.verifyWith(path, endpoint.secret);
  const [deliveryId] = await createEvent(db, {
    accountId, type: 'prospect.rechecked', endpointId: endpoint.id, data: { prospect: { id: '42', deadUrl: 'http://dead-shop.test/pruners' } },
  });
  await queues.enqueueDeliveries([deliveryId!]);
  const ran = await runner.run('webhooks', `delivery-${deliveryId}`, processDelivery);
  return { ran, endpointId: endpoint.id as string, calls: receiver.calls.filter((call) => call.path === path) };
}
/** The endpoint's delivery log, as its owner reads it. */
const attemptsOf = async (endpointId: string) => (await api('GET', `/v1/webhooks/${endpointId}/deliveries`)).items;

t.test('a delivery succeeds, signed', async (t) => {
  const { ran, endpointId, calls } = await deliverTo('/ok');
  t.equal(ran.state, 'completed');
  t.match(calls, [{ type: 'prospect.rechecked', data: { prospect: { id: '42' } }, verified: true, answered: 200 }], 'once, and the signature verifies');
  t.match(await attemptsOf(endpointId), [{ attempt: 1, statusCode: 200, error: null, responseExcerpt: 'thanks', deliveryState: 'succeeded' }]);
});

t.test('a 500 is logged and the delivery postponed on the retry schedule', async (t) => {
  const { ran, endpointId, calls } = await deliverTo('/down');
  t.equal(ran.error, null, 'not a failed job');
  t.equal(ran.state, 'delayed');
  const delay = (await queues.webhooks.getJob(ran.job.id!))!.delay;
  t.ok(delay >= 0.8 * 3_600_000 && delay <= 1.2 * 3_600_000, `the first wait of the schedule, with jitter (${delay} ms)`);
  t.match(calls, [{ verified: true, answered: 500 }]);
  t.match(await attemptsOf(endpointId), [{ attempt: 1, statusCode: 500, responseExcerpt: 'not now', deliveryState: 'pending' }]);
  t.match(await api('GET', `/v1/webhooks/${endpointId}`), { enabled: true, disabledReason: null });
});

t.test('a 410 disables the endpoint', async (t) => {
  const { ran, endpointId } = await deliverTo('/gone');
  t.equal(ran.state, 'completed', 'nothing left to retry');
  t.match(await attemptsOf(endpointId), [{ attempt: 1, statusCode: 410, deliveryState: 'failed' }]);
  t.match(await api('GET', `/v1/webhooks/${endpointId}`), { enabled: false, disabledReason: 'the endpoint answered 410 Gone' });
});

import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment } from '../support/environment.js';
import { apiClient } from '../support/api-client.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { startWorkerProcess, stopWorkerProcesses } from '../support/worker-processes.js';

// A worker process is killed (SIGKILL) while it waits on a delivery: another worker takes the job over
// once its lock lapses, and the event still arrives, with the same webhook-id.
const receiver = await startReceiver();
const hosts = { 'hooks.test': '127.0.0.1' };
const env = await startEnvironment({
  resolver: async () => [{ address: '127.0.0.1', family: 4 }],
  env: { JOB_LOCK_MS: '2000' },
});
const workerEnv = { JOB_LOCK_MS: '2000', WEBHOOK_TIMEOUT_MS: '20000', WEBHOOK_RETRY_SCHEDULE: '200ms,200ms,200ms' };
t.teardown(async () => {
  await env.close();
  await receiver.close();
});

t.test('an event survives the worker that was delivering it', async (t) => {
  const api = apiClient(env.app, (await env.newApiKey()).key);
  const hook = (await env.app.inject({
    method: 'POST', url: '/v1/webhooks', headers: api.headers, payload: { url: receiver.url('/crash'), events: ['crawl.completed'] },
  })).json();
  receiver.verifyWith('/crash', hook.secret);
  receiver.answerWith(() => 'hang');

  const first = await startWorkerProcess(env.config, hosts, workerEnv);
  await env.app.inject({ method: 'POST', url: `/v1/webhooks/${hook.id}/ping`, headers: api.headers });
  for (let i = 0; i < 200 && receiver.calls.length === 0; i++) await sleep(50);
  t.equal(receiver.calls.length, 1, 'the first worker is mid-delivery');
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));

  receiver.answerWith(() => 200);
  const second = await startWorkerProcess(env.config, hosts, workerEnv);
  t.teardown(() => stopWorkerProcesses([second]));
  for (let i = 0; i < 400 && !receiver.calls.some((c) => c.answered === 200); i++) await sleep(50);
  const delivered = receiver.calls.find((c) => c.answered === 200);
  t.ok(delivered, 'the event arrived through the second worker');
  t.equal(delivered?.id, receiver.calls[0]!.id, 'with the same webhook-id');
  t.equal(delivered?.verified, true);
});

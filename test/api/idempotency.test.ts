import t from 'tap';
import { startEnvironment } from '../support/environment.js';
import { assertContract } from '../support/contract.js';
import { startFakeWeb } from '../support/fake-web.js';

const web = await startFakeWeb({ 'site.test': {} });
const env = await startEnvironment({ resolver: web.resolver });
t.teardown(async () => {
  await env.close();
  await web.close();
});

t.test('Idempotency-Key: a retried create returns the first crawl', async (t) => {
  const { key } = await env.newApiKey('retrier');
  const create = (idempotencyKey: string, seeds: string[]) =>
    env.app.inject({
      method: 'POST', url: '/v1/crawls', payload: { seeds },
      headers: { authorization: `Bearer ${key}`, 'idempotency-key': idempotencyKey },
    });
  const seed = web.url('site.test', '/');
  const first = assertContract(t, 'createCrawl', await create('crawl-1', [seed]), 201);
  const again = await create('crawl-1', [seed]);
  assertContract(t, 'createCrawl', again, 201);
  t.equal(again.json().id, first.id, 'the same crawl');
  t.equal(again.headers['idempotent-replayed'], 'true');
  const different = await create('crawl-1', [web.url('site.test', '/other')]);
  assertContract(t, 'createCrawl', different, 422);
  t.equal(different.json().code, 'idempotency_key_reused');
  t.equal((await create('x'.repeat(256), [seed])).json().code, 'invalid_idempotency_key');
});

t.test('20 concurrent identical requests create one crawl', async (t) => {
  const { key, accountId } = await env.newApiKey('stampede');
  const headers = { authorization: `Bearer ${key}`, 'idempotency-key': 'stampede-1' };
  const answers = await Promise.all(
    Array.from({ length: 20 }, () => env.app.inject({ method: 'POST', url: '/v1/crawls', headers, payload: { seeds: [web.url('site.test', '/')] } })),
  );
  t.same([...new Set(answers.map((a) => a.statusCode))], [201]);
  t.equal(new Set(answers.map((a) => a.json().id)).size, 1, 'every answer names the same crawl');
  const { rows } = await env.runtime.db.query('SELECT count(*)::int AS n FROM crawls WHERE account_id = $1', [accountId]);
  t.equal(rows[0].n, 1);
  const jobs = await env.runtime.queues.pages.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
  t.ok(jobs.waiting + jobs.prioritized + jobs.delayed + jobs.active >= 1, 'and its seed was queued');
});

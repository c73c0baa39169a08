import t from 'tap';
import { ADMIN_TOKEN, startEnvironment } from '../support/environment.js';
import { assertContract } from '../support/contract.js';

// Input the schema language lets through but the service cannot store or use: a NUL character or an
// unpaired surrogate in text, a number that is not finite, a cursor that is not one we gave. Each is a
// 400 with what to fix, and changes nothing.
const env = await startEnvironment();
t.teardown(() => env.close());
const { key } = await env.newApiKey('probe');
const client = { authorization: `Bearer ${key}` };
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const forged = (position: object) => Buffer.from(JSON.stringify(position)).toString('base64url');
const count = async (table: string) => Number((await env.runtime.db.query(`SELECT count(*) FROM ${table}`)).rows[0].count);

t.test('text with NUL or an unpaired surrogate is refused, and nothing is written', async (t) => {
  const before = { accounts: await count('accounts'), audit: await count('admin_audit'), watches: await count('watches'), webhooks: await count('webhook_endpoints') };
  const cases: [string, 'POST' | 'PATCH' | 'GET', string, object | undefined, Record<string, string>, RegExp][] = [
    ['createAccount', 'POST', '/admin/api/accounts', { name: 'Acme\u0000' }, admin, /body\.name must not contain a NUL/],
    ['createAccount', 'POST', '/admin/api/accounts', { name: 'Acme \ud800' }, admin, /body\.name must be valid Unicode/],
    ['updateProspects', 'PATCH', '/v1/prospects', { ids: ['1'], notes: 'call\u0000back' }, client, /body\.notes/],
    ['updateProspect', 'PATCH', '/v1/prospects/1', { notes: 'half \udfff' }, client, /body\.notes must be valid Unicode/],
    ['createWebhook', 'POST', '/v1/webhooks', { url: 'https://hooks.example/in', events: ['crawl.completed'], description: '\u0000' }, client, /body\.description/],
    ['createWatch', 'POST', '/v1/watches', { name: 'a\u0000', crawl: { seeds: ['https://example.com/'] }, schedule: { every: 'daily' } }, client, /body\.name/],
    ['listAudit', 'GET', '/admin/api/audit?action=api%00key', undefined, admin, /querystring\.action/],
  ];
  for (const [operation, method, url, payload, headers, message] of cases) {
    const response = await env.app.inject({ method, url, payload, headers });
    const body = assertContract(t, operation, response, 400);
    t.equal(body.code, 'invalid_request', `${method} ${url}`);
    t.match(body.message, message);
  }
  t.same({ accounts: await count('accounts'), audit: await count('admin_audit'), watches: await count('watches'), webhooks: await count('webhook_endpoints') }, before, 'nothing written');
});

t.test('numbers that are not finite are refused', async (t) => {
  for (const [operation, url, headers] of [
    ['listCrawls', '/v1/crawls?limit=Infinity', client], ['adminListCrawls', '/admin/api/crawls?limit=Infinity', admin],
    ['listProspects', '/v1/prospects?minScore=-Infinity', client], ['listHosts', '/admin/api/hosts?limit=NaN', admin],
  ] as const) {
    const body = assertContract(t, operation, await env.app.inject({ method: 'GET', url, headers }), 400);
    t.equal(body.code, 'invalid_request', url);
  }
});

t.test('a cursor that is not one we gave is a 400', async (t) => {
  const notADate = forged({ createdAt: 'yesterday', id: '00000000-0000-4000-8000-000000000000' });
  const injected = forged({ createdAt: "2026-01-01 00:00:00+00'; --", id: '00000000-0000-4000-8000-000000000000' });
  for (const [operation, url, headers] of [
    ['listCrawls', `/v1/crawls?cursor=${notADate}`, client], ['adminListCrawls', `/admin/api/crawls?cursor=${notADate}`, admin],
    ['listCrawls', `/v1/crawls?cursor=${injected}`, client], ['listWatches', `/v1/watches?cursor=${notADate}`, client],
    ['listCrawls', '/v1/crawls?cursor=%E2%9C%93', client],
  ] as const) {
    const body = assertContract(t, operation, await env.app.inject({ method: 'GET', url, headers }), 400);
    t.equal(body.code, 'invalid_cursor', url);
  }
});

t.test('the admin sign-in: a non-ASCII next, a form over the limit', async (t) => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const signIn = await env.app.inject({
    method: 'POST', url: '/admin/login', headers: form,
    payload: new URLSearchParams({ name: 'dana', token: ADMIN_TOKEN, next: '/admin/crawls?q=café' }).toString(),
  });
  t.equal(signIn.statusCode, 303);
  t.equal(signIn.headers.location, '/admin/crawls?q=caf%C3%A9', 'the way back, percent-encoded as a browser sends it');
  const huge = await env.app.inject({ method: 'POST', url: '/admin/login', headers: form, payload: `name=${'x'.repeat(2 * 1024 * 1024)}` });
  t.equal(huge.statusCode, 413);
  t.match(huge.body, /larger than the admin accepts/);
});

import t from 'tap';
import { buildApp } from '../../services/app.js';
import { startEnvironment, ADMIN_TOKEN } from '../support/environment.js';
import { assertContract } from '../support/contract.js';

const env = await startEnvironment();
t.teardown(() => env.close());
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

t.test('an API key is issued once, for a new or an existing account, and stored only as a hash', async (t) => {
  const created = assertContract(
    t, 'createApiKey',
    await env.app.inject({ method: 'POST', url: '/admin/api/api-keys', headers: admin, payload: { name: 'acme' } }),
    201,
  );
  t.match(created.key, /^blb_live_[\w-]{40,}$/);
  const second = assertContract(
    t, 'createApiKey',
    await env.app.inject({
      method: 'POST', url: '/admin/api/api-keys', headers: admin, payload: { name: 'acme ci', accountId: created.accountId },
    }),
    201,
  );
  t.equal(second.accountId, created.accountId, 'the key joins the existing account');
  t.not(second.key, created.key);

  const { rows } = await env.runtime.db.query('SELECT * FROM api_keys');
  t.equal(rows.length, 2);
  t.notOk(JSON.stringify(rows).includes(created.key.slice(9)), 'the secret is not stored');

  for (const key of [created.key, second.key]) {
    const response = await env.app.inject({ method: 'GET', url: '/v1/crawls', headers: { authorization: `Bearer ${key}` } });
    t.equal(response.statusCode, 200, 'the key works');
  }
});

t.test('admin routes refuse callers without the admin token', async (t) => {
  const client = await env.newApiKey('client');
  const cases = [
    { headers: {}, status: 401 },
    { headers: { authorization: 'Bearer wrong-token-wrong-token' }, status: 401 },
    { headers: { authorization: `Bearer ${client.key}` }, status: 401 },
  ];
  for (const { headers, status } of cases) {
    const response = await env.app.inject({ method: 'POST', url: '/admin/api/api-keys', headers, payload: { name: 'x' } });
    t.equal(response.statusCode, status);
    t.equal(response.json().code, 'unauthorized');
  }
});

t.test('bad admin input is a 400 or 404 that says what to fix', async (t) => {
  const unknownAccount = await env.app.inject({
    method: 'POST', url: '/admin/api/api-keys', headers: admin,
    payload: { name: 'x', accountId: '00000000-0000-4000-8000-000000000000' },
  });
  t.equal(unknownAccount.statusCode, 404);
  t.equal(unknownAccount.json().message, 'account not found');
  const empty = await env.app.inject({ method: 'POST', url: '/admin/api/api-keys', headers: admin, payload: { name: '' } });
  t.equal(empty.statusCode, 400);
  t.match(empty.json(), { code: 'invalid_request', message: /body\.name/ });
  const extra = await env.app.inject({ method: 'POST', url: '/admin/api/api-keys', headers: admin, payload: { name: 'x', role: 'root' } });
  t.match(extra.json(), { code: 'invalid_request', message: "body has an unknown field 'role'" });
});

t.test('without ADMIN_TOKEN the admin API is disabled, not open', async (t) => {
  const app = await buildApp({ ...env.runtime, config: { ...env.runtime.config, adminToken: undefined } });
  t.teardown(() => app.close());
  for (const headers of [{}, admin]) {
    const response = await app.inject({ method: 'POST', url: '/admin/api/api-keys', headers, payload: { name: 'x' } });
    assertContract(t, 'createApiKey', response, 403);
    t.equal(response.json().code, 'admin_disabled');
  }
});

t.test('accounts with several keys; a revoked key is refused at once', async (t) => {
  const account = assertContract(t, 'createAccount',
    await env.app.inject({ method: 'POST', url: '/admin/api/accounts', headers: admin, payload: { name: 'Initech' } }), 201);
  const keys = [];
  for (const name of ['ci', 'outreach tool']) {
    keys.push(assertContract(t, 'createApiKey', await env.app.inject({
      method: 'POST', url: '/admin/api/api-keys', headers: admin, payload: { name, accountId: account.id },
    }), 201));
  }
  const listed = assertContract(t, 'listApiKeys',
    await env.app.inject({ method: 'GET', url: `/admin/api/accounts/${account.id}/api-keys`, headers: admin }), 200);
  t.same(listed.items.map((k: { name: string }) => k.name), ['ci', 'outreach tool']);
  t.notOk(JSON.stringify(listed).includes(keys[0].key), 'the secrets are never listed');
  t.equal(listed.items[0].keyPrefix, keys[0].key.slice(0, 13));

  const use = (key: string) => env.app.inject({ method: 'GET', url: '/v1/crawls', headers: { authorization: `Bearer ${key}` } });
  t.equal((await use(keys[0].key)).statusCode, 200);
  const revoked = assertContract(t, 'revokeApiKey',
    await env.app.inject({ method: 'DELETE', url: `/admin/api/api-keys/${keys[0].id}`, headers: admin }), 200);
  t.ok(revoked.revokedAt);
  const refused = await use(keys[0].key);
  t.equal(refused.statusCode, 401, 'the very next request is refused');
  t.equal(refused.json().message, 'the API key is unknown or revoked');
  t.equal((await use(keys[1].key)).statusCode, 200, "the account's other key still works");

  const accounts = assertContract(t, 'listAccounts', await env.app.inject({ method: 'GET', url: '/admin/api/accounts', headers: admin }), 200);
  t.match(accounts.items.find((a: { id: string }) => a.id === account.id), { name: 'Initech', activeKeys: 1, crawls: 0 });
  t.equal((await env.app.inject({ method: 'DELETE', url: '/admin/api/api-keys/not-a-key', headers: admin })).statusCode, 404);
});

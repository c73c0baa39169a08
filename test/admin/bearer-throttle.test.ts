import t, { type Test } from 'tap';
import type { FastifyRequest } from 'fastify';
import { buildApp } from '../../services/app.js';
import { createAdminSessions, type EndedSessions } from '../../services/admin/session.js';
import { ADMIN_TOKEN, startEnvironment } from '../support/environment.js';

// Wrong admin bearer tokens are counted per client address and the name it gives, in Redis: ten are
// heard, then each further one waits, longer each time. The right token always gets in, from anywhere.
const env = await startEnvironment();
t.teardown(() => env.close());
const { redis } = env.runtime;
const prefix = env.config.queuePrefix;
const ALLOWED = 10;

type Caller = { from: string; name?: string };
const headersOf = (token: string, name?: string) => ({ authorization: `Bearer ${token}`, ...(name ? { 'x-admin-actor': name } : {}) });
const call = (token: string, { from, name }: Caller, url = '/admin/api/queues') =>
  env.app.inject({ method: 'GET', url, remoteAddress: from, headers: headersOf(token, name) });
let guesses = 0;
const wrongToken = () => `wrong-admin-token-${++guesses}-xxxxxxxx`;

async function failHeard(t: Test, caller: Caller, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const response = await call(wrongToken(), caller);
    t.equal(response.statusCode, 401, `wrong token ${i + 1} from ${caller.from} is heard`);
    t.equal(response.json().code, 'unauthorized');
  }
}

/** Asserts a 429 with a stable code and a Retry-After of seconds within (above, atMost]; returns it. */
function assertWaits(t: Test, response: Awaited<ReturnType<typeof call>>, above: number, atMost: number): number {
  t.equal(response.statusCode, 429);
  t.match(response.json(), { code: 'too_many_failed_attempts', message: /retry in \d+ s with the right token/ });
  const seconds = Number(response.headers['retry-after']);
  t.ok(Number.isInteger(seconds) && seconds > above && seconds <= atMost, `Retry-After ${response.headers['retry-after']} within (${above}, ${atMost}]`);
  return seconds;
}

/** The Redis keys of one client address's bearer failures (`kind`: failures or wait). */
const keysOf = async (kind: 'failures' | 'wait', from: string) => redis.keys(`${prefix}:admin-bearer-${kind}:${from}:*`);

/** Lets Redis expire the keys now, as it would when their time is up, and waits until they are gone. */
async function letExpire(kind: 'failures' | 'wait', from: string): Promise<void> {
  for (const key of await keysOf(kind, from)) await redis.pexpire(key, 1);
  while ((await keysOf(kind, from)).length > 0) await new Promise((resolve) => setTimeout(resolve, 20));
}

t.test('after ten wrong tokens the next one waits; the right token still gets in, and others are not affected', async (t) => {
  const ci = { from: '192.0.2.10', name: 'ci-bot' };
  await failHeard(t, ci, ALLOWED);
  assertWaits(t, await call(wrongToken(), ci), 0, 60);

  t.equal((await call(ADMIN_TOKEN, ci)).statusCode, 200, 'the right token from the same address and name gets in during the wait');
  t.equal((await call(ADMIN_TOKEN, { from: ci.from })).statusCode, 200, 'and without a name');
  const created = await env.app.inject({ method: 'POST', url: '/admin/api/accounts', remoteAddress: ci.from, headers: headersOf(ADMIN_TOKEN, ci.name), payload: { name: 'Waiting Co' } });
  t.equal(created.statusCode, 201, 'changes too');
  assertWaits(t, await call(wrongToken(), ci), 0, 60);

  const refused = await env.app.inject({ method: 'POST', url: '/admin/api/accounts', remoteAddress: ci.from, headers: headersOf(wrongToken(), ci.name), payload: { name: 'Guessed Co' } });
  assertWaits(t, refused, 0, 60);
  t.equal((await env.runtime.db.query(`SELECT count(*)::int AS n FROM accounts WHERE name = 'Guessed Co'`)).rows[0].n, 0, 'nothing was created');
  const page = await call(wrongToken(), ci, '/admin/crawls');
  t.equal(page.statusCode, 429, 'the pages wait too');
  t.ok(Number(page.headers['retry-after']) > 0, 'with Retry-After');

  t.equal((await call(wrongToken(), { from: '192.0.2.11', name: ci.name })).statusCode, 401, 'another address is heard');
  t.equal((await call(wrongToken(), { from: ci.from, name: 'deploy-bot' })).statusCode, 401, 'another name from the address is heard');
  t.equal((await call(wrongToken(), { from: ci.from })).statusCode, 401, 'no name from the address is heard');
});

t.test('the wait grows with each failure after it; wrong tokens during a wait are not counted', async (t) => {
  const caller = { from: '192.0.2.20' };
  await failHeard(t, caller, ALLOWED);
  for (let i = 0; i < 5; i++) assertWaits(t, await call(wrongToken(), caller), 0, 60);
  await letExpire('wait', caller.from);
  await failHeard(t, caller, 1);
  assertWaits(t, await call(wrongToken(), caller), 60, 120);
  await letExpire('wait', caller.from);
  await failHeard(t, caller, 1);
  assertWaits(t, await call(wrongToken(), caller), 120, 240);
  t.equal((await call(ADMIN_TOKEN, caller)).statusCode, 200, 'the right token still gets in');
});

t.test('the count forgets a caller after the window', async (t) => {
  const caller = { from: '192.0.2.30', name: 'cron' };
  await failHeard(t, caller, ALLOWED - 1);
  const [key] = await keysOf('failures', caller.from);
  const ttl = await redis.ttl(key!);
  t.ok(ttl > 0 && ttl <= 15 * 60, `the count expires within the 15-minute window (${ttl} s)`);
  await letExpire('failures', caller.from);
  await failHeard(t, caller, ALLOWED);
  assertWaits(t, await call(wrongToken(), caller), 0, 60);
});

t.test('behind a trusted proxy, each forwarded client is counted on its own', async (t) => {
  const app = await buildApp({ ...env.runtime, config: { ...env.runtime.config, trustedProxies: ['127.0.0.0/8'] } });
  t.teardown(() => app.close());
  const via = (token: string, client: string) =>
    app.inject({ method: 'GET', url: '/admin/api/queues', headers: { ...headersOf(token), 'x-forwarded-for': client } });
  for (let i = 0; i < ALLOWED; i++) t.equal((await via(wrongToken(), '203.0.113.5')).statusCode, 401);
  assertWaits(t, await via(wrongToken(), '203.0.113.5'), 0, 60);
  t.equal((await via(wrongToken(), '203.0.113.6')).statusCode, 401, 'another client behind the same proxy is heard');
  t.equal((await via(ADMIN_TOKEN, '203.0.113.5')).statusCode, 200, 'the right token gets in');
});

t.test('Redis unreachable: a wrong token is a plain 401, never a lockout; the right one gets in', async (t) => {
  const down = () => Promise.reject(new Error('Connection is closed.'));
  const redisDown = { set: down, exists: down, pttl: down, multi: () => ({ incr: () => ({ expire: () => ({ exec: down }) }) }) };
  const sessions = createAdminSessions(ADMIN_TOKEN, { redis: redisDown, keyPrefix: prefix } as unknown as EndedSessions);
  const warnings: unknown[] = [];
  const request = (token: string) =>
    ({ headers: headersOf(token), ip: '192.0.2.40', method: 'GET', log: { warn: (...args: unknown[]) => warnings.push(args) } }) as unknown as FastifyRequest;
  for (let i = 0; i < ALLOWED + 2; i++) await t.rejects(sessions.authenticate(request(wrongToken())), { statusCode: 401, code: 'unauthorized' });
  t.equal(warnings.length, ALLOWED + 2, 'each uncounted failure is logged');
  t.match(await sessions.authenticate(request(ADMIN_TOKEN)), { actor: 'admin-token', ip: '192.0.2.40' });
});

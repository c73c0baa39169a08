import t from 'tap';
import { buildApp } from '../../services/app.js';
import { startEnvironment, ADMIN_TOKEN } from '../support/environment.js';

const env = await startEnvironment();
t.teardown(() => env.close());
const host = 'admin.example:3000';
const sameSite = { host, origin: `http://${host}` };

function form(fields: Record<string, string>) {
  return { 'content-type': 'application/x-www-form-urlencoded', payload: new URLSearchParams(fields).toString() };
}

async function signIn(name = 'Dana', token = ADMIN_TOKEN, app = env.app) {
  const { payload, ...type } = form({ name, token, next: '/admin/crawls' });
  return app.inject({ method: 'POST', url: '/admin/login', headers: { ...sameSite, ...type }, payload });
}

async function session(name = 'Dana'): Promise<Record<string, string>> {
  const response = await signIn(name);
  const cookie = String(response.headers['set-cookie']).split(';')[0]!;
  return { ...sameSite, cookie };
}

/** A Set-Cookie header as a browser reads it: the name=value pair, then attributes in any order. */
function setCookie(header: unknown): { pair: string; attributes: string[] } {
  const [pair, ...attributes] = String(header).split('; ');
  return { pair: pair!, attributes: attributes.sort() };
}
const SESSION_ATTRIBUTES = ['HttpOnly', 'Max-Age=43200', 'Path=/admin', 'SameSite=Strict'];

const auditOf = async (action: string) =>
  (await env.runtime.db.query('SELECT actor, action, target, detail FROM admin_audit WHERE action = $1 ORDER BY id', [action])).rows;

t.test('a visitor without a session is sent to the login page; a client key opens nothing', async (t) => {
  const page = await env.app.inject({ method: 'GET', url: '/admin/crawls?status=running', headers: { host } });
  t.equal(page.statusCode, 303);
  t.equal(page.headers.location, '/admin/login?next=%2Fadmin%2Fcrawls%3Fstatus%3Drunning');
  const login = await env.app.inject({ method: 'GET', url: page.headers.location as string });
  t.equal(login.statusCode, 200);
  t.match(login.body, /name="token" type="password"/);

  const client = await env.newApiKey('client');
  const asClient = { authorization: `Bearer ${client.key}` };
  t.equal((await env.app.inject({ method: 'GET', url: '/admin/api/queues', headers: asClient })).statusCode, 401);
  t.equal((await env.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: asClient })).statusCode, 401);
  t.equal((await env.app.inject({ method: 'GET', url: '/admin', headers: asClient })).headers.location, '/admin/login?next=%2Fadmin');
  t.equal((await env.app.inject({ method: 'GET', url: '/admin/queues', headers: {} })).statusCode, 303, 'the queue board too');
});

t.test('signing in: a wrong token is refused and audited; the right one starts a session', async (t) => {
  const wrong = await signIn('Mallory', 'not-the-token-at-all');
  t.equal(wrong.statusCode, 401);
  t.match(wrong.body, /That is not the admin token/);
  t.notOk(wrong.headers['set-cookie']);
  t.match(await auditOf('login.failed'), [{ actor: 'Mallory', target: null }]);

  const right = await signIn('Dana');
  t.equal(right.statusCode, 303);
  t.equal(right.headers.location, '/admin/crawls', 'back where the visitor was going');
  const started = setCookie(right.headers['set-cookie']);
  t.match(started.pair, /^blb_admin=[\w-]+\.[\w-]+$/);
  t.same(started.attributes, SESSION_ATTRIBUTES, 'HttpOnly, SameSite=Strict, the admin only, 12 hours');
  t.match(await auditOf('login'), [{ actor: 'Dana' }]);

  const headers = await session();
  const fleet = await env.app.inject({ method: 'GET', url: '/admin', headers });
  t.equal(fleet.statusCode, 200);
  t.match(fleet.body, /signed in as <strong>Dana<\/strong>/);
  t.match(fleet.body, /<tr data-queue="checks">/);
  const among = { ...headers, cookie: `theme=dark; ${headers.cookie}; other="x"` };
  t.equal((await env.app.inject({ method: 'GET', url: '/admin', headers: among })).statusCode, 200, 'other cookies of the host do not get in the way');

  const tampered = { ...headers, cookie: headers.cookie!.replace(/\.[\w-]+$/, '.forged') };
  t.equal((await env.app.inject({ method: 'GET', url: '/admin', headers: tampered })).statusCode, 303, 'a forged session is no session');
  const elsewhere = await buildApp({ ...env.runtime, config: { ...env.runtime.config, adminToken: 'another-admin-token-123' } });
  t.teardown(() => elsewhere.close());
  t.equal((await elsewhere.inject({ method: 'GET', url: '/admin', headers })).statusCode, 303, 'changing ADMIN_TOKEN ends every session');

  const offsite = await signIn('Dana');
  const { payload, ...type } = form({ name: 'Dana', token: ADMIN_TOKEN, next: 'https://evil.example/' });
  const redirected = await env.app.inject({ method: 'POST', url: '/admin/login', headers: { ...sameSite, ...type }, payload });
  t.equal(redirected.headers.location, '/admin', 'never sent off the admin after signing in');
  t.equal(offsite.statusCode, 303);
});

t.test('signing out ends the session on the server, removes the cookie from the browser and is audited', async (t) => {
  const headers = await session('Lee');
  const other = await session('Kim');
  const out = await env.app.inject({ method: 'POST', url: '/admin/logout', headers });
  t.equal(out.statusCode, 303);
  const again = await env.app.inject({ method: 'GET', url: '/admin', headers });
  t.equal(again.statusCode, 303, 'a copy of the ended session\'s cookie opens nothing');
  t.equal(again.headers.location, '/admin/login?next=%2Fadmin');
  t.equal((await env.app.inject({ method: 'GET', url: '/admin', headers: other })).statusCode, 200, 'another session goes on');
  t.equal(out.headers.location, '/admin/login');
  t.same(setCookie(out.headers['set-cookie']), { pair: 'blb_admin=', attributes: ['HttpOnly', 'Max-Age=0', 'Path=/admin', 'SameSite=Strict'] });
  t.match(await auditOf('logout'), [{ actor: 'Lee' }]);
});

t.test('changes made with a session must come from the admin itself', async (t) => {
  const headers = await session();
  const { origin: _origin, ...noOrigin } = headers;
  const account = form({ name: 'Cross-site Co' });
  const missing = await env.app.inject({ method: 'POST', url: '/admin/accounts', headers: { ...noOrigin, 'content-type': account['content-type'] }, payload: account.payload });
  t.equal(missing.statusCode, 403);
  t.match(missing.body, /must come from the admin itself/);
  const evil = await env.app.inject({
    method: 'POST', url: '/admin/api/accounts', headers: { ...headers, origin: 'https://evil.example' }, payload: { name: 'Evil Co' },
  });
  t.match(evil.json(), { code: 'cross_site_request' });
  const board = await env.app.inject({ method: 'PUT', url: '/admin/queues/api/queues/checks/pause', headers: noOrigin });
  t.equal(board.statusCode, 403);
  t.equal((await env.runtime.db.query(`SELECT count(*)::int AS n FROM accounts WHERE name LIKE '%Co'`)).rows[0].n, 0, 'nothing was created');
  t.notOk(await env.runtime.queues.checks.isPaused());
});

t.test('accounts and keys from the pages: create, issue (shown once), revoke; all audited', async (t) => {
  const headers = await session('Dana');
  const created = form({ name: '<script>alert(1)</script> Gardens' });
  const account = await env.app.inject({ method: 'POST', url: '/admin/accounts', headers: { ...headers, 'content-type': created['content-type'] }, payload: created.payload });
  t.equal(account.statusCode, 303);
  const accountPath = String(account.headers.location).split('?')[0]!;
  t.match(accountPath, /^\/admin\/accounts\/[0-9a-f-]{36}$/);
  const accountId = accountPath.split('/').pop()!;

  const shown = await env.app.inject({ method: 'GET', url: String(account.headers.location), headers });
  t.match(shown.body, /&#60;script&#62;alert\(1\)&#60;\/script&#62; Gardens/, 'names are escaped');
  t.notMatch(shown.body, /<script>alert/);
  t.match(shown.body, /role="status">Account &#60;script&#62;/, 'the notice says what happened');
  const spoofed = await env.app.inject({ method: 'GET', url: `${accountPath}?notice=Send+your+token+to+evil`, headers: { ...headers, 'sec-fetch-site': 'cross-site' } });
  t.notMatch(spoofed.body, /evil/, 'a link from another site brings no notice');

  const keyForm = form({ name: 'outreach tool' });
  const issued = await env.app.inject({
    method: 'POST', url: `/admin/accounts/${accountId}/api-keys`, headers: { ...headers, 'content-type': keyForm['content-type'] }, payload: keyForm.payload,
  });
  t.equal(issued.statusCode, 200);
  t.equal(issued.headers['cache-control'], 'no-store');
  const key = /id="issued-key">(blb_live_[\w-]+)</.exec(issued.body)?.[1];
  t.ok(key, 'the new key is on the page');
  const use = () => env.app.inject({ method: 'GET', url: '/v1/crawls', headers: { authorization: `Bearer ${key}` } });
  t.equal((await use()).statusCode, 200, 'and it works');
  const again = await env.app.inject({ method: 'GET', url: accountPath, headers });
  t.notOk(again.body.includes(key!), 'never shown again');
  t.match(again.body, /outreach tool/);

  const keyId = /data-key="([0-9a-f-]{36})"/.exec(again.body)![1]!;
  const revoked = await env.app.inject({ method: 'POST', url: `/admin/api-keys/${keyId}/revoke`, headers });
  t.equal(revoked.statusCode, 303);
  t.match(decodeURIComponent(String(revoked.headers.location)), /Key outreach tool \(blb_live_[\w-]+…\) revoked/);
  t.equal((await use()).statusCode, 401, 'the key is refused at once');

  t.match(await auditOf('account.create'), [{ actor: 'Dana', target: accountId, detail: { name: '<script>alert(1)</script> Gardens' } }]);
  t.match((await auditOf('api_key.issue')).at(-1), { actor: 'Dana', target: keyId, detail: { accountId, name: 'outreach tool' } });
  t.match(await auditOf('api_key.revoke'), [{ actor: 'Dana', target: keyId }]);
  const auditPage = await env.app.inject({ method: 'GET', url: '/admin/audit', headers });
  t.match(auditPage.body, new RegExp(`<td>Dana</td><td><code>api_key.revoke</code></td>\\s*<td>${keyId}</td>`), 'readable in the admin');

  const bad = await env.app.inject({ method: 'POST', url: '/admin/accounts', headers: { ...headers, ...{ 'content-type': 'application/x-www-form-urlencoded' } }, payload: 'name=' });
  t.equal(bad.statusCode, 400);
  t.match(bad.body, /an account needs a name of 1 to 200 characters/);
});

t.test('the queue board: reachable with a session, its changes audited, destructive ones refused', async (t) => {
  const headers = await session('Sam');
  const page = await env.app.inject({ method: 'GET', url: '/admin/queues', headers });
  t.equal(page.statusCode, 200);
  t.match(page.body, /blb queues/);
  const queues = await env.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers });
  t.same(queues.json().queues.map((queue: { name: string }) => queue.name).sort(), ['archive', 'checks', 'domains', 'links', 'pages', 'rechecks', 'watches', 'webhooks']);

  const paused = await env.app.inject({ method: 'PUT', url: '/admin/queues/api/queues/pages/pause', headers });
  t.ok(paused.statusCode < 300, `paused (${paused.statusCode})`);
  t.ok(await env.runtime.queues.pages.isPaused());
  await env.app.inject({ method: 'PUT', url: '/admin/queues/api/queues/pages/resume', headers });
  t.notOk(await env.runtime.queues.pages.isPaused());
  t.match(await auditOf('queue.pause'), [{ actor: 'Sam', target: 'pages', detail: { via: 'queue board' } }]);
  t.match(await auditOf('queue.resume'), [{ actor: 'Sam', target: 'pages' }]);

  const waiting = await env.runtime.queues.rechecks.add('recheck', { prospectId: 1 }, { jobId: 'recheck-kept' });
  const board = (method: 'POST' | 'PUT' | 'PATCH', path: string) =>
    env.app.inject({ method, url: `/admin/queues/api/queues/${path}`, headers, payload: {} });
  for (const [method, path] of [
    ['PUT', 'pages/empty'], ['PUT', 'pages/obliterate'], ['POST', 'pages/add'], ['POST', 'pages/%61dd'],
    ['PATCH', `rechecks/${waiting.id}/update-dat%61`], ['PUT', 'pages/clean/wait'], ['PUT', 'pages/clean/delayed'],
    ['PUT', `rechecks/${waiting.id}/clean`],
  ] as const) {
    const refused = await board(method, path);
    t.equal(refused.statusCode, 403, `${method} ${path} refused`);
    t.equal(refused.json().code, 'board_action_refused');
  }
  t.ok(await env.runtime.queues.rechecks.getJob('recheck-kept'), 'the waiting job is still there');
  t.equal((await board('PUT', 'pages/clean/completed')).statusCode < 300, true, 'settled jobs can be cleaned');
  t.match(await auditOf('queue.clean'), [{ actor: 'Sam', target: 'pages', detail: { state: 'completed', via: 'queue board' } }]);
  await waiting.remove();
});

t.test('behind a trusted proxy: the forwarded host, https and client address count', async (t) => {
  const app = await buildApp({ ...env.runtime, config: { ...env.runtime.config, trustedProxies: ['127.0.0.0/8'] } });
  t.teardown(() => app.close());
  const forwarded = { host: 'internal:3000', 'x-forwarded-host': 'admin.example.com', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' };
  const { payload, ...type } = form({ name: 'Pat', token: ADMIN_TOKEN, next: '/admin' });
  const signedIn = await app.inject({ method: 'POST', url: '/admin/login', headers: { ...forwarded, ...type }, payload });
  t.same(setCookie(signedIn.headers['set-cookie']).attributes, [...SESSION_ATTRIBUTES, 'Secure'], 'the cookie is Secure');
  t.match((await auditOf('login')).at(-1), { actor: 'Pat' });
  const ip = (await env.runtime.db.query(`SELECT ip FROM admin_audit WHERE actor = 'Pat'`)).rows[0].ip;
  t.equal(ip, '203.0.113.9', 'the audit log has the client, not the proxy');
  const cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
  const created = await app.inject({
    method: 'POST', url: '/admin/api/accounts', headers: { ...forwarded, cookie, origin: 'https://admin.example.com' }, payload: { name: 'Proxied Co' },
  });
  t.equal(created.statusCode, 201, 'the same-origin check compares with the forwarded host');
});

t.test('without ADMIN_TOKEN the admin is disabled, not open', async (t) => {
  const app = await buildApp({ ...env.runtime, config: { ...env.runtime.config, adminToken: undefined } });
  t.teardown(() => app.close());
  for (const url of ['/admin', '/admin/login', '/admin/crawls']) {
    const response = await app.inject({ method: 'GET', url });
    t.equal(response.statusCode, 403, url);
    t.match(response.body, /Set <code>ADMIN_TOKEN<\/code>/);
  }
  const api = await app.inject({ method: 'GET', url: '/admin/api/queues', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  t.match(api.json(), { code: 'admin_disabled' });
  t.equal((await app.inject({ method: 'GET', url: '/admin/queues/api/queues' })).statusCode, 403);
});

t.test('failed sign-ins are limited per address', async (t) => {
  let last;
  for (let i = 0; i < 11; i++) last = await signIn('Guesser', `guess-${i}-xxxxxxxxxxxx`);
  t.equal(last!.statusCode, 429);
  t.match(last!.body, /Too many failed sign-ins/);
  t.equal((await signIn('Dana')).statusCode, 429, 'even the right token waits');
});

import t, { type Test } from 'tap';
import { ADMIN_TOKEN, startEnvironment } from '../support/environment.js';
import { assertContract } from '../support/contract.js';
import { loadConfig } from '../../services/config.js';
import { decodeCursor, encodeCursor, isCreatedCursor, useCursorSecret } from '../../services/web/cursor.js';

// Cursors are signed: paging works as before, and a cursor the service did not issue (edited, forged,
// from before signing, of another list) is a 400 invalid_cursor that says what to fix, and changes nothing.
const env = await startEnvironment();
t.teardown(() => env.close());
const { db } = env.runtime;
const acme = await env.newApiKey('acme');
const globex = await env.newApiKey('globex');
const as = (key: string) => ({ authorization: `Bearer ${key}` });
const admin = as(ADMIN_TOKEN);

/** `count` crawls of the account, one a minute apart, newest first. */
async function insertCrawls(accountId: string, count: number): Promise<string[]> {
  const { rows } = await db.query(
    `INSERT INTO crawls (account_id, scope, seeds, max_depth, max_pages, respect_robots, status, created_at)
     SELECT $1, 'site', '{http://src.test/}', 2, 10, true, 'completed', now() - g * interval '1 minute'
     FROM generate_series(1, $2::int) g ORDER BY g RETURNING id::text`,
    [accountId, count],
  );
  return rows.map((row) => row.id);
}

/** A crawl of the account with `count` prospects of scores 1 to `count`, each on its own source page. */
async function insertProspects(accountId: string, count: number): Promise<string> {
  const [crawlId] = await insertCrawls(accountId, 1);
  await db.query(
    `INSERT INTO pages (crawl_id, url, depth, state, title, domain)
     SELECT $1, 'http://src-' || g || '.test/page', 1, 'crawled', 'Source ' || g, 'src-' || g || '.test' FROM generate_series(1, $2::int) g`,
    [crawlId, count],
  );
  await db.query(
    `WITH inserted AS (
       INSERT INTO prospects (account_id, crawl_id, source_page_id, source_url, dead_url, reason, anchor_text, rel, score, source_domain, dead_domain, context)
       SELECT $1, $2, p.id, p.url, 'http://dead-' || g || '.test/x', 'not_found', 'a link', '', g, p.domain, 'dead-' || g || '.test', ''
       FROM generate_series(1, $3::int) g JOIN pages p ON p.crawl_id = $2 AND p.url = 'http://src-' || g || '.test/page'
       RETURNING id, crawl_id, source_page_id)
     INSERT INTO prospect_sightings (crawl_id, prospect_id, source_page_id) SELECT crawl_id, id, source_page_id FROM inserted`,
    [accountId, crawlId, count],
  );
  return crawlId!;
}

const acmeCrawls = await insertCrawls(acme.accountId, 5);
const globexCrawls = await insertCrawls(globex.accountId, 2);
const prospectCrawl = await insertProspects(acme.accountId, 7);

/** Every page of a list, following nextCursor; the ids in order, and every cursor given. */
async function pageThrough(t: Test, operation: string, url: (cursor: string | null) => string, headers: Record<string, string>) {
  const ids: string[] = [];
  const cursors: string[] = [];
  let cursor: string | null = null;
  do {
    const page = assertContract(t, operation, await env.app.inject({ method: 'GET', url: url(cursor), headers }), 200);
    ids.push(...page.items.map((item: { id: string }) => String(item.id)));
    cursor = page.nextCursor;
    if (cursor) cursors.push(cursor);
  } while (cursor);
  return { ids, cursors };
}
const withCursor = (path: string) => (cursor: string | null) => `${path}${cursor ? `&cursor=${cursor}` : ''}`;

const state = async () => (await db.query(
  `SELECT (SELECT count(*) FROM crawls)::int AS crawls, (SELECT count(*) FROM prospects)::int AS prospects,
     (SELECT count(*) FROM admin_audit)::int AS audit, (SELECT max(updated_at) FROM prospects) AS "prospectsUpdated"`,
)).rows[0];

/** Asserts a 400 invalid_cursor whose message says what to fix. */
async function refused(t: Test, operation: string, url: string, headers: Record<string, string>, message: RegExp) {
  const body = assertContract(t, operation, await env.app.inject({ method: 'GET', url, headers }), 400);
  t.equal(body.code, 'invalid_cursor', url);
  t.match(body.message, message, url);
}
const NOT_OURS = /cursor is not one this service issued: pass nextCursor from the previous page unchanged/;
const NOT_THIS_LIST = /cursor was issued for another list or sort order/;

/** The cursor with its character at `index` (negative: from the end) replaced by another base64url character. */
function flip(cursor: string, index: number): string {
  const at = index < 0 ? cursor.length + index : index;
  const replacement = cursor[at] === 'A' ? 'B' : 'A';
  return `${cursor.slice(0, at)}${replacement}${cursor.slice(at + 1)}`;
}
const payloadOf = (cursor: string) => JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString('utf8'));
const reencoded = (position: unknown, signature: string) => `${Buffer.from(JSON.stringify(position)).toString('base64url')}.${signature}`;

t.test('paging works end to end on /v1/crawls, /v1/prospects and /admin/api/crawls, with signed cursors', async (t) => {
  const crawls = await pageThrough(t, 'listCrawls', withCursor('/v1/crawls?limit=2'), as(acme.key));
  t.same(crawls.ids, [prospectCrawl, ...acmeCrawls], 'every crawl of the account once, newest first');
  t.equal(crawls.cursors.length, 2);
  for (const cursor of crawls.cursors) t.match(cursor, /^[\w-]+\.[\w-]{22}$/, 'a payload and its 16-byte signature, both base64url');

  for (const sort of ['firstSeen', 'score', 'relevance']) {
    const prospects = await pageThrough(t, 'listProspects', withCursor(`/v1/prospects?crawlId=${prospectCrawl}&sort=${sort}&limit=3`), as(acme.key));
    t.equal(prospects.ids.length, 7, `${sort}: seven prospects`);
    t.equal(new Set(prospects.ids).size, 7, `${sort}: none twice`);
  }

  const all = await pageThrough(t, 'adminListCrawls', withCursor('/admin/api/crawls?limit=2'), admin);
  t.same(new Set(all.ids), new Set([prospectCrawl, ...acmeCrawls, ...globexCrawls]), 'the admin pages through every account\'s crawls');
  t.equal(all.ids.length, 8);
});

t.test('a cursor with one character changed is refused', async (t) => {
  const before = await state();
  const { nextCursor } = (await env.app.inject({ method: 'GET', url: '/v1/crawls?limit=2', headers: as(acme.key) })).json();
  const { nextCursor: adminCursor } = (await env.app.inject({ method: 'GET', url: '/admin/api/crawls?limit=2', headers: admin })).json();
  const { nextCursor: prospectCursor } = (await env.app.inject({
    method: 'GET', url: `/v1/prospects?crawlId=${prospectCrawl}&limit=2`, headers: as(acme.key),
  })).json();
  // The last character of a 16-byte signature carries padding bits too: changing only those must not pass either.
  for (const index of [0, 5, nextCursor.indexOf('.') - 1, nextCursor.indexOf('.') + 1, -1]) {
    await refused(t, 'listCrawls', `/v1/crawls?limit=2&cursor=${flip(nextCursor, index)}`, as(acme.key), NOT_OURS);
  }
  await refused(t, 'adminListCrawls', `/admin/api/crawls?limit=2&cursor=${flip(adminCursor, 3)}`, admin, NOT_OURS);
  await refused(t, 'listProspects', `/v1/prospects?crawlId=${prospectCrawl}&limit=2&cursor=${flip(prospectCursor, -2)}`, as(acme.key), NOT_OURS);
  for (const mangled of [`${nextCursor}.x`, nextCursor.split('.')[0], `${nextCursor}=`, `.${nextCursor.split('.')[1]}`, `${nextCursor.replace('.', '..')}`]) {
    await refused(t, 'listCrawls', `/v1/crawls?cursor=${encodeURIComponent(mangled!)}`, as(acme.key), NOT_OURS);
  }
  t.same(await state(), before, 'nothing changed');
});

t.test('a forged payload is refused: not a date, another crawl\'s keys, the unsigned cursors of before', async (t) => {
  const before = await state();
  const { nextCursor } = (await env.app.inject({ method: 'GET', url: '/v1/crawls?limit=2', headers: as(acme.key) })).json();
  const signature = nextCursor.split('.')[1];
  const position = payloadOf(nextCursor);
  t.match(position, { createdAt: String, id: acmeCrawls[0] }, 'the payload is the keyset position');
  const { rows: [other] } = await db.query('SELECT created_at::text AS "createdAt", id::text FROM crawls WHERE id = $1', [globexCrawls[1]]);
  const forgeries = [
    reencoded({ ...position, createdAt: 'yesterday' }, signature),
    reencoded({ ...position, createdAt: "2026-01-01 00:00:00+00'; --" }, signature),
    reencoded(other, signature),
    reencoded({ ...position, id: acmeCrawls[4] }, signature),
    // What the service issued before cursors were signed.
    Buffer.from(JSON.stringify(position)).toString('base64url'),
    Buffer.from(JSON.stringify(other)).toString('base64url'),
  ];
  for (const forged of forgeries) {
    await refused(t, 'listCrawls', `/v1/crawls?limit=2&cursor=${forged}`, as(acme.key), NOT_OURS);
    await refused(t, 'adminListCrawls', `/admin/api/crawls?limit=2&cursor=${forged}`, admin, NOT_OURS);
    await refused(t, 'listWatches', `/v1/watches?limit=2&cursor=${forged}`, as(acme.key), NOT_OURS);
  }
  const { nextCursor: prospectCursor } = (await env.app.inject({
    method: 'GET', url: `/v1/prospects?crawlId=${prospectCrawl}&sort=score&limit=2`, headers: as(acme.key),
  })).json();
  const prospectSignature = prospectCursor.split('.')[1];
  await refused(t, 'listProspects', `/v1/prospects?sort=score&cursor=${reencoded({ ...payloadOf(prospectCursor), score: 1e6 }, prospectSignature)}`, as(acme.key), NOT_OURS);
  await refused(t, 'listProspects', `/v1/prospects?sort=firstSeen&cursor=${reencoded({ ...payloadOf(prospectCursor), sort: 'firstSeen' }, prospectSignature)}`, as(acme.key), NOT_OURS);
  t.same(await state(), before, 'nothing changed');
});

t.test('a cursor the service issued, used on another list or with another sort, says so', async (t) => {
  const { nextCursor: scoreCursor } = (await env.app.inject({
    method: 'GET', url: `/v1/prospects?crawlId=${prospectCrawl}&sort=score&limit=2`, headers: as(acme.key),
  })).json();
  const { nextCursor: crawlCursor } = (await env.app.inject({ method: 'GET', url: '/v1/crawls?limit=2', headers: as(acme.key) })).json();
  const { nextCursor: auditCursor } = (await env.app.inject({ method: 'GET', url: '/admin/api/audit?limit=1', headers: admin })).json();
  t.ok(auditCursor, 'the audit log has a second page');
  await refused(t, 'listProspects', `/v1/prospects?crawlId=${prospectCrawl}&sort=firstSeen&cursor=${scoreCursor}`, as(acme.key), NOT_THIS_LIST);
  await refused(t, 'listProspects', `/v1/prospects?crawlId=${prospectCrawl}&cursor=${crawlCursor}`, as(acme.key), NOT_THIS_LIST);
  await refused(t, 'listCrawls', `/v1/crawls?cursor=${scoreCursor}`, as(acme.key), NOT_THIS_LIST);
  await refused(t, 'adminListCrawls', `/admin/api/crawls?cursor=${auditCursor}`, admin, NOT_THIS_LIST);
  const audit = assertContract(t, 'listAudit', await env.app.inject({ method: 'GET', url: `/admin/api/audit?limit=1&cursor=${auditCursor}`, headers: admin }), 200);
  t.equal(audit.items.length, 1, 'and where it belongs it works');
});

t.test('the key: the same in every process of a deployment, refused under another', async (t) => {
  const deployment = { DATABASE_URL: 'postgres://app:pw@db.internal:5432/blb', ADMIN_TOKEN: 'deployment-admin-token-1' };
  const secret = loadConfig(deployment).cursorSecret;
  t.equal(loadConfig({ ...deployment, PORT: '4000', QUEUE_PREFIX: 'other' }).cursorSecret, secret, 'every process and restart of one deployment derives the same key');
  t.equal(loadConfig({ ...deployment, DATABASE_URL: 'postgres://app:pw@127.0.0.1:6432/blb' }).cursorSecret, secret, 'from ADMIN_TOKEN, whatever URL a machine reaches PostgreSQL by');
  t.not(loadConfig({ ...deployment, ADMIN_TOKEN: 'another-admin-token-22' }).cursorSecret, secret, 'another token, another key');
  t.notOk(secret.includes(deployment.ADMIN_TOKEN), 'the token itself is not the key');
  const adminless = loadConfig({ DATABASE_URL: deployment.DATABASE_URL }).cursorSecret;
  t.equal(loadConfig({ DATABASE_URL: deployment.DATABASE_URL }).cursorSecret, adminless, 'without the admin, from DATABASE_URL');
  t.not(adminless, secret);
  t.equal(loadConfig({ ...deployment, CURSOR_SECRET: 'an-explicit-cursor-secret' }).cursorSecret, 'an-explicit-cursor-secret', 'CURSOR_SECRET wins');
  t.throws(() => loadConfig({ CURSOR_SECRET: 'short' }), /CURSOR_SECRET must be at least 16 characters/);

  const issued = encodeCursor({ createdAt: '2026-01-01 00:00:00+00', id: acmeCrawls[0] });
  t.teardown(() => useCursorSecret(env.config.cursorSecret));
  useCursorSecret(loadConfig({ ...deployment, ADMIN_TOKEN: 'another-admin-token-22' }).cursorSecret);
  t.throws(() => decodeCursor(issued, isCreatedCursor), { statusCode: 400, code: 'invalid_cursor' }, 'another deployment\'s key refuses it');
  useCursorSecret(env.config.cursorSecret);
  t.match(decodeCursor(issued, isCreatedCursor), { id: acmeCrawls[0] }, 'its own accepts it');
});

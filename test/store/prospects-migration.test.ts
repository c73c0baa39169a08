import t from 'tap';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool, ensureDatabase, type Db } from '../../services/store/db.js';
import { migrate, readMigrations } from '../../services/store/migrate.js';

// migrations/013_prospects_over_time.sql against data of the shape before it: prospects were unique per
// crawl, so an account that crawled a niche twice had a row per crawl for one opportunity. The migration
// makes them one per account, source page URL (coalesce(final_url, url)) and dead URL.
const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const databaseUrl = new URL(base);
databaseUrl.pathname = `/blb_prospects_migration_${randomBytes(4).toString('hex')}`;

t.teardown(async () => {
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseUrl.pathname.slice(1))} WITH (FORCE)`);
  await admin.end();
});

const SOURCE = 'https://blog.example/sourdough-tips';
const DEAD = 'https://dead.example/old-guide';
const at = (iso: string) => new Date(iso);

async function insert(db: Db, table: string, row: Record<string, unknown>): Promise<Record<string, any>> {
  const columns = Object.keys(row);
  const { rows } = await db.query(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`,
    Object.values(row),
  );
  return rows[0]!;
}

t.test('013 merges one account\'s prospects of one opportunity across crawls', async (t) => {
  await ensureDatabase(databaseUrl.toString());
  const db = createPool(databaseUrl.toString(), 2);
  t.teardown(() => db.end());

  const migrations = await readMigrations();
  t.ok(migrations.some((m) => m.version === 13), '013 is among the migrations');
  const before = migrations.filter((m) => m.version < 13);
  t.same(await migrate(db, before), before.map((m) => m.name), 'the schema as it was before 013');

  // --- Old-shape data ---------------------------------------------------------------------------
  const account = await insert(db, 'accounts', { name: 'first' });
  const otherAccount = await insert(db, 'accounts', { name: 'second' });
  const crawl = (account_id: string, created_at: string) =>
    insert(db, 'crawls', { account_id, scope: 'site', seeds: ['https://blog.example/'], max_pages: 100, respect_robots: true, status: 'completed', created_at });
  const crawl1 = await crawl(account.id, '2024-01-01T00:00:00Z');
  const crawl2 = await crawl(account.id, '2024-02-01T00:00:00Z');
  const crawl3 = await crawl(otherAccount.id, '2024-02-01T00:00:00Z');

  // The first crawl reached the source page through a redirect (its final_url is the page); the second
  // was linked to it directly. Both are SOURCE once coalesce(final_url, url) is taken.
  const page1 = await insert(db, 'pages', { crawl_id: crawl1.id, url: `${SOURCE}?utm_source=feed`, final_url: SOURCE, depth: 1, state: 'crawled' });
  const page2 = await insert(db, 'pages', { crawl_id: crawl2.id, url: SOURCE, depth: 1, state: 'crawled' });
  const otherPage1 = await insert(db, 'pages', { crawl_id: crawl1.id, url: 'https://blog.example/rye-bread', depth: 1, state: 'crawled' });
  const page3 = await insert(db, 'pages', { crawl_id: crawl3.id, url: SOURCE, depth: 0, state: 'crawled' });

  const prospect = (row: Record<string, unknown>) =>
    insert(db, 'prospects', { reason: 'not_found', http_status: 404, source_domain: 'blog.example', dead_domain: 'dead.example', ...row });
  // The first found: contacted after the second crawl's row was made and noted.
  const keeper = await prospect({
    account_id: account.id, crawl_id: crawl1.id, source_page_id: page1.id, dead_url: DEAD,
    anchor_text: 'the old guide', rel: '', followed: true, position: 'sidebar', context: 'See the old guide.', score: 40,
    status: 'contacted', notes: 'emailed',
    first_seen_at: at('2024-01-01T01:00:00Z'), last_seen_at: at('2024-01-01T02:00:00Z'), updated_at: at('2024-02-10T00:00:00Z'),
  });
  // The second crawl's row: the latest sighting, last changed before the keeper was.
  const duplicate = await prospect({
    account_id: account.id, crawl_id: crawl2.id, source_page_id: page2.id, dead_url: DEAD, reason: 'gone', http_status: 410,
    anchor_text: 'Our sourdough guide', rel: 'nofollow', followed: false, position: 'content', context: 'Read our sourdough guide.', score: 55,
    status: 'new', notes: 'found it',
    first_seen_at: at('2024-02-01T01:00:00Z'), last_seen_at: at('2024-02-01T03:00:00Z'), updated_at: at('2024-02-05T00:00:00Z'),
  });
  // Other opportunities of the same account: another dead URL on the same page, the same dead URL on
  // another page.
  const otherDead = await prospect({
    account_id: account.id, crawl_id: crawl1.id, source_page_id: page1.id, dead_url: 'https://dead.example/elsewhere',
    anchor_text: 'elsewhere', rel: '', status: 'replied', notes: 'leave me',
    first_seen_at: at('2024-01-01T01:00:00Z'), last_seen_at: at('2024-01-01T01:00:00Z'), updated_at: at('2024-01-03T00:00:00Z'),
  });
  const otherSource = await prospect({
    account_id: account.id, crawl_id: crawl1.id, source_page_id: otherPage1.id, dead_url: DEAD,
    anchor_text: 'old guide', rel: '', status: 'new',
    first_seen_at: at('2024-01-01T01:30:00Z'), last_seen_at: at('2024-01-01T01:30:00Z'), updated_at: at('2024-01-01T01:30:00Z'),
  });
  // The same opportunity in another account: its own.
  const otherAccounts = await prospect({
    account_id: otherAccount.id, crawl_id: crawl3.id, source_page_id: page3.id, dead_url: DEAD,
    anchor_text: 'guide', rel: 'ugc', followed: false, status: 'won', notes: 'theirs',
    first_seen_at: at('2024-02-01T00:30:00Z'), last_seen_at: at('2024-02-01T00:30:00Z'), updated_at: at('2024-02-20T00:00:00Z'),
  });
  t.ok(keeper.id < duplicate.id, 'the first found has the smaller id');

  for (const p of [keeper, duplicate, otherAccounts]) {
    await insert(db, 'prospect_notifications', { prospect_id: p.id, account_id: p.account_id, crawl_id: p.crawl_id });
  }

  // --- The migration ------------------------------------------------------------------------------
  const rest = migrations.filter((m) => m.version >= 13);
  t.same(await migrate(db, migrations), rest.map((m) => m.name), '013 and after applied');

  const byId = async (id: number) => (await db.query('SELECT * FROM prospects WHERE id = $1', [id])).rows[0];

  t.test('one row for the opportunity, the first found', async (t) => {
    const { rows } = await db.query('SELECT id FROM prospects WHERE account_id = $1 AND dead_url = $2 AND source_url = $3', [account.id, DEAD, SOURCE]);
    t.same(rows.map((r) => r.id), [keeper.id], 'the smaller id stays');
    t.notOk(await byId(duplicate.id), 'the duplicate is gone');
    const { rows: all } = await db.query('SELECT id FROM prospects ORDER BY id');
    t.same(all.map((r) => r.id), [keeper.id, otherDead.id, otherSource.id, otherAccounts.id].sort((a, b) => a - b));
  });

  t.test('the merged row', async (t) => {
    const merged = await byId(keeper.id);
    t.equal(merged.crawl_id, crawl2.id, 'the latest sighting\'s crawl');
    t.equal(merged.source_page_id, page2.id, 'and its page');
    t.equal(merged.anchor_text, 'Our sourdough guide', 'and what it saw: anchor text');
    t.equal(merged.rel, 'nofollow');
    t.equal(merged.followed, false);
    t.equal(merged.position, 'content');
    t.equal(merged.context, 'Read our sourdough guide.');
    t.equal(merged.reason, 'gone');
    t.equal(merged.http_status, 410);
    t.equal(merged.score, 55);
    t.equal(merged.status, 'contacted', 'the status of the row changed last');
    t.equal(merged.updated_at.toISOString(), '2024-02-10T00:00:00.000Z', 'and when it changed');
    t.match(merged.notes, /emailed/, 'notes of both rows');
    t.match(merged.notes, /found it/);
    t.equal(merged.first_seen_at.toISOString(), keeper.first_seen_at.toISOString(), 'first seen: the earliest');
    t.equal(merged.last_seen_at.toISOString(), '2024-02-01T03:00:00.000Z', 'last seen: the latest');
    t.equal(merged.source_url, SOURCE, 'the source URL: the first crawl\'s final_url, the second\'s url');
    t.equal(merged.first_crawl_id, crawl1.id, 'first found by the first crawl');
    t.equal(merged.state, 'open');
    t.equal(merged.resolution, null);
  });

  t.test('every crawl that saw it is a sighting of the merged row', async (t) => {
    const { rows } = await db.query('SELECT crawl_id, source_page_id, seen_at FROM prospect_sightings WHERE prospect_id = $1 ORDER BY seen_at', [keeper.id]);
    t.same(
      rows.map((r) => [r.crawl_id, r.source_page_id, r.seen_at.toISOString()]),
      [
        [crawl1.id, page1.id, keeper.first_seen_at.toISOString()],
        [crawl2.id, page2.id, duplicate.first_seen_at.toISOString()],
      ],
    );
    const { rows: orphans } = await db.query('SELECT 1 FROM prospect_sightings WHERE prospect_id = $1', [duplicate.id]);
    t.same(orphans, [], 'none left on the removed row');
    const { rows: others } = await db.query('SELECT prospect_id, crawl_id FROM prospect_sightings WHERE prospect_id <> $1 ORDER BY prospect_id', [keeper.id]);
    t.same(
      others.map((r) => [r.prospect_id, r.crawl_id]),
      [[otherDead.id, crawl1.id], [otherSource.id, crawl1.id], [otherAccounts.id, crawl3.id]],
      'the other prospects: their own crawl',
    );
  });

  t.test('each remaining prospect was found once, in its history', async (t) => {
    const { rows } = await db.query('SELECT prospect_id, kind, from_value, to_value, reason, actor, crawl_id, at FROM prospect_history ORDER BY prospect_id, id');
    const remaining = [keeper, otherDead, otherSource, otherAccounts].sort((a, b) => a.id - b.id);
    t.same(
      rows.map((r) => ({ ...r, at: r.at.toISOString() })),
      remaining.map((p) => ({
        prospect_id: p.id, kind: 'state', from_value: null, to_value: 'open', reason: 'found', actor: 'crawl', crawl_id: p.crawl_id,
        at: p.first_seen_at.toISOString(),
      })),
    );
  });

  t.test('the other prospects are left alone', async (t) => {
    const keep = ['crawl_id', 'source_page_id', 'dead_url', 'anchor_text', 'rel', 'followed', 'status', 'notes', 'first_seen_at', 'last_seen_at', 'updated_at'];
    for (const [name, p, source] of [
      ['another dead URL on the page', otherDead, SOURCE],
      ['the dead URL on another page', otherSource, 'https://blog.example/rye-bread'],
      ['another account\'s', otherAccounts, SOURCE],
    ] as const) {
      const now = await byId(p.id);
      t.same(
        Object.fromEntries(keep.map((c) => [c, now[c]])),
        Object.fromEntries(keep.map((c) => [c, p[c]])),
        `${name}: as it was`,
      );
      t.equal(now.source_url, source, `${name}: its source URL`);
      t.equal(now.first_crawl_id, p.crawl_id, `${name}: first found by its crawl`);
    }
  });

  t.test('pending announcements of the removed row are dropped', async (t) => {
    const { rows } = await db.query('SELECT prospect_id FROM prospect_notifications ORDER BY prospect_id');
    t.same(rows.map((r) => r.prospect_id), [keeper.id, otherAccounts.id].sort((a, b) => a - b));
  });

  t.test('one prospect per account and opportunity from now on', async (t) => {
    const again = {
      account_id: account.id, crawl_id: crawl2.id, source_page_id: page2.id, source_url: SOURCE, dead_url: DEAD,
      reason: 'not_found', anchor_text: 'again', rel: '',
    };
    await t.rejects(insert(db, 'prospects', again), { code: '23505', constraint: 'prospects_opportunity' }, 'a duplicate is refused');
    const thirdAccount = await insert(db, 'accounts', { name: 'third' });
    const crawl4 = await crawl(thirdAccount.id, '2024-03-01T00:00:00Z');
    const page4 = await insert(db, 'pages', { crawl_id: crawl4.id, url: SOURCE, depth: 0, state: 'crawled' });
    await t.resolves(
      insert(db, 'prospects', { ...again, account_id: thirdAccount.id, crawl_id: crawl4.id, source_page_id: page4.id }),
      'another account may have the same opportunity',
    );
    await t.resolves(
      insert(db, 'prospects', { ...again, dead_url: 'https://dead.example/a-third' }),
      'and the account another dead URL on the page, in a crawl that already has one there (the per-crawl key is gone)',
    );
  });
});

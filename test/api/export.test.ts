import t from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEnvironment } from '../support/environment.js';

const env = await startEnvironment();
t.teardown(() => env.close());
const { db } = env.runtime;
const { key, accountId } = await env.newApiKey('exporter');
const headers = { authorization: `Bearer ${key}` };

/** A crawl with `count` prospects, as a crawl would have stored them, spread over 1,000 source pages. */
async function seedCrawl(count: number): Promise<string> {
  const { rows: [crawl] } = await db.query(
    `INSERT INTO crawls (account_id, scope, seeds, max_depth, max_pages, respect_robots, status)
     VALUES ($1, 'site', '{http://src.test/}', 2, 10, true, 'running') RETURNING id`,
    [accountId],
  );
  await db.query(
    `INSERT INTO pages (crawl_id, url, depth, state, title, domain)
     SELECT $1, 'http://src-' || g || '.test/page', 1, 'crawled', 'Source, "quoted" ' || g, 'src-' || g || '.test'
     FROM generate_series(1, 1000) g`,
    [crawl.id],
  );
  await insertProspects(crawl.id, 1, count);
  // What autovacuum does a little later in production: statistics for the planner.
  await db.query('ANALYZE pages; ANALYZE prospects; ANALYZE prospect_sightings');
  return crawl.id;
}

async function insertProspects(crawlId: string, from: number, to: number): Promise<void> {
  await db.query(
    `WITH inserted AS (
       INSERT INTO prospects (account_id, crawl_id, source_page_id, source_url, dead_url, reason, anchor_text, rel, score, source_domain, dead_domain, context)
       SELECT $1, $2, p.id, p.url, 'http://dead-' || g || '.test/x', 'not_found', '=HYPERLINK("x")', '', ((g::bigint * 7919) % 101)::int,
         p.domain, 'dead-' || g || '.test', 'A sentence, with a comma.'
       FROM generate_series($3::int, $4::int) g
       JOIN pages p ON p.crawl_id = $2 AND p.url = 'http://src-' || (g % 1000 + 1) || '.test/page'
       -- An opportunity an earlier crawl of the account had is this crawl's sighting of it.
       ON CONFLICT (account_id, source_url, dead_url) DO UPDATE SET crawl_id = EXCLUDED.crawl_id, source_page_id = EXCLUDED.source_page_id
       RETURNING id, crawl_id, source_page_id)
     INSERT INTO prospect_sightings (crawl_id, prospect_id, source_page_id) SELECT crawl_id, id, source_page_id FROM inserted`,
    [accountId, crawlId, from, to],
  );
}

t.test('a 100,000-row CSV export streams with bounded memory', async (t) => {
  const crawlId = await seedCrawl(100_000);
  await env.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = env.app.server.address() as AddressInfo;
  // Live memory, not garbage: collect before each sample (tap runs tests with --expose-gc).
  const liveHeap = () => {
    global.gc!();
    return process.memoryUsage().heapUsed;
  };
  const baseline = liveHeap();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, liveHeap())), 100);

  let lines = 0;
  let bytes = 0;
  let tail = '';
  let firstRow = '';
  const status = await new Promise<number>((resolve, reject) => {
    http.get({ port, path: `/v1/prospects/export?crawlId=${crawlId}&format=csv`, headers }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        bytes += chunk.length;
        const text = tail + chunk;
        const parts = text.split('\r\n');
        tail = parts.pop()!;
        if (!firstRow && lines + parts.length > 1) firstRow = parts[1 - lines] ?? '';
        lines += parts.length;
      });
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    }).on('error', reject);
  });
  clearInterval(sampler);

  t.equal(status, 200);
  t.equal(lines, 100_001, 'a header and every row');
  t.match(firstRow, /"'=HYPERLINK\(""x""\)"/, 'formulas are defused and quotes escaped');
  t.match(firstRow, /"A sentence, with a comma\."/);
  const grew = (peak - baseline) / 2 ** 20;
  t.ok(grew < 40, `live heap grew at most ${Math.round(grew)} MiB while streaming ${Math.round(bytes / 2 ** 20)} MiB`);
});

t.test('NDJSON export: one prospect per line', async (t) => {
  const crawlId = await seedCrawl(120);
  const response = await env.app.inject({ method: 'GET', url: `/v1/prospects/export?crawlId=${crawlId}&format=ndjson&sort=score`, headers });
  t.match(response.headers['content-type'], /application\/x-ndjson/);
  const rows = response.body.trim().split('\n').map((line) => JSON.parse(line));
  t.equal(rows.length, 120);
  t.same(rows.map((r) => r.score), [...rows.map((r) => r.score)].sort((a, b) => b - a), 'in the requested order');
});

t.test('pagination stays stable while a crawl keeps adding prospects', async (t) => {
  const crawlId = await seedCrawl(200);
  let added = 0;
  for (const sort of ['score', 'firstSeen']) {
    const { rows: initial } = await db.query('SELECT id::text FROM prospects WHERE crawl_id = $1', [crawlId]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/prospects?crawlId=${crawlId}&sort=${sort}&limit=25${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await env.app.inject({ method: 'GET', url, headers })).json();
      seen.push(...page.items.map((p: { id: string }) => p.id));
      cursor = page.nextCursor;
      // The crawl finds more while the client pages.
      await insertProspects(crawlId, 1_000_000 + added, 1_000_000 + added + 9);
      added += 10;
    } while (cursor);
    t.equal(new Set(seen).size, seen.length, `${sort}: no prospect twice`);
    t.ok(initial.every((row) => seen.includes(row.id)), `${sort}: every prospect that existed when paging began was listed`);
  }
});

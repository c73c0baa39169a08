import t, { type Test } from 'tap';
import type pg from 'pg';
import { startEnvironment } from '../support/environment.js';
import { createAccount } from '../../services/store/accounts.js';
import { insertCrawl, markRunning } from '../../services/store/crawls.js';
import { planChildren } from '../../services/store/frontier.js';
import { claimTwinKeys, insertLinks, pagesForWork, recordPageResults } from '../../services/store/pages.js';
import { createProspects } from '../../services/store/prospects.js';
import { recordTargetVerdicts, registerTargets, settleFromCache, targetsForWork } from '../../services/store/targets.js';
import { saveVerdicts } from '../../services/store/verdicts.js';
import type { SettledVerdict } from '../../services/crawl/verdict.js';

// The statements that record a batch of pages or checks look rows up by the batch's keys. Their work
// must follow the batch, not the crawl, whether or not PostgreSQL has statistics on the tables: on a
// fresh database (a new install's first crawl, every bench run) it has none until autovacuum analyzes
// them, and it then planned passes over all of a crawl's pages, keys and targets for every batch.
const env = await startEnvironment();
t.teardown(() => env.close());
const { db } = env.runtime;
const CRAWL_TABLES = ['pages', 'page_canonicals', 'crawl_targets'];
// This file's database is its own: keep autovacuum from giving the planner statistics meanwhile.
for (const table of CRAWL_TABLES) await db.query(`ALTER TABLE ${table} SET (autovacuum_enabled = off)`);

const ROWS = 20_000;
const accountId = await createAccount(db, 'batch-lookups-test');
const crawlId = await insertCrawl(db, accountId, {
  scope: 'outward', seeds: ['http://big.test/'], maxDepth: 5, maxPages: 100_000, respectRobots: true,
  maxPagesPerHost: null, include: [], exclude: [], hostConcurrency: null, hostIntervalMs: null, keywords: [], minRelevance: null,
});
await markRunning(db, crawlId);
const pageUrl = (n: number) => `http://big.test/p${n}`;
// The pages recorded in the first test: every other page holds its twin key already.
const BATCH = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
const targetUrl = (n: number) => `http://out${n % 50}.test/t${n}`;
await db.query(
  `INSERT INTO pages (crawl_id, url, depth, host, state) SELECT $1, 'http://big.test/p' || g, 2, 'big.test', 'queued' FROM generate_series(1, $2) g`,
  [crawlId, ROWS],
);
await db.query(
  `INSERT INTO page_canonicals (crawl_id, url, page_id) SELECT $1, p.url || '#key', p.id FROM pages p WHERE p.crawl_id = $1 AND p.url <> ALL($2::text[])`,
  [crawlId, BATCH.map(pageUrl)],
);
await db.query(
  `INSERT INTO crawl_targets (crawl_id, url) SELECT $1, 'http://out' || (g % 50) || '.test/t' || g FROM generate_series(1, $2) g`,
  [crawlId, ROWS],
);
// One page the batch links to was found the long way first: the batch lowers it.
await db.query(`UPDATE pages SET depth = 5 WHERE crawl_id = $1 AND url = 'http://big.test/p500'`, [crawlId]);
const idsOf = async (table: 'pages' | 'crawl_targets', urls: string[]) =>
  (await db.query<{ id: number }>(`SELECT id FROM ${table} WHERE crawl_id = $1 AND url = ANY($2::text[]) ORDER BY id`, [crawlId, urls])).rows.map((row) => row.id);

const checkedAt = new Date();
const dead: SettledVerdict = {
  verdict: 'dead', reason: 'not_found', httpStatus: 404, finalUrl: null, checkedAt,
  attempts: [{ method: 'GET', at: checkedAt.toISOString(), status: 404, error: null, message: null, redirects: [], finalUrl: null, elapsedMs: 5 }],
};

// A statement's first runs on a connection get plans of their own (custom), later runs a generic plan:
// either must keep to the batch.
const PLAN_MODES = ['force_custom_plan', 'force_generic_plan'] as const;

/**
 * Rows of the crawl's tables that `work` read, run in a transaction of its own on one connection with
 * the given plan_cache_mode (rolled back after).
 */
async function rowsRead(planMode: (typeof PLAN_MODES)[number], work: (tx: pg.PoolClient) => Promise<unknown>): Promise<Record<string, number>> {
  const tx = await db.connect();
  // The session's counts not yet reported to the statistics (none are reported inside a transaction).
  const counts = async () => {
    const { rows } = await tx.query<{ relname: string; read: number }>(
      `SELECT relname, coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) AS read FROM pg_stat_xact_user_tables WHERE relname = ANY($1::text[])`,
      [CRAWL_TABLES],
    );
    return (table: string) => rows.find((row) => row.relname === table)?.read ?? 0;
  };
  try {
    await tx.query('BEGIN');
    await tx.query(`SET LOCAL plan_cache_mode = ${planMode}`);
    const before = await counts();
    await work(tx);
    const after = await counts();
    return Object.fromEntries(CRAWL_TABLES.map((table) => [table, after(table) - before(table)]));
  } finally {
    await tx.query('ROLLBACK');
    tx.release();
  }
}
// A batch of 10 reads tens of rows; a pass over the crawl reads 20,000.
const BOUND = 200;
const bounded = (t: Test, read: Record<string, number>, what: string) => {
  for (const table of CRAWL_TABLES) t.ok(read[table]! < BOUND, `${what}: ${read[table]} rows of ${table} read, fewer than ${BOUND}`);
};

for (const planMode of PLAN_MODES) t.test(`recording a batch of pages reads the batch's rows, not the crawl's (${planMode})`, async (t) => {
  const pageIds = await idsOf('pages', BATCH.map(pageUrl));
  const holders = await idsOf('pages', BATCH.map((n) => pageUrl(n + 1000)));
  // Links to pages the crawl knows (one found by a shorter path), to new pages, and to known targets.
  const linkUrls = [pageUrl(500), pageUrl(501), 'http://big.test/new-1', 'http://big.test/new-2'];
  const read = await rowsRead(planMode, async (tx) => {
    t.same([...(await pagesForWork(tx, pageIds, 3_600_000)).keys()].sort(), pageIds, "the jobs' work is read");
    // Each page of the batch has the key of a page recorded earlier (its twin) besides its own.
    const twins = await claimTwinKeys(tx, crawlId, pageIds.map((pageId, i) => ({ pageId, keys: [`${pageUrl(BATCH[i]!)}#key`, `${pageUrl(BATCH[i]! + 1000)}#key`] })));
    t.same([...twins].sort((a, b) => a[0] - b[0]), pageIds.map((pageId, i) => [pageId, holders[i]]), 'each page is the twin of the page holding its second key');
    const { rows: own } = await tx.query<{ page_id: number }>('SELECT page_id FROM page_canonicals WHERE crawl_id = $1 AND url = ANY($2::text[]) ORDER BY page_id', [crawlId, BATCH.map((n) => `${pageUrl(n)}#key`)]);
    t.same(own.map((row) => row.page_id), holders, "and its own key went to that page too");
    const planned = await planChildren(tx, crawlId, pageIds.map((pageId) => ({ pageId, linkUrls })));
    t.same([...planned.queued].sort(), pageIds, 'every page of the batch is still queued');
    t.same(planned.newPages.map((page) => page.url).sort(), ['http://big.test/new-1', 'http://big.test/new-2'], 'only the new URLs are planned');
    const { rows: lowered } = await tx.query('SELECT url, depth FROM pages WHERE crawl_id = $1 AND url = ANY($2::text[]) ORDER BY url', [crawlId, [pageUrl(500), pageUrl(501)]]);
    t.same(lowered, [{ url: pageUrl(500), depth: 3 }, { url: pageUrl(501), depth: 2 }], 'the page found by a shorter path is lowered, the other kept');
    const results = pageIds.map((pageId) => ({
      pageId, result: { state: 'crawled' as const, finalUrl: null, httpStatus: 200, title: null, outcome: null, verdict: null, domain: 'big.test' },
    }));
    t.equal((await recordPageResults(tx, results)).size, pageIds.length, 'every result recorded');
  });
  bounded(t, read, 'twin keys, planning and results');
});

for (const planMode of PLAN_MODES) t.test(`recording a batch of checks and its prospects reads the batch's rows, not the crawl's (${planMode})`, async (t) => {
  const batch = [101, 102, 103, 104, 105, 106, 107, 108, 109, 110].map(targetUrl);
  const [source] = await idsOf('pages', [pageUrl(30)]);
  await insertLinks(db, crawlId, [{
    pageId: source!, links: batch.map((url) => ({ url, anchorText: 'a', rel: '', outbound: true, followed: true, context: '', position: 'content' })),
  }]);
  const targetIds = await idsOf('crawl_targets', batch);
  await saveVerdicts(db, [{ url: 'http://out9.test/new', verdict: dead }]);
  const read = await rowsRead(planMode, async (tx) => {
    t.same([...(await targetsForWork(tx, targetIds, 3_600_000)).keys()].sort(), targetIds, "the jobs' work is read");
    const made = await registerTargets(tx, crawlId, [...batch, 'http://out9.test/new']);
    t.same(made.map((target) => target.url), ['http://out9.test/new'], 'one new target');
    const recorded = await recordTargetVerdicts(tx, targetIds.map((id, i) => ({ id, url: batch[i]!, verdict: dead })));
    t.equal(recorded.size, batch.length, 'every verdict recorded');
    t.equal(await createProspects(tx, crawlId, batch.map((url) => ({ url, domain: 'out.test' }))), batch.length, 'a prospect per dead link');
    t.equal((await settleFromCache(tx, made.map((target) => target.id), 3_600_000)).length, 1, 'the new target is settled from the cache');
  });
  bounded(t, read, 'targets, verdicts, prospects and the cache');
});

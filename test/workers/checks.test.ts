import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REFUSING, htmlPage, startFakeWeb } from '../support/fake-web.js';
import { processorSetting, newCrawl, recordCrawled } from '../support/job-runner.js';
import { createAccount } from '../../services/store/accounts.js';
import { archiveJobId } from '../../services/queues.js';
import { createCheckProcessor } from '../../workers/checks.js';

// The link-check processor on its own: built from only what CheckDeps names, it takes a real check job
// for an outbound URL that crawled pages link to, and decides what becomes of those links.
const web = await startFakeWeb({
  'blog.test': {},
  'other-blog.test': {},
  'shop.test': { '/shears': { body: htmlPage('Shears') } },
}, { 'refusing.test': REFUSING.address, 'restarting.test': '127.0.0.4' });
const u = web.url;
const { env, runner } = await processorSetting(t, web);

const { db, queues, logger, limiter, metrics, hosts, http, config } = env.runtime;
const { retry, politeness, webhooks, verdictMaxAgeMs } = config;
const processCheck = createCheckProcessor({
  db, queues, logger, limiter, metrics, hosts, http, config: { retry, politeness, webhooks, verdictMaxAgeMs, http: config.http, archive: config.archive },
});
const accountId = await createAccount(db, 'checks-test');

/** A crawl whose seed pages were crawled and link to `target`; its check job enqueued. */
async function linkedFrom(seeds: string[], target: string) {
  const { crawlId, pages } = await newCrawl(db, accountId, seeds);
  const targets = [];
  for (const page of pages) targets.push(...(await recordCrawled(db, page, [target])));
  if (targets.length !== 1) throw new Error(`one target for every page linking to it, not ${targets.length}`);
  await queues.enqueueChecks(crawlId, targets);
  return { crawlId, targetId: targets[0]!.id, jobId: `check-${targets[0]!.id}` };
}
const targetOf = async (targetId: number) =>
  (await db.query('SELECT state, verdict, reason, http_status AS "httpStatus", evidence FROM crawl_targets WHERE id = $1', [targetId])).rows[0];
const prospectsOf = async (crawlId: string) =>
  (await db.query(`SELECT p.url AS "sourceUrl", r.dead_url AS "deadUrl", r.reason FROM prospects r JOIN pages p ON p.id = r.source_page_id
    WHERE r.crawl_id = $1 ORDER BY p.url`, [crawlId])).rows;
const statusOf = async (crawlId: string) => (await db.query('SELECT status FROM crawls WHERE id = $1', [crawlId])).rows[0].status;

t.test('a dead target becomes a prospect for every page linking to it', async (t) => {
  const dead = u('shop.test', '/pruners');
  const { crawlId, targetId, jobId } = await linkedFrom([u('blog.test', '/'), u('other-blog.test', '/')], dead);
  const ran = await runner.run('checks', jobId, processCheck);
  t.equal(ran.state, 'completed');
  t.match(await targetOf(targetId), { state: 'checked', verdict: 'dead', reason: 'not_found', httpStatus: 404 });
  t.same(await prospectsOf(crawlId), [
    { sourceUrl: u('blog.test', '/'), deadUrl: dead, reason: 'not_found' },
    { sourceUrl: u('other-blog.test', '/'), deadUrl: dead, reason: 'not_found' },
  ]);
  t.match((await db.query('SELECT state FROM archive_snapshots WHERE url = $1', [dead])).rows, [{ state: 'pending' }], 'what it used to be is looked up');
  t.equal(await queues.archive.getJobState(archiveJobId(dead)), 'waiting');
  t.equal(await statusOf(crawlId), 'completed', 'nothing else was pending');
});

t.test('an alive target makes no prospect', async (t) => {
  const { crawlId, targetId, jobId } = await linkedFrom([u('blog.test', '/tools')], u('shop.test', '/shears'));
  t.equal((await runner.run('checks', jobId, processCheck)).state, 'completed');
  t.match(await targetOf(targetId), { state: 'checked', verdict: 'alive', reason: null, httpStatus: 200 });
  t.same(await prospectsOf(crawlId), []);
  t.equal(await statusOf(crawlId), 'completed');
});

t.test('a transient 503 postpones the check with its evidence; the next try decides', async (t) => {
  const flaky = u('shop.test', '/loppers');
  web.setRoute('shop.test', '/loppers', { status: 503, body: 'maintenance' });
  const { crawlId, targetId, jobId } = await linkedFrom([u('blog.test', '/hedges')], flaky);

  const first = await runner.run('checks', jobId, processCheck);
  t.equal(first.error, null, 'not failed');
  t.equal(first.state, 'delayed', 'asked again later');
  t.match(await targetOf(targetId), { state: 'pending', verdict: null });
  t.same(await prospectsOf(crawlId), []);
  t.match((await queues.checks.getJob(jobId))!.data.progress, { tries: 1, requests: [{ method: 'GET', status: 503 }] }, 'the evidence rides with the job');
  t.equal(await statusOf(crawlId), 'running');

  // Back from maintenance without the page: the retry (the same job, when it comes due) settles it.
  web.setRoute('shop.test', '/loppers', { status: 404 });
  t.equal((await runner.run('checks', jobId, processCheck)).state, 'completed');
  const target = await targetOf(targetId);
  t.match(target, { state: 'checked', verdict: 'dead', reason: 'not_found' });
  t.same(target.evidence.attempts.map((a: { status: number }) => a.status), [503, 404], 'both tries are the evidence');
  t.same(await prospectsOf(crawlId), [{ sourceUrl: u('blog.test', '/hedges'), deadUrl: flaky, reason: 'not_found' }]);
});

// REFUSED_WINDOW_MS is 400 ms in tests (test/support/environment.ts): tries about 133 ms apart.
t.test('a refused connection: the check waits in the queue, and a server back within the window is alive', async (t) => {
  // A port of 127.0.0.4 that nothing listens on until the server "restarts".
  const probe = createServer().listen(0, '127.0.0.4');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  const url = `http://restarting.test:${port}/guide`;
  const { targetId, jobId } = await linkedFrom([u('blog.test', '/restart')], url);

  const first = await runner.run('checks', jobId, processCheck);
  t.equal(first.state, 'delayed', 'refused: back to the queue, holding no worker');
  t.match(await targetOf(targetId), { state: 'pending', verdict: null });
  const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(htmlPage('The guide'))).listen(port, '127.0.0.4');
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  await new Promise((resolve) => server.once('listening', resolve));
  t.equal((await runner.run('checks', jobId, processCheck)).state, 'completed');
  const target = await targetOf(targetId);
  t.match(target, { state: 'checked', verdict: 'alive' });
  t.same(target.evidence.attempts.map((a: { error: string | null }) => a.error), ['connection_refused', null]);
});

t.test('a connection refused for the whole window is dead, the tries spread over it', async (t) => {
  const url = `http://refusing.test:${REFUSING.port}/`;
  const { targetId, jobId } = await linkedFrom([u('blog.test', '/refused')], url);
  for (let runs = 0; runs < 20 && (await runner.run('checks', jobId, processCheck)).state === 'delayed'; runs++);
  const target = await targetOf(targetId);
  t.match(target, { state: 'checked', verdict: 'dead', reason: 'connection_failed' });
  const times = target.evidence.attempts.map((a: { at: string }) => Date.parse(a.at));
  t.ok(times.length >= 3, `${times.length} tries`);
  t.ok(times.at(-1) - times[0] >= 400, `refused for ${times.at(-1) - times[0]} ms before it was called dead`);
});

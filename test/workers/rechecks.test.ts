import t from 'tap';
import { htmlPage, startFakeWeb } from '../support/fake-web.js';
import { processorSetting, newCrawl, recordCrawled } from '../support/job-runner.js';
import { recheckJobId } from '../../services/queues.js';
import { recordCheckedTarget } from '../../services/transactions/crawl-transactions.js';
import { findProspect } from '../../services/store/prospects.js';
import { requestRecheck } from '../../services/store/rechecks.js';
import { createRecheckProcessor } from '../../workers/rechecks.js';

// The recheck processor on its own: built from only what RecheckDeps names, it takes a real recheck
// job for a prospect found by an earlier crawl and records whether the link is still worth an email.
const web = await startFakeWeb({ 'blog.test': {}, 'shop.test': {}, 'hooks.test': {} });
const u = web.url;
const { env, runner, parser } = await processorSetting(t, web, { parser: true });

const { db, queues, logger, limiter, metrics, hosts, http, config } = env.runtime;
const { retry, politeness } = config;
const processRecheck = createRecheckProcessor(
  { db, queues, logger, limiter, metrics, hosts, http, config: { retry, politeness, http: config.http } },
  parser,
);
const { key, accountId } = await env.newApiKey('rechecks-test');

/** A prospect: `source` linked to `dead` when it was crawled, and `dead` answered 404 then. */
async function prospect(source: string, dead: string): Promise<string> {
  web.setRoute('blog.test', new URL(source).pathname, { body: htmlPage('Hedge care', [[dead, 'good pruners']]) });
  const { crawlId, pages } = await newCrawl(db, accountId, [source]);
  const [target] = await recordCrawled(db, pages[0]!, [dead]);
  await recordCheckedTarget(db, { id: target!.id, crawlId, url: dead }, {
    verdict: 'dead', reason: 'not_found', httpStatus: 404, finalUrl: dead, attempts: [], checkedAt: new Date(),
  });
  return (await db.query('SELECT id::text FROM prospects WHERE crawl_id = $1', [crawlId])).rows[0].id;
}

/** Asks for a recheck as the API does, and runs its job. */
async function recheck(prospectId: string) {
  const pending = await requestRecheck(db, accountId, prospectId);
  await queues.enqueueRecheck(pending!);
  return runner.run('rechecks', recheckJobId(pending!), processRecheck);
}
const rechecked = async () =>
  (await db.query(`SELECT body::jsonb AS body FROM webhook_events WHERE type = 'prospect.rechecked' ORDER BY created_at`)).rows.map((r) => r.body);

t.test('a dead URL back alive, no longer linked: not worth an email', async (t) => {
  const dead = u('shop.test', '/shears');
  const id = await prospect(u('blog.test', '/hedges'), dead);
  const before = await findProspect(db, accountId, id);
  web.setRoute('shop.test', '/shears', { body: htmlPage('Shears, back in stock') });
  web.setRoute('blog.test', '/hedges', { body: htmlPage('Hedge care', [[u('shop.test', '/new-shears'), 'new shears']]) });

  t.equal((await recheck(id)).state, 'completed');
  const after = await findProspect(db, accountId, id);
  t.match(after!.recheck, { state: 'done', stillDead: false, verdict: 'alive', stillLinked: false, sourceStatus: 200, sourceError: null });
  t.same(after!.lastSeenAt, before!.lastSeenAt, 'not seen again');
  t.same(await rechecked(), [], 'no endpoint subscribes: no event');
});

t.test('still dead and still linked: recorded, and a prospect.rechecked event for the subscribed endpoint', async (t) => {
  const hook = await env.app.inject({
    method: 'POST', url: '/v1/webhooks', headers: { authorization: `Bearer ${key}` },
    payload: { url: u('hooks.test', '/rechecks'), events: ['prospect.rechecked'] },
  });
  t.equal(hook.statusCode, 201);
  const dead = u('shop.test', '/pruners');
  const id = await prospect(u('blog.test', '/post'), dead);
  const before = await findProspect(db, accountId, id);

  t.equal((await recheck(id)).state, 'completed');
  const after = await findProspect(db, accountId, id);
  t.match(after!.recheck, {
    state: 'done', stillDead: true, verdict: 'dead', reason: 'not_found', httpStatus: 404, stillLinked: true, sourceStatus: 200,
    evidence: { attempts: [{ method: 'GET', status: 404 }] },
  });
  t.ok((after!.lastSeenAt as Date) > (before!.lastSeenAt as Date), 'confirmed today: last seen moves');

  const [event] = await rechecked();
  t.match(event, { type: 'prospect.rechecked', data: { prospect: { id, deadUrl: dead, recheck: { state: 'done', stillDead: true } } } });
  const { rows } = await db.query(
    `SELECT d.id FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE e.type = 'prospect.rechecked' AND d.endpoint_id = $1`,
    [hook.json().id],
  );
  t.equal(rows.length, 1, 'one delivery, to the subscribed endpoint');
  t.equal(await queues.webhooks.getJobState(`delivery-${rows[0].id}`), 'waiting', 'its job enqueued');
});

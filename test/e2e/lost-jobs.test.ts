import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment } from '../support/environment.js';
import { apiClient, triples } from '../support/api-client.js';
import { startNiche } from '../support/niche.js';
import { startWorkers, type Workers } from '../../workers/index.js';

// Jobs are transport only: when Redis loses them (a crash between commit and enqueue, a flushed queue),
// the reconciler finds the pending rows and enqueues them again. Its timer is set far off and the test
// runs it when it wants, so that a job lost stays lost until then.
const niche = await startNiche();
const env = await startEnvironment({
  resolver: niche.web.resolver,
  env: { RECONCILE_INTERVAL_MS: '3600000', RECONCILE_MIN_AGE_MS: '0' },
});
let workers: Workers | undefined;
t.teardown(async () => {
  await workers?.close();
  await env.close();
  await niche.web.close();
});
const api = apiClient(env.app, (await env.newApiKey()).key);
const { pages, checks } = env.runtime.queues;
// Jobs in line: waiting (in a paused queue too), or waiting by their priority (see fairPriority).
const inLine = async (queue: Pick<typeof pages, 'getJobCounts'>) => {
  const counts = await queue.getJobCounts('waiting', 'paused', 'prioritized');
  return counts.waiting! + counts.paused! + counts.prioritized!;
};

t.test('a crawl whose jobs were lost still completes with every prospect', async (t) => {
  // Lose the seed's job before any worker runs.
  const created = await env.app.inject({
    method: 'POST', url: '/v1/crawls', headers: api.headers, payload: { seeds: [niche.seed], scope: 'site' },
  });
  const crawlId: string = created.json().id;
  await pages.drain();
  t.equal(await inLine(pages), 0, 'the seed job is gone');

  // Hold the link checks back, then lose them too once every page has been crawled.
  await checks.pause();
  const started = startWorkers(env.runtime);
  workers = started;
  t.match(await started.reconciler.runOnce(), { enqueued: 1 }, 'the reconciler enqueues the lost seed again');
  // Up to a minute: on a busy machine the four pages can take a while.
  for (let i = 0; i < 600; i++) {
    const { stats } = await api.getCrawl(crawlId);
    if (stats.pagesCrawled + stats.pagesFailed === 4) break;
    await sleep(100);
  }
  // A page's checks are enqueued just after its transaction commits: wait until every pending target's
  // job is in line.
  const pendingTargets = async () =>
    (await env.runtime.db.query(`SELECT count(*)::int AS n FROM crawl_targets WHERE crawl_id = $1 AND state = 'pending'`, [crawlId])).rows[0].n;
  for (let i = 0; i < 100 && (await inLine(checks)) < (await pendingTargets()); i++) await sleep(100);
  const lost = await inLine(checks);
  t.ok(lost > 0 && lost === (await pendingTargets()), `${lost} check jobs were waiting, one per pending link`);
  await checks.drain();
  t.equal(await inLine(checks), 0, 'the check jobs are gone');
  t.match(await started.reconciler.runOnce(), { enqueued: lost }, 'the reconciler enqueues every lost check again');
  await checks.resume();

  for (let i = 0; i < 300 && (await api.getCrawl(crawlId)).status === 'running'; i++) await sleep(100);
  const crawl = await api.getCrawl(crawlId);
  t.equal(crawl.status, 'completed');
  t.same(triples(await api.allProspects(crawlId)), niche.expected.site);
});

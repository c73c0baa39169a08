import t from 'tap';
import { Redis } from 'ioredis';
import { startEnvironment } from '../support/environment.js';
import { apiClient, triples } from '../support/api-client.js';
import { startNiche } from '../support/niche.js';
import { startWorkerProcess, stopWorkerProcesses } from '../support/worker-processes.js';

// API in this process, workers in two others: they share only PostgreSQL and Redis (database 3 here,
// to show that REDIS_URL's database index is honoured).
const REDIS_URL = 'redis://127.0.0.1:6379/3';
const niche = await startNiche();
const env = await startEnvironment({ resolver: niche.web.resolver, env: { REDIS_URL } });

const workerEnv = { PAGE_CONCURRENCY: '2', CHECK_CONCURRENCY: '4' };
const children = await Promise.all([1, 2].map(() => startWorkerProcess(env.config, niche.web.hosts(), workerEnv)));
t.teardown(async () => {
  await stopWorkerProcesses(children);
  await env.close();
  await niche.web.close();
});

t.test('two worker processes crawl one niche and report exactly its dead links', async (t) => {
  const api = apiClient(env.app, (await env.newApiKey()).key);
  const crawl = await api.crawlToEnd({ seeds: [niche.seed], maxDepth: 2 });
  t.equal(crawl.status, 'completed');
  t.same(triples(await api.allProspects(crawl.id)), niche.expected.outward);

  const jobs = [...(await env.runtime.queues.pages.getCompleted()), ...(await env.runtime.queues.checks.getCompleted())];
  const processors = new Set(jobs.map((job) => job.processedBy));
  t.same(
    [...processors].map((name) => Number(name?.split(':')[1])).sort(),
    children.map((child) => child.pid).sort(),
    'both worker processes took jobs, and nothing else did',
  );

  const db0 = new Redis('redis://127.0.0.1:6379/0');
  t.teardown(() => db0.disconnect());
  t.same(await db0.keys(`${env.config.queuePrefix}:*`), [], 'nothing was written to Redis database 0');
});

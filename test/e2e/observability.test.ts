import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment, type TestEnvironment } from '../support/environment.js';
import { apiClient } from '../support/api-client.js';
import { assertContract } from '../support/contract.js';
import { startNiche } from '../support/niche.js';
import { startOwnRedis } from '../support/own-services.js';
import { startWorkers, type Workers } from '../../workers/index.js';

const readyz = (env: TestEnvironment) => env.app.inject({ method: 'GET', url: '/readyz' });

t.test('/metrics counts a crawl', async (t) => {
  const niche = await startNiche();
  const env = await startEnvironment({ resolver: niche.web.resolver, workers: true });
  t.teardown(async () => {
    await env.close();
    await niche.web.close();
  });
  const api = apiClient(env.app, (await env.newApiKey()).key);
  await api.crawlToEnd({ seeds: [niche.seed], scope: 'site' });
  const response = await env.app.inject({ method: 'GET', url: '/metrics' });
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /text\/plain/);
  const value = (pattern: RegExp) => Number(pattern.exec(response.body)?.[1] ?? NaN);
  t.equal(value(/^blb_pages_total\{outcome="crawled"\} (\d+)$/m), 3, 'the three pages crawled');
  t.equal(value(/^blb_pages_total\{outcome="failed"\} (\d+)$/m), 1);
  t.ok(value(/^blb_checks_total\{reason="not_found",verdict="dead"\} (\d+)$/m) >= 2, 'verdicts by reason');
  t.ok(value(/^blb_checks_total\{reason="dns_failure",verdict="dead"\} (\d+)$/m) >= 1);
  t.match(response.body, /^blb_queue_jobs\{queue="pages",state="waiting"\} \d+$/m, 'queue depths');
  t.match(response.body, /^blb_queue_oldest_waiting_seconds\{queue="checks"\} [\d.]+$/m, 'queue ages');
  t.match(response.body, /^blb_http_request_duration_seconds_count\{method="GET",route="\/v1\/crawls\/:id",status="200"\} \d+$/m, 'latency by route');
  t.match(response.body, /^blb_process_resident_memory_bytes \d+/m);
});

t.test('/readyz: names a missing worker, is unready while Redis is down, ready again when it is back', async (t) => {
  const redis = await startOwnRedis();
  const env = await startEnvironment({ env: { REDIS_URL: redis.url } });
  let workers: Workers | undefined;
  t.teardown(async () => {
    await workers?.close();
    await env.close();
    await redis.close();
  });
  const alone = assertContract(t, 'getReadiness', await readyz(env), 503);
  t.match(alone, { ready: false, postgres: 'ok', redis: 'ok', workers: 0, processes: { worker: 0 }, missing: ['worker'] }, 'no worker process: says so');

  workers = startWorkers(env.runtime);
  for (let i = 0; i < 100 && (await readyz(env)).statusCode !== 200; i++) await sleep(100);
  const ready = assertContract(t, 'getReadiness', await readyz(env), 200);
  t.match(ready, { ready: true, postgres: 'ok', redis: 'ok', workers: 1, processes: { worker: 1 }, missing: [] });

  await redis.stop();
  const down = assertContract(t, 'getReadiness', await readyz(env), 503);
  t.match(down, { ready: false, redis: 'down', postgres: 'ok', processes: null, missing: ['redis'] });
  t.equal((await env.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 503);

  await redis.start();
  let back = await readyz(env);
  for (let i = 0; i < 200 && back.statusCode !== 200; i++) {
    await sleep(100);
    back = await readyz(env);
  }
  t.equal(back.statusCode, 200, 'ready again: the workers reconnected and took up their heartbeat');
});

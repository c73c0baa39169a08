import t from 'tap';
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment, type TestEnvironment } from '../support/environment.js';
import { apiClient } from '../support/api-client.js';
import { assertContract } from '../support/contract.js';
import { startNiche } from '../support/niche.js';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A Redis of this test's own, so that stopping it disturbs no other test. */
async function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (up) return redis;
    await sleep(50);
  }
  throw new Error('redis-server did not start');
}

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

t.test('/readyz: unready while Redis is down, ready again when it is back', async (t) => {
  const port = await freePort();
  let redis = await startRedis(port);
  const env = await startEnvironment({ workers: true, env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  t.teardown(async () => {
    await env.close();
    redis.kill();
  });
  for (let i = 0; i < 100 && (await readyz(env)).statusCode !== 200; i++) await sleep(100);
  const ready = assertContract(t, 'getReadiness', await readyz(env), 200);
  t.match(ready, { ready: true, postgres: 'ok', redis: 'ok', workers: 1 });

  redis.kill('SIGKILL');
  await new Promise((resolve) => redis.once('exit', resolve));
  const down = assertContract(t, 'getReadiness', await readyz(env), 503);
  t.match(down, { ready: false, redis: 'down', postgres: 'ok' });
  t.equal((await env.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 503);

  redis = await startRedis(port);
  let back = await readyz(env);
  for (let i = 0; i < 200 && back.statusCode !== 200; i++) {
    await sleep(100);
    back = await readyz(env);
  }
  t.equal(back.statusCode, 200, 'ready again: the workers reconnected and took up their heartbeat');
});

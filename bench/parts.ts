// What the parts under a page or check cost, apart from the service: a BullMQ job's life (added in
// batches of 20, taken and finished 64 at a time, with the service's job options) and one request through
// the service's HTTP client (got, its address guard, its body read) against one through Node's http.get
// (client and server in this process).
// CPU milliseconds per job or request in this process, and Redis's for jobs; the first round is a fresh
// process's, the later ones a warm one's. Run `npm run bench` once (it builds), then `node dist/bench/parts.js`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../services/config.js';
import { createAddressGuard } from '../services/http/address-guard.js';
import { createHttpClient } from '../services/http/client.js';
import { JOB_DEFAULTS } from '../services/queues.js';
import { REDIS_URL, redisCpuSeconds } from './service-process.js';

const JOBS = 3_000;
const REQUESTS = 4_000;
const IN_FLIGHT = 64;
const ROUNDS = 3;

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** CPU ms per job in this process and in Redis, for JOBS jobs of a fresh queue. */
async function jobLife(options: JobsOptions, prioritized: boolean): Promise<{ process: number; redis: number }> {
  const prefix = `blb-bench-parts-${process.pid}-${Date.now()}`;
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('parts', { connection, prefix, defaultJobOptions: options });
  let finished = 0;
  let allFinished!: () => void;
  const done = new Promise<void>((resolve) => (allFinished = resolve));
  const worker = new Worker('parts', async () => {}, {
    connection: workerConnection, prefix, concurrency: IN_FLIGHT, autorun: false,
  });
  worker.on('completed', () => ++finished === JOBS && allFinished());
  await worker.waitUntilReady();
  const cpu = process.cpuUsage();
  const redisBefore = await redisCpuSeconds();
  void worker.run();
  for (let first = 0; first < JOBS; first += 20) {
    await queue.addBulk(Array.from({ length: 20 }, (_, i) => ({
      name: 'target',
      data: { kind: 'target', id: first + i, crawlId: '00000000-0000-4000-8000-000000000000', requeues: 0 },
      opts: { jobId: `target-${first + i}`, ...(prioritized ? { priority: 1 + ((first + i) % 1_000) } : {}) },
    })));
  }
  await done;
  const result = { process: cpuMs(cpu) / JOBS, redis: ((await redisCpuSeconds()) - redisBefore) * 1000 / JOBS };
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  workerConnection.disconnect();
  return result;
}

/** CPU ms per request (client and server), REQUESTS of them IN_FLIGHT at a time. */
async function requests(send: () => Promise<void>): Promise<number> {
  const cpu = process.cpuUsage();
  let started = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (started++ < REQUESTS) await send();
  }));
  return cpuMs(cpu) / REQUESTS;
}

const server = http.createServer((_, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<title>a page</title>'));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
// The service's client as the service makes it (services/runtime.ts), loopback allowed as the bench allows it.
const config = loadConfig({ SSRF_ALLOWLIST: '127.0.0.0/8' });
const client = createHttpClient({ userAgent: config.userAgent, limits: config.http, guard: createAddressGuard(config.ssrfAllowlist) });
const viaClient = async () => {
  const result = await client.fetch({ url, readBody: () => true });
  if (!result.ok) throw new Error(`${url}: ${result.message}`);
};
const viaHttp = () => new Promise<void>((resolve, reject) => {
  http.get(url, { agent, headers: { 'user-agent': config.userAgent, accept: '*/*' } }, (response) => response.resume().once('end', resolve)).once('error', reject);
});

const fixed = (ms: number) => ms.toFixed(3);
for (let round = 1; round <= ROUNDS; round++) {
  const ours = await jobLife(JOB_DEFAULTS, true);
  const removed = await jobLife({ ...JOB_DEFAULTS, removeOnComplete: true }, true);
  const unprioritized = await jobLife(JOB_DEFAULTS, false);
  console.log(`round ${round}${round === 1 ? ' (fresh process)' : ''}, CPU ms per job (process + Redis): ` +
    `as the service's ${fixed(ours.process)} + ${fixed(ours.redis)}, removed on completion ${fixed(removed.process)} + ${fixed(removed.redis)}, ` +
    `without priority ${fixed(unprioritized.process)} + ${fixed(unprioritized.redis)}; ` +
    `per request (client and server): the service's client ${fixed(await requests(viaClient))}, http.get ${fixed(await requests(viaHttp))}`);
}
server.close();
agent.destroy();
client.close();

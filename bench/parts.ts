// What the parts under a page or check cost, apart from the service: a BullMQ job's life (added in
// batches of 20, taken and finished 64 at a time, with the service's job options) and one request through
// got with the service's options against one through Node's http.get (client and server in this process).
// CPU milliseconds per job or request in this process, and Redis's for jobs; the first round is a fresh
// process's, the later ones a warm one's. Run `npm run bench` once (it builds), then `node dist/bench/parts.js`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker, type JobsOptions } from 'bullmq';
import { got } from 'got';
import { Redis } from 'ioredis';
import { JOB_DEFAULTS } from '../services/queues.js';
import { redisCpuSeconds } from './service-process.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
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
// The options services/http/client.ts gives got.
const viaGot = () => new Promise<void>((resolve, reject) => {
  const stream = got.stream(url, {
    method: 'GET', headers: { 'user-agent': 'blb-prospector-bench', accept: '*/*' }, followRedirect: false, throwHttpErrors: false,
    retry: { limit: 0 }, decompress: true, http2: false, agent: { http: agent }, maxHeaderSize: 16_384,
    timeout: { lookup: 10_000, connect: 10_000, secureConnect: 10_000, response: 15_000, request: 30_000 },
  });
  stream.once('response', () => stream.resume().once('end', resolve)).once('error', reject);
});
const viaHttp = () => new Promise<void>((resolve, reject) => {
  http.get(url, { agent, headers: { 'user-agent': 'blb-prospector-bench', accept: '*/*' } }, (response) => response.resume().once('end', resolve)).once('error', reject);
});

const fixed = (ms: number) => ms.toFixed(3);
for (let round = 1; round <= ROUNDS; round++) {
  const ours = await jobLife(JOB_DEFAULTS, true);
  const removed = await jobLife({ ...JOB_DEFAULTS, removeOnComplete: true }, true);
  const unprioritized = await jobLife(JOB_DEFAULTS, false);
  console.log(`round ${round}${round === 1 ? ' (fresh process)' : ''}, CPU ms per job (process + Redis): ` +
    `as the service's ${fixed(ours.process)} + ${fixed(ours.redis)}, removed on completion ${fixed(removed.process)} + ${fixed(removed.redis)}, ` +
    `without priority ${fixed(unprioritized.process)} + ${fixed(unprioritized.redis)}; ` +
    `per request (client and server): got ${fixed(await requests(viaGot))}, http.get ${fixed(await requests(viaHttp))}`);
}
server.close();
agent.destroy();

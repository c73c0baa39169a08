import client from 'prom-client';
import type { Redis } from 'ioredis';
import { oldestWaitingSeconds, type Queues } from './queues.js';

/** Fleet-wide counters: kept in Redis, so every worker process adds to them and any API process reports them. */
export type FleetCounter = 'pages' | 'checks' | 'webhook_deliveries' | 'host_waits';

export interface Metrics {
  registry: client.Registry;
  httpDuration: client.Histogram<'method' | 'route' | 'status'>;
  /** Adds to a fleet-wide counter, e.g. count('checks', { verdict: 'dead', reason: 'not_found' }). */
  count(counter: FleetCounter, labels: Record<string, string>, by?: number): void;
  /** Writes the counts not yet written (the process is stopping). */
  flush(): Promise<void>;
}

// Counts are added up in the process and written to Redis together this often (and before a scrape of
// this process): a Redis round trip per job, for a counter, was a tenth of a busy worker's socket writes.
const FLUSH_INTERVAL_MS = 1_000;

const HELP: Record<FleetCounter, string> = {
  pages: 'Pages settled by the crawler, by state (crawled, failed, skipped)',
  checks: 'Link verdicts decided, by verdict and reason',
  webhook_deliveries: 'Webhook delivery attempts, by outcome (succeeded, retrying, failed, disabled)',
  host_waits: 'Jobs postponed because their host was busy or backing off',
};
const labelsKey = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort());

/**
 * The /metrics registry: process metrics and HTTP latencies of this process, fleet-wide counters read
 * from Redis, and queue depths and ages read from BullMQ at scrape time. Counting never fails a job:
 * a count that cannot be written is lost, not retried; counts reach Redis within a second.
 */
export function createMetrics(redis: Redis, keyPrefix: string, queues: Queues): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'blb_' });
  const httpDuration = new client.Histogram({
    name: 'blb_http_request_duration_seconds',
    help: 'API request latency by route',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const hashKey = (counter: FleetCounter) => `${keyPrefix}:metrics:${counter}`;
  const unwritten = new Map<FleetCounter, Map<string, number>>();
  const flush = async () => {
    if (unwritten.size === 0) return;
    const pipeline = redis.pipeline();
    for (const [counter, counts] of unwritten) for (const [labels, by] of counts) pipeline.hincrby(hashKey(counter), labels, by);
    unwritten.clear();
    await pipeline.exec().catch(() => {});
  };
  setInterval(() => void flush(), FLUSH_INTERVAL_MS).unref();

  for (const counter of Object.keys(HELP) as FleetCounter[]) {
    new client.Counter({
      name: `blb_${counter}_total`,
      help: HELP[counter],
      labelNames: counter === 'checks' ? ['verdict', 'reason'] : counter === 'host_waits' ? ['why'] : ['outcome'],
      registers: [registry],
      async collect() {
        await flush();
        this.reset();
        const values = await redis.hgetall(hashKey(counter));
        for (const [key, value] of Object.entries(values)) this.inc(Object.fromEntries(JSON.parse(key)), Number(value));
      },
    });
  }
  new client.Gauge({
    name: 'blb_queue_jobs',
    help: 'Jobs in each queue, by state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of queues.all) {
        const counts = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'paused');
        for (const [state, value] of Object.entries(counts)) this.set({ queue: queue.name, state }, value);
      }
    },
  });
  new client.Gauge({
    name: 'blb_queue_oldest_waiting_seconds',
    help: 'Age of the oldest job waiting in each queue (0 when none waits)',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of queues.all) {
        this.set({ queue: queue.name }, await oldestWaitingSeconds(queue));
      }
    },
  });

  return {
    registry,
    httpDuration,
    count(counter, labels, by = 1) {
      const counts = unwritten.get(counter) ?? unwritten.set(counter, new Map()).get(counter)!;
      const key = labelsKey(labels);
      counts.set(key, (counts.get(key) ?? 0) + by);
    },
    flush,
  };
}

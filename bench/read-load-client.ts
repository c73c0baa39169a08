// The read-load client (a child process of the bench): two autocannon instances at once, one per
// route, so that each route gets its own latencies: the prospects list of a running crawl and the
// crawl itself, as an outreach tool and a dashboard would poll them.
import autocannon from 'autocannon';
import { childInput, childOutput } from './node-child.js';

export interface ReadLoadInput {
  baseUrl: string;
  key: string;
  crawlId: string;
  seconds: number;
  warmUpSeconds: number;
  connectionsPerRoute: number;
}

export interface ReadLoadOutput {
  /** The load's first warmUpSeconds, measured apart. */
  warmUp: RouteLoad[];
  measured: RouteLoad[];
}

export interface RouteLoad {
  route: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

const input = childInput<ReadLoadInput>();
const routes = [
  { route: 'GET /v1/prospects?crawlId={id}', path: `/v1/prospects?crawlId=${input.crawlId}` },
  { route: 'GET /v1/crawls/{id}', path: `/v1/crawls/${input.crawlId}` },
];
// One load per route for the warm-up and the measured seconds together: the first seconds of fifty
// connections on a service that has not answered these routes yet are its start-up (code not yet
// optimized, connections being opened), not its steady state, so the responses are split by when they
// came: those of the first warmUpSeconds are reported apart. (Two loads one after the other would open
// fifty new connections at once at the start of the measured seconds, a burst no steady client makes.)
interface Outcome {
  /** Milliseconds since the load started, when the response (or error) came. */
  at: number;
  /** Null for an error or timeout. */
  status: number | null;
  latencyMs: number;
  timedOut: boolean;
}

async function load(path: string): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const started = performance.now();
  const instance = autocannon({
    url: `${input.baseUrl}${path}`,
    connections: input.connectionsPerRoute,
    duration: input.warmUpSeconds + input.seconds,
    headers: { authorization: `Bearer ${input.key}` },
  });
  const at = () => performance.now() - started;
  instance.on('response', (_client: unknown, status: number, _bytes: number, latencyMs: number) => {
    outcomes.push({ at: at(), status, latencyMs, timedOut: false });
  });
  instance.on('reqError', (error: Error) => {
    outcomes.push({ at: at(), status: null, latencyMs: 0, timedOut: error.message === 'request timed out' });
  });
  await instance;
  return outcomes;
}

/** What a route's outcomes of one phase say; latencies are of 2xx answers, as autocannon counts them. */
function routeLoad(route: string, outcomes: Outcome[], seconds: number): RouteLoad {
  const answered = outcomes.filter((o) => o.status !== null);
  const latencies = answered.filter((o) => o.status! >= 200 && o.status! < 300).map((o) => o.latencyMs).sort((a, b) => a - b);
  const percentile = (q: number) => (latencies.length ? latencies[Math.max(0, Math.ceil(q * latencies.length) - 1)]! : 0);
  return {
    route,
    requestsPerSecond: answered.length / seconds,
    p50Ms: Math.round(percentile(0.5)),
    p99Ms: Math.round(percentile(0.99)),
    maxMs: Math.round(latencies.at(-1) ?? 0),
    meanMs: latencies.length ? latencies.reduce((sum, ms) => sum + ms, 0) / latencies.length : 0,
    requests: answered.length,
    non2xx: answered.length - latencies.length,
    errors: outcomes.filter((o) => o.status === null && !o.timedOut).length,
    timeouts: outcomes.filter((o) => o.timedOut).length,
  };
}

const loads = await Promise.all(routes.map(({ path }) => load(path)));
const warmUpMs = input.warmUpSeconds * 1_000;
const output: ReadLoadOutput = {
  warmUp: loads.map((outcomes, i) => routeLoad(routes[i]!.route, outcomes.filter((o) => o.at < warmUpMs), input.warmUpSeconds)),
  measured: loads.map((outcomes, i) => routeLoad(routes[i]!.route, outcomes.filter((o) => o.at >= warmUpMs), input.seconds)),
};
childOutput(output);

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
const load = (seconds: number) =>
  Promise.all(
    routes.map(({ path }) =>
      autocannon({
        url: `${input.baseUrl}${path}`,
        connections: input.connectionsPerRoute,
        duration: seconds,
        headers: { authorization: `Bearer ${input.key}` },
      }),
    ),
  );
const routeLoad = (result: autocannon.Result, i: number): RouteLoad => ({
  route: routes[i]!.route,
  requestsPerSecond: result.requests.average,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  maxMs: result.latency.max,
  meanMs: result.latency.average,
  requests: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
});
// The first seconds of fifty connections on a service that has not answered these routes yet are its
// start-up (code not yet optimized, connections being opened), not its steady state: they are measured
// apart, then the same load goes on and is measured for input.seconds.
const warmUp = (await load(input.warmUpSeconds)).map(routeLoad);
const measured = (await load(input.seconds)).map(routeLoad);
const output: ReadLoadOutput = { warmUp, measured };
childOutput(output);

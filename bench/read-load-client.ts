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
  connectionsPerRoute: number;
}

export interface RouteLoad {
  route: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
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
const results = await Promise.all(
  routes.map(({ path }) =>
    autocannon({
      url: `${input.baseUrl}${path}`,
      connections: input.connectionsPerRoute,
      duration: input.seconds,
      headers: { authorization: `Bearer ${input.key}` },
    }),
  ),
);
childOutput(
  results.map((result, i): RouteLoad => ({
    route: routes[i]!.route,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    meanMs: result.latency.average,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })),
);

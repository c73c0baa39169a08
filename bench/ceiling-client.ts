// The ceiling's client (a child process of the bench): replays a list of URLs with GET through one
// keep-alive agent, `inFlight` requests at a time, resolving the bench's host names itself (names
// that do not exist fail at once, as NXDOMAIN does). Writes the time taken and the answers by status.
import dns from 'node:dns';
import http from 'node:http';
import { fakeLookup, readHostMap, type CallbackLookup } from './fake-hosts.js';
import { childInput, childOutput } from './node-child.js';

export interface CeilingInput {
  urls: string[];
  inFlight: number;
}

export interface CeilingOutput {
  seconds: number;
  requests: number;
  /** Answers by status code, failures by error code (ENOTFOUND). */
  outcomes: Record<string, number>;
}

const { urls, inFlight } = childInput<CeilingInput>();
const agent = new http.Agent({ keepAlive: true, lookup: fakeLookup(readHostMap(), dns.lookup as CallbackLookup) as never });

/** One GET, its body read to the end; resolves with the status, or the error code. */
const get = (url: string) =>
  new Promise<string>((resolve) => {
    http
      .get(url, { agent }, (response) => response.resume().on('end', () => resolve(String(response.statusCode))))
      .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });

const outcomes: Record<string, number> = {};
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (next < urls.length) {
      const outcome = await get(urls[next++]!);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
agent.destroy();
childOutput({ seconds, requests: urls.length, outcomes } satisfies CeilingOutput);

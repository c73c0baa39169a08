import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import type { Resolver } from '../../services/http/address-guard.js';

/** A canned answer, or a handler for anything hostile or stateful. */
export type Route =
  | { status?: number; headers?: Record<string, string>; body?: string | Buffer }
  | ((req: http.IncomingMessage, res: http.ServerResponse) => void);

export type Site = Record<string, Route>;

export interface SeenRequest {
  host: string;
  method: string;
  path: string;
  at: number;
}

export interface FakeWeb {
  port: number;
  /** The HTTPS port, when the fake web was started with a certificate. */
  tlsPort: number | null;
  /** `http://host:port/path` for a virtual host of this fake web. */
  url(host: string, path?: string): string;
  /** Maps the fake web's host names (and `extraHosts`) to loopback; any other name is NXDOMAIN. */
  resolver: Resolver;
  /** Every host name the resolver knows, with its address (for worker processes the test spawns). */
  hosts(): Record<string, string>;
  requests: SeenRequest[];
  setRoute(host: string, path: string, route: Route): void;
  close(): Promise<void>;
}

/**
 * Many virtual hosts on one loopback port, chosen by the Host header. Host names exist only inside the
 * test's resolver; nothing here touches real DNS or the internet. Unknown paths answer 404.
 */
export async function startFakeWeb(
  sites: Record<string, Site>,
  extraHosts: Record<string, string> = {},
  tls?: { key: string; cert: string },
): Promise<FakeWeb> {
  const requests: SeenRequest[] = [];
  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const path = req.url ?? '/';
    requests.push({ host, method: req.method ?? 'GET', path, at: Date.now() });
    // An exact path-and-query route wins; a route for the bare path serves any query string.
    const route = sites[host]?.[path] ?? sites[host]?.[path.split('?')[0]!];
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<title>Not found</title>');
      return;
    }
    if (typeof route === 'function') return route(req, res);
    res.writeHead(route.status ?? 200, { 'content-type': 'text/html; charset=utf-8', ...route.headers });
    res.end(req.method === 'HEAD' ? undefined : route.body ?? '');
  };
  const servers: http.Server[] = [http.createServer(handle)];
  if (tls) servers.push(https.createServer(tls, handle));
  // Hostile routes leave sockets open; closing the fake web must not wait for them.
  const sockets = new Set<import('node:net').Socket>();
  for (const server of servers) {
    server.on(tls && server instanceof https.Server ? 'secureConnection' : 'connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }
  const [port, tlsPort] = servers.map((server) => (server.address() as AddressInfo).port);

  const hosts = () => ({ ...Object.fromEntries(Object.keys(sites).map((host) => [host, '127.0.0.1'])), ...extraHosts });

  return {
    port: port!,
    tlsPort: tlsPort ?? null,
    url: (host, path = '/') => `http://${host}:${port}${path}`,
    resolver: resolverFor(hosts),
    hosts,
    requests,
    setRoute(host, path, route) {
      (sites[host] ??= {})[path] = route;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

/**
 * A resolver that knows only the given names (looked up at each call); any other name is NXDOMAIN.
 * A name mapped to 'SERVFAIL' fails the way a broken or timing-out DNS server does (EAI_AGAIN); one
 * mapped to 'ADDRESS within MS' answers after a random delay of up to MS ms (an uneven DNS: requests
 * leave at uneven times after they were paced).
 */
export function resolverFor(hosts: () => Record<string, string>): Resolver {
  return async (hostname) => {
    const [address, within] = (hosts()[hostname.toLowerCase()] ?? '').split(' within ');
    if (within) await new Promise((resolve) => setTimeout(resolve, Math.random() * Number(within)));
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
    if (address === 'SERVFAIL') throw Object.assign(new Error(`getaddrinfo EAI_AGAIN ${hostname}`), { code: 'EAI_AGAIN', hostname });
    return [{ address, family: address.includes(':') ? 6 : 4 } satisfies LookupAddress];
  };
}

/** A minimal HTML page with a title and links given as [href, anchor text, rel?]. */
export function htmlPage(title: string, links: [string, string, string?][] = [], extraHead = ''): string {
  const anchors = links
    .map(([href, text, rel]) => `<p>See <a href="${href}"${rel ? ` rel="${rel}"` : ''}>${text}</a> for more.</p>`)
    .join('\n');
  return `<!doctype html><html><head><title>${title}</title>${extraHead}</head><body>${anchors}</body></html>`;
}

/**
 * Where connections are refused, reliably: tests bind only 127.0.0.1, so nothing ever listens on
 * 127.0.0.3. (A freed port of 127.0.0.1 is no good: a test running in parallel may bind it.)
 */
export const REFUSING = { address: '127.0.0.3', port: 1023 } as const;

export interface Arrival {
  path: string;
  /** Epoch ms, with the sub-millisecond part. */
  at: number;
}

export interface TimingHost {
  port: number;
  /** `http://host:port/path`: give `host` to the fake web too, so that the resolver knows it. */
  url(host: string, path?: string): string;
  /** Every request so far, in order of arrival, and the most that were in flight at once. */
  report(): Promise<{ arrivals: Arrival[]; maxInFlight: number }>;
  close(): Promise<void>;
}

// Plain JavaScript for `node -e`: the process starts fast and does nothing but answer and note times.
// It asks for the highest priority, so that it notes an arrival as soon as the request is there even on a
// busy machine (that needs root or CAP_SYS_NICE; without, it competes like any process), and answers
// itself once before it counts, so that the first request noted does not wait for code to warm up.
const TIMING_HOST_SOURCE = `
const http = require('node:http');
try { require('node:os').setPriority(-20); } catch {}
const { delayMs, body } = JSON.parse(process.env.TIMING_HOST);
let arrivals = [];
let inFlight = 0;
let maxInFlight = 0;
const server = http.createServer((req, res) => {
  arrivals.push({ path: req.url, at: performance.timeOrigin + performance.now() });
  maxInFlight = Math.max(maxInFlight, ++inFlight);
  setTimeout(() => {
    inFlight--;
    res.writeHead(200, { 'content-type': 'text/html' }).end(req.method === 'HEAD' ? undefined : body);
  }, delayMs);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  http.get({ port, host: '127.0.0.1', path: '/warm-up', agent: false }, (res) => {
    res.resume().on('end', () => {
      arrivals = [];
      maxInFlight = 0;
      process.send({ port });
    });
  });
});
process.on('message', () => process.send({ arrivals, maxInFlight }));
process.on('disconnect', () => process.exit(0));
`;

/**
 * A host that answers every path with `body` after delayMs, served from a process of its own that
 * notes when each request arrived. Times noted in the test's own process would carry that process's
 * delays (the API, the database, the other hosts of the fake web): a request that waited there behind
 * other work is noted late, closer to the next one than it arrived.
 */
export async function startTimingHost(options: { delayMs: number; body: string }): Promise<TimingHost> {
  const child = spawn(process.execPath, ['-e', TIMING_HOST_SOURCE], {
    env: { TIMING_HOST: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const reply = <T>() =>
    new Promise<T>((resolve, reject) => {
      child.once('message', (message) => resolve(message as T));
      child.once('exit', (code) => reject(new Error(`timing host exited with ${code}`)));
    });
  const { port } = await reply<{ port: number }>();
  return {
    port,
    url: (host, path = '/') => `http://${host}:${port}${path}`,
    report() {
      const answer = reply<{ arrivals: Arrival[]; maxInFlight: number }>();
      child.send('report');
      return answer;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

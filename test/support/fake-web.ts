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
 * A name mapped to 'SERVFAIL' fails the way a broken or timing-out DNS server does (EAI_AGAIN).
 */
export function resolverFor(hosts: () => Record<string, string>): Resolver {
  return async (hostname) => {
    const address = hosts()[hostname.toLowerCase()];
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

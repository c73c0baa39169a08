import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { got, type Request as GotStream, type Response as GotResponse } from 'got';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { HttpLimits } from '../config.js';
import { isIpLiteral, type AddressGuard } from './address-guard.js';
import { classifyNetworkError, type FetchErrorCode } from './errors.js';

export interface FetchRequest {
  url: string;
  method?: 'GET' | 'HEAD' | 'POST';
  /** A request body (POST), sent as is. */
  body?: string;
  headers?: Record<string, string>;
  /** false: a 3xx is the answer, not a hop (webhook deliveries never follow redirects). */
  followRedirects?: boolean;
  /** A tighter bound on the whole exchange than the client's (one webhook delivery attempt). */
  timeoutMs?: number;
  /**
   * Told once what became of the first request (host politeness counts its interval from the send):
   * true when it has been written to its connection, or failed once connected (the server may have seen
   * it); false when it failed before any connection (DNS, a blocked address, a refused or timed-out
   * connect), so it never reached the server. Within sendTimeoutMs of the call either way.
   */
  onSent?: (sent: boolean) => void;
  /** Decides from the final response's content type whether its body is read (bodies are never read otherwise). */
  readBody?: (contentType: string) => boolean;
  /** Cap on the decoded body; the stream is destroyed there and the body marked truncated. */
  maxBytes?: number;
  accept?: string;
  /** Fewer redirects than the client's limit (robots.txt: 5). */
  maxRedirects?: number;
}

export interface Hop {
  url: string;
  status: number;
}

interface Outcome {
  /** The URL requested first. */
  url: string;
  /** Every response that redirected, in order. */
  redirects: Hop[];
  elapsedMs: number;
}

export interface FetchResponse extends Outcome {
  ok: true;
  finalUrl: string;
  status: number;
  headers: http.IncomingHttpHeaders;
  contentType: string;
  body: string | null;
  truncated: boolean;
}

export interface FetchFailure extends Outcome {
  ok: false;
  /** The URL whose request failed (the last hop of a redirect chain). */
  failedUrl: string;
  error: FetchErrorCode;
  message: string;
}

export type FetchResult = FetchResponse | FetchFailure;

export interface HttpClient {
  fetch(request: FetchRequest): Promise<FetchResult>;
  close(): void;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// A response header block larger than this is hostile or broken; Node's default is 16 KiB.
const MAX_HEADER_BYTES = 32 * 1024;

/**
 * How long host politeness waits for a booked request to report before it frees the host (the booking
 * process died). From fetch() to sent or failed: the address check, the lookup, the connect and the TLS
 * handshake are each cut at connectTimeoutMs; 2 s more cover the moment from booking to fetch() (at most
 * 1 s, see host-limiter.ts), a busy event loop and the report's way to Redis.
 */
export const sendTimeoutMs = (limits: Pick<HttpLimits, 'connectTimeoutMs'>): number => 4 * limits.connectTimeoutMs + 2_000;

/**
 * The one outbound HTTP client (pages, checks, robots.txt). Redirects are followed here, hop by hop, so
 * every hop passes the address guard and is recorded; every phase has a timeout and the whole exchange
 * a deadline; bodies are read through a stream and cut at the byte cap, after decompression.
 *
 * With a forward proxy, the proxy connects to the target, so the guard's check at connect time cannot
 * run there; every hop's host is still resolved and checked here before the request is sent.
 */
export function createHttpClient(options: {
  userAgent: string;
  limits: HttpLimits;
  guard: AddressGuard;
  proxyUrl?: string;
}): HttpClient {
  const { userAgent, limits, guard, proxyUrl } = options;
  const agentOptions = { keepAlive: true, maxSockets: 256 };
  const agents = proxyUrl
    ? { http: new HttpProxyAgent(proxyUrl, agentOptions), https: new HttpsProxyAgent(proxyUrl, agentOptions) }
    : { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };

  async function fetch(request: FetchRequest): Promise<FetchResult> {
    const started = performance.now();
    const redirects: Hop[] = [];
    const visited = new Set<string>();
    let current = request.url;
    const fail = (error: FetchErrorCode, message: string): FetchFailure => ({
      ok: false, url: request.url, failedUrl: current, redirects, error, message, elapsedMs: elapsed(started),
    });
    let onSent = request.onSent;
    const report = (sent: boolean) => {
      const told = onSent;
      onSent = undefined;
      told?.(sent);
    };

    for (;;) {
      visited.add(current);
      let exchange: Exchange;
      try {
        // IP-literal hosts never reach the lookup function, and through a proxy the lookup is of the proxy:
        // those hops are checked here (a name is resolved, so the check is cut like got's lookup, see
        // sendTimeoutMs). Any other host is checked by the lookup itself, on every new connection, so its
        // name is resolved once per request, not twice.
        const { hostname } = new URL(current);
        if (proxyUrl || isIpLiteral(hostname)) {
          await withTimeout(guard.assertHostAllowed(hostname), limits.connectTimeoutMs, `lookup of ${hostname}`);
        }
        exchange = await send(current, request, report);
      } catch (error) {
        report(false); // unless send reported already
        const classified = classifyNetworkError(error);
        return fail(classified.code, classified.message);
      }
      const { response, stream } = exchange;
      const location = response.headers.location;
      if (REDIRECT_STATUSES.has(response.statusCode) && location && request.followRedirects !== false) {
        stream.destroy();
        redirects.push({ url: current, status: response.statusCode });
        let next: URL;
        try {
          next = new URL(location, current);
        } catch {
          return fail('invalid_redirect', `redirect to an invalid URL: ${location.slice(0, 200)}`);
        }
        next.hash = '';
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          return fail('invalid_redirect', `redirect to a non-http URL: ${next.protocol}`);
        }
        if (visited.has(next.href)) return fail('too_many_redirects', `redirect loop back to ${next.href}`);
        const maxRedirects = request.maxRedirects ?? limits.maxRedirects;
        if (redirects.length >= maxRedirects) return fail('too_many_redirects', `more than ${maxRedirects} redirects`);
        current = next.href;
        continue;
      }

      const contentType = String(response.headers['content-type'] ?? '').toLowerCase();
      let body: string | null = null;
      let truncated = false;
      if (request.method !== 'HEAD' && request.readBody?.(contentType)) {
        try {
          const read = await readCapped(stream, request.maxBytes ?? limits.maxBodyBytes);
          body = decode(read.bytes, contentType);
          truncated = read.truncated;
        } catch (error) {
          const classified = classifyNetworkError(error);
          return fail(classified.code, classified.message);
        }
      } else {
        stream.destroy();
      }
      return {
        ok: true, url: request.url, finalUrl: current, redirects, status: response.statusCode,
        headers: response.headers, contentType, body, truncated, elapsedMs: elapsed(started),
      };
    }
  }

  interface Exchange {
    response: GotResponse;
    stream: GotStream;
  }

  function send(url: string, request: FetchRequest, report: (sent: boolean) => void): Promise<Exchange> {
    const stream = got.stream(url, {
      method: request.method ?? 'GET',
      headers: { 'user-agent': userAgent, accept: request.accept ?? '*/*', ...request.headers },
      body: request.body,
      followRedirect: false,
      throwHttpErrors: false,
      retry: { limit: 0 },
      decompress: true,
      http2: false,
      agent: agents,
      // Through a proxy, the lookup would be of the proxy itself, which the operator chose.
      dnsLookup: proxyUrl ? undefined : (guard.lookup as never),
      maxHeaderSize: MAX_HEADER_BYTES,
      timeout: {
        lookup: limits.connectTimeoutMs,
        connect: limits.connectTimeoutMs,
        secureConnect: limits.connectTimeoutMs,
        response: Math.min(limits.responseTimeoutMs, request.timeoutMs ?? Infinity),
        // Covers the body too: a server that drips one byte at a time ends here.
        request: Math.min(limits.requestTimeoutMs, request.timeoutMs ?? Infinity),
      },
    });
    // 'finish' comes once the request is written to its socket: after the lookup, connect and handshake.
    let connected = false;
    stream.once('request', (outgoing: http.ClientRequest) => {
      outgoing.once('finish', () => report(true));
      outgoing.once('socket', (socket: Socket) => {
        if (socket.connecting) socket.once('connect', () => (connected = true));
        else connected = true;
      });
    });
    return new Promise((resolve, reject) => {
      stream.once('response', (response: GotResponse) => {
        report(true);
        resolve({ response, stream });
      });
      stream.once('error', (error) => {
        report(connected);
        reject(error);
      });
    });
  }

  return {
    fetch,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

async function readCapped(stream: GotStream, maxBytes: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const room = maxBytes - size;
      if (chunk.length >= room) {
        chunks.push(chunk.subarray(0, room));
        return { bytes: Buffer.concat(chunks), truncated: chunk.length > room || !stream.readableEnded };
      }
      chunks.push(chunk);
      size += chunk.length;
    }
  } finally {
    stream.destroy();
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}

function decode(bytes: Buffer, contentType: string): string {
  const charset = /charset="?([\w-]+)/.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

const elapsed = (started: number) => Math.round(performance.now() - started);

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'ETIMEOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

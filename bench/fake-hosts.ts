// The bench's virtual hosts as DNS answers, for the processes it starts (the service, linkinator and the
// ceiling client): names from a JSON map resolve to loopback; any other name under the bench's made-up
// top-level domain does not exist, like an expired domain; every other name goes to the real resolver.
import { readFileSync } from 'node:fs';
import type { LookupAddress } from 'node:dns';

/** The environment variable naming the JSON file of host names and their addresses. */
export const HOSTS_FILE_VARIABLE = 'BENCH_HOSTS_FILE';
const FAKE_TLD = '.bench';

export type HostMap = Record<string, string>;

type LookupCallback = (error: NodeJS.ErrnoException | null, address?: string | LookupAddress[], family?: number) => void;
/** `dns.lookup`'s shape: (hostname, [options], callback), options a family number or an object. */
export type CallbackLookup = (this: unknown, hostname: string, options: unknown, callback?: unknown) => void;
export type PromiseLookup = (hostname: string, options?: unknown) => Promise<unknown>;

export function readHostMap(path = process.env[HOSTS_FILE_VARIABLE]): HostMap {
  if (!path) throw new Error(`${HOSTS_FILE_VARIABLE} must name the bench's host map`);
  return JSON.parse(readFileSync(path, 'utf8')) as HostMap;
}

/** What getaddrinfo reports for a name that does not exist (NXDOMAIN). */
function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname });
}

/** The fake answer for a name: its addresses, an NXDOMAIN error, or null when the name is not the bench's. */
function fakeAnswer(hosts: HostMap, hostname: string): LookupAddress[] | NodeJS.ErrnoException | null {
  const name = hostname.toLowerCase();
  const address = hosts[name];
  if (address) return [{ address, family: address.includes(':') ? 6 : 4 }];
  return name.endsWith(FAKE_TLD) ? notFound(hostname) : null;
}

const wantsAll = (options: unknown) => typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;

/** A callback-style lookup (for `dns.lookup` or an http.Agent's `lookup`) answering the bench's names. */
export function fakeLookup(hosts: HostMap, fallback: CallbackLookup): CallbackLookup {
  return function lookup(this: unknown, hostname, options, callback) {
    const answer = fakeAnswer(hosts, hostname);
    if (answer === null) return fallback.call(this, hostname, options, callback);
    const done = (typeof options === 'function' ? options : callback) as LookupCallback;
    // Asynchronously, as the real lookup answers: callers may rely on it.
    process.nextTick(() => {
      if (answer instanceof Error) done(answer);
      else if (wantsAll(options)) done(null, answer);
      else done(null, answer[0]!.address, answer[0]!.family);
    });
  };
}

/** A promise lookup (for `dns.promises.lookup`) answering the bench's names. */
export function fakePromiseLookup(hosts: HostMap, fallback: PromiseLookup): PromiseLookup {
  return async (hostname, options) => {
    const answer = fakeAnswer(hosts, hostname);
    if (answer === null) return fallback(hostname, options);
    if (answer instanceof Error) throw answer;
    return wantsAll(options) ? answer : answer[0];
  };
}

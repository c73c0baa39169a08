import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Resolves a host name to every address it has (tests pass one that maps their fake hosts to loopback). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

export class BlockedAddressError extends Error {
  readonly code = 'ERR_BLOCKED_ADDRESS';
  constructor(host: string, address: string) {
    super(
      host === address
        ? `${address} is a non-public address that is never fetched`
        : `${host} resolves to ${address}, a non-public address that is never fetched`,
    );
  }
}

const bareHost = (hostname: string) => hostname.replace(/^\[|\]$/g, '');
/** Whether a URL's hostname is an IP address as written (IPv6 in its brackets), which no lookup sees. */
export const isIpLiteral = (hostname: string) => isIP(bareHost(hostname)) !== 0;

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

export interface AddressGuard {
  isAllowed(address: string): boolean;
  /** Resolves the host (or takes an IP literal as is) and throws BlockedAddressError for a non-public address. */
  assertHostAllowed(hostname: string): Promise<LookupAddress[]>;
  /** A `lookup` for net/http that refuses non-public addresses after DNS resolution, on every connection. */
  lookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void;
}

/**
 * Only globally routable unicast addresses pass: loopback, private, link-local (the cloud metadata
 * address), CGNAT, multicast, reserved, NAT64/6to4, IPv4-mapped and IPv4-compatible forms of those, and
 * any IPv6 address outside global unicast 2000::/3 are refused,
 * unless an allowlisted CIDR (SSRF_ALLOWLIST, for tests) covers them.
 */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
const IPV4_MAPPED = /^(?:(?:0{1,4}:){5}|::(?:0{1,4}:)?)ffff:\d{1,3}(?:\.\d{1,3}){3}$/i;

export function createAddressGuard(allowlist: string[], resolve: Resolver = systemResolver): AddressGuard {
  const allowed = allowlist.map((cidr) => ipaddr.parseCIDR(cidr));

  const isAllowed = (address: string): boolean => {
    let ip: ipaddr.IPv4 | ipaddr.IPv6;
    let raw: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      raw = ipaddr.parse(address);
      ip = ipaddr.process(address);
    } catch {
      return false;
    }
    if (allowed.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits))) return true;
    // IPv6 beyond the global unicast block 2000::/3 is no public host: IPv4-compatible ::a.b.c.d (which
    // process() would read as the IPv4 address) and unassigned space. IPv4-mapped forms are judged as IPv4.
    // (ipaddr.js reads ::a.b.c.d as ::ffff:a.b.c.d: a dotted quad in IPv6 is judged by how it is written.)
    if (address.includes(':') && address.includes('.') && !IPV4_MAPPED.test(address)) return false;
    if (raw.kind() === 'ipv6' && raw.range() !== 'ipv4Mapped' && !raw.match(GLOBAL_UNICAST_V6)) return false;
    return ip.range() === 'unicast';
  };

  const assertHostAllowed = async (hostname: string): Promise<LookupAddress[]> => {
    const host = bareHost(hostname);
    const family = isIP(host);
    const addresses = family ? [{ address: host, family }] : await resolve(host);
    // One non-public answer refuses the host: an attacker's name may mix public and internal records.
    const blocked = addresses.find((entry) => !isAllowed(entry.address));
    if (blocked) throw new BlockedAddressError(host, blocked.address);
    return addresses;
  };

  const lookup = (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    assertHostAllowed(hostname).then(
      (addresses) => {
        if (addresses.length === 0) {
          callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
        } else if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, options.all ? [] : ''),
    );
  };

  return { isAllowed, assertHostAllowed, lookup };
}

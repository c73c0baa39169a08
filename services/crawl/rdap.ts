import { getDomain, parse } from 'tldts';
import { registrableDomain } from './urls.js';
import type { DeadReason } from './vocabulary.js';

/** What a registry says of a domain: registered (with its expiry and registrar when said), available, or unknown. */
export interface DomainFacts {
  state: 'registered' | 'available' | 'unknown';
  expiresAt: Date | null;
  registrar: string | null;
}

/** Dead reasons that say the domain itself may be gone: worth asking whether it can be registered. */
export const DOMAIN_FACT_REASONS: ReadonlySet<string> = new Set(['dns_failure', 'parked_domain'] satisfies DeadReason[]);

const MAX_DOMAIN_CHARS = 253;
// A registrar's name is a label for a person to read; a longer one is noise or hostile.
const MAX_REGISTRAR_CHARS = 200;
// Registries that follow the ICANN gTLD profile also say when the registrar's term ends; the registry's
// own expiration comes first when both are there.
const EXPIRY_ACTIONS = ['expiration', 'registrar expiration'];

/** Nothing known of the domain: no RDAP service for its TLD, an unreadable answer, or RDAP could not be asked. */
export const UNKNOWN_DOMAIN: Readonly<DomainFacts> = Object.freeze({ state: 'unknown', expiresAt: null, registrar: null });

/**
 * Reads an RDAP answer to `GET /domain/<name>` (RFC 9083 §5.3, RFC 7480). `fromRegistry`: the answer
 * came from another server than the bootstrap asked, which redirected the query there.
 * - 200 with a domain object: registered; its `expiration` event gives expiresAt, the entity with the
 *   role `registrar` (its vCard fn) gives registrar;
 * - 404 from a registry: available (the registry does not know the name). A bootstrap (rdap.org) also
 *   answers 404, with no RDAP body and no redirect, when it knows no RDAP service for the TLD: that is
 *   unknown. So a 404 is available only from a registry, or when it carries an RDAP error object (a
 *   registry's RDAP service configured as the base URL);
 * - 429, 408 and 5xx but 501: 'retry' (the service is busy or broken for now);
 * - anything else (400, 501, other statuses, a body that is not a domain object): unknown, for good.
 */
export function domainFactsOf(status: number, body: string | null, fromRegistry = false): DomainFacts | 'retry' {
  if (status === 429 || status === 408 || (status >= 500 && status !== 501)) return 'retry';
  const json = objectOf(body);
  if (status === 404) {
    const rdapError = json !== null && (typeof json.errorCode === 'number' || Array.isArray(json.rdapConformance));
    return fromRegistry || rdapError ? { state: 'available', expiresAt: null, registrar: null } : UNKNOWN_DOMAIN;
  }
  if (status !== 200 || json === null) return UNKNOWN_DOMAIN;
  // objectClassName is required of every object (RFC 9083 §4.7); an error object or a help answer is not a domain.
  if (json.objectClassName !== 'domain' || typeof json.errorCode === 'number') return UNKNOWN_DOMAIN;
  return { state: 'registered', expiresAt: expiryOf(json.events), registrar: registrarOf(json.entities) };
}

/**
 * The registrable domain of a dead URL when a registry can speak for it, else null: not for an IP
 * address, a single-label host or a name longer than DNS allows, nor for a name under a private suffix
 * (a blogspot.com or github.io site is not registered at a registry, and asking would answer for the
 * suffix's owner).
 */
export function rdapDomainOf(url: string): string | null {
  const domain = registrableDomain(url).toLowerCase();
  // No registry holds a name longer than DNS allows; a hostile host name must not reach the table's key.
  if (parse(domain).isIp || !domain.includes('.') || domain.length > MAX_DOMAIN_CHARS) return null;
  return getDomain(domain, { allowPrivateDomains: false }) === domain ? domain : null;
}

type Json = Record<string, unknown>;

function objectOf(body: string | null): Json | null {
  if (!body) return null;
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
  } catch {
    return null;
  }
}

function expiryOf(events: unknown): Date | null {
  if (!Array.isArray(events)) return null;
  for (const action of EXPIRY_ACTIONS) {
    for (const event of events as Json[]) {
      if (String(event?.eventAction ?? '').toLowerCase() !== action || typeof event.eventDate !== 'string') continue;
      const date = new Date(event.eventDate);
      if (!Number.isNaN(date.getTime())) return date;
    }
  }
  return null;
}

/** The registrar's name from its jCard (RFC 7095): ["vcard", [["fn", {}, "text", "Name"], ...]]. */
function registrarOf(entities: unknown): string | null {
  if (!Array.isArray(entities)) return null;
  const registrar = (entities as Json[]).find((entity) => Array.isArray(entity?.roles) && entity.roles.includes('registrar'));
  const card = registrar?.vcardArray;
  if (!Array.isArray(card) || !Array.isArray(card[1])) return null;
  const fn = (card[1] as unknown[]).find((property) => Array.isArray(property) && property[0] === 'fn') as unknown[] | undefined;
  const name = typeof fn?.[3] === 'string' ? fn[3].replace(/\s+/g, ' ').trim() : '';
  return name ? name.slice(0, MAX_REGISTRAR_CHARS) : null;
}

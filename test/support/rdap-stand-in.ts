import type { FakeWeb } from './fake-web.js';

/** What the stand-in registry holds for one domain, and how it behaves when asked. */
export interface RdapRecord {
  /** registered (the default): 200 with an RDAP domain object; available: the registry answers 404. */
  state?: 'registered' | 'available';
  /** The expiration event's date (ISO 8601); none when absent. */
  expires?: string;
  /** The registrar entity's vCard fn; no registrar entity when absent. */
  registrar?: string;
  /** The registry answers 503 this many times first (Infinity: it is down for good). */
  failures?: number;
  /** The registry answers after this long. */
  delayMs?: number;
}

export interface RdapStandIn {
  /** The bootstrap's base URL: what RDAP_URL is set to. */
  url: string;
  /** How many lookups of the domain reached the bootstrap. */
  asked(domain: string): number;
  /** Adds or replaces a domain's record. */
  set(domain: string, record: RdapRecord): void;
}

/**
 * An RDAP bootstrap and registry on the fake web, behaving as rdap.org and a registry behind it do:
 * the bootstrap (rdap.test) redirects `/domain/<name>` to the registry (registry.rdap.test) for the
 * domains in `records`, and answers 404 with no RDAP body for any other name (it knows no RDAP service
 * for the TLD). The registry answers a realistic domain object, or 404 (the name is not registered),
 * after its delay and its 503s.
 */
export function startRdapStandIn(
  web: FakeWeb,
  records: Record<string, RdapRecord>,
  hosts = { bootstrap: 'rdap.test', registry: 'registry.rdap.test' },
): RdapStandIn {
  const path = (domain: string) => `/domain/${domain}`;
  // The bootstrap's host must be known to the resolver even before the first record is set.
  web.setRoute(hosts.bootstrap, '/', { status: 400, body: '' });
  const set = (domain: string, record: RdapRecord) => {
    let failures = record.failures ?? 0;
    web.setRoute(hosts.bootstrap, path(domain), {
      status: 302, headers: { location: web.url(hosts.registry, path(domain)), 'content-type': 'application/rdap+json' }, body: '',
    });
    web.setRoute(hosts.registry, path(domain), (_req, res) => {
      const answer = () => {
        if (res.destroyed) return;
        if (failures > 0) {
          failures--;
          return res.writeHead(503, { 'content-type': 'text/html' }).end('<title>Service Unavailable</title>');
        }
        if (record.state === 'available') return res.writeHead(404, { 'content-type': 'application/rdap+json' }).end();
        res.writeHead(200, { 'content-type': 'application/rdap+json' }).end(JSON.stringify(rdapDomainObject(domain, record)));
      };
      if (record.delayMs) setTimeout(answer, record.delayMs);
      else answer();
    });
  };
  for (const [domain, record] of Object.entries(records)) set(domain, record);
  return {
    url: web.url(hosts.bootstrap, '').replace(/\/$/, ''),
    asked: (domain) => web.requests.filter((seen) => seen.host === hosts.bootstrap && seen.path === path(domain)).length,
    set,
  };
}

/** A registry's answer for a registered domain, shaped like Verisign's for .com (RFC 9083 §5.3, ICANN profile). */
export function rdapDomainObject(domain: string, record: Pick<RdapRecord, 'expires' | 'registrar'> = {}) {
  const events = [
    { eventAction: 'registration', eventDate: '2009-04-02T18:21:04Z' },
    ...(record.expires ? [{ eventAction: 'expiration', eventDate: record.expires }] : []),
    { eventAction: 'last update of RDAP database', eventDate: '2025-01-10T09:14:11Z' },
  ];
  const entities = record.registrar
    ? [{
        objectClassName: 'entity', handle: '1068', roles: ['registrar'],
        publicIds: [{ type: 'IANA Registrar ID', identifier: '1068' }],
        vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', record.registrar]]],
        entities: [{
          objectClassName: 'entity', roles: ['abuse'],
          vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', ''], ['email', {}, 'text', 'abuse@registrar.example']]],
        }],
      }]
    : [];
  const self = `https://rdap.verisign.com/com/v1/domain/${domain.toUpperCase()}`;
  return {
    objectClassName: 'domain',
    handle: '1546723498_DOMAIN_COM-VRSN',
    ldhName: domain.toUpperCase(),
    links: [{ value: self, rel: 'self', href: self, type: 'application/rdap+json' }],
    status: ['client transfer prohibited'],
    entities,
    events,
    secureDNS: { delegationSigned: false },
    nameservers: [{ objectClassName: 'nameserver', ldhName: 'NS1.PARKING.EXAMPLE' }],
    rdapConformance: ['rdap_level_0', 'icann_rdap_technical_implementation_guide_0', 'icann_rdap_response_profile_0'],
    notices: [{ title: 'Terms of Use', description: ['Service subject to Terms of Use.'], links: [] }],
  };
}

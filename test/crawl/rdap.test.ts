import t from 'tap';
import { domainFactsOf, rdapDomainOf } from '../../services/crawl/rdap.js';

// Answers as registries and bootstraps give them (shapes of Verisign's .com, a ccTLD registry without
// events, RFC 9083 §6 error objects, rdap.org's bare 404 for a TLD it knows no server for).
const COM_ANSWER = JSON.stringify({
  objectClassName: 'domain',
  handle: '2336799_DOMAIN_COM-VRSN',
  ldhName: 'EXAMPLE.COM',
  links: [{ value: 'https://rdap.verisign.com/com/v1/domain/EXAMPLE.COM', rel: 'self', href: 'https://rdap.verisign.com/com/v1/domain/EXAMPLE.COM', type: 'application/rdap+json' }],
  status: ['client delete prohibited', 'client transfer prohibited', 'client update prohibited'],
  entities: [{
    objectClassName: 'entity', handle: '376', roles: ['registrar'],
    publicIds: [{ type: 'IANA Registrar ID', identifier: '376' }],
    vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', 'RESERVED-Internet Assigned Numbers Authority']]],
    entities: [{ objectClassName: 'entity', roles: ['abuse'], vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', '']]] }],
  }],
  events: [
    { eventAction: 'registration', eventDate: '1995-08-14T04:00:00Z' },
    { eventAction: 'expiration', eventDate: '2025-08-13T04:00:00Z' },
    { eventAction: 'last changed', eventDate: '2024-08-14T07:01:34Z' },
    { eventAction: 'last update of RDAP database', eventDate: '2025-01-10T09:14:11Z' },
  ],
  secureDNS: { delegationSigned: true, dsData: [{ keyTag: 370, algorithm: 13, digestType: 2, digest: 'BE74359954660069D5C63D200C39F5603827D7DD02B56F120EE9F3A86764247C' }] },
  nameservers: [{ objectClassName: 'nameserver', ldhName: 'A.IANA-SERVERS.NET' }, { objectClassName: 'nameserver', ldhName: 'B.IANA-SERVERS.NET' }],
  rdapConformance: ['rdap_level_0', 'icann_rdap_technical_implementation_guide_0', 'icann_rdap_response_profile_0'],
  notices: [{
    title: 'Terms of Use', description: ['Service subject to Terms of Use.'],
    links: [{ href: 'https://www.verisign.com/domain-names/registration-data-access-protocol/terms-service/index.xhtml', type: 'text/html' }],
  }],
});
const NO_EVENTS_ANSWER = JSON.stringify({
  rdapConformance: ['rdap_level_0'],
  objectClassName: 'domain',
  ldhName: 'old-tool-shop.example',
  status: ['active'],
  nameservers: [{ objectClassName: 'nameserver', ldhName: 'ns1.host.example' }],
});
const NOT_FOUND_OBJECT = JSON.stringify({ rdapConformance: ['rdap_level_0'], errorCode: 404, title: 'Not Found', description: ['The domain was not found.'] });
const REGISTRAR_EXPIRY_ONLY = JSON.stringify({
  objectClassName: 'domain', ldhName: 'shop.example',
  events: [{ eventAction: 'registrar expiration', eventDate: '2026-02-01T00:00:00Z' }, { eventAction: 'expiration', eventDate: 'not a date' }],
  entities: [{ objectClassName: 'entity', roles: ['technical'], vcardArray: ['vcard', [['fn', {}, 'text', 'Not the registrar']]] }],
});

t.test('what an RDAP answer says of a domain', async (t) => {
  const cases: [string, number, string | null, boolean, ReturnType<typeof domainFactsOf>][] = [
    ['a .com answer: expiry and registrar', 200, COM_ANSWER, true,
      { state: 'registered', expiresAt: new Date('2025-08-13T04:00:00Z'), registrar: 'RESERVED-Internet Assigned Numbers Authority' }],
    ['a domain object without events or entities', 200, NO_EVENTS_ANSWER, true, { state: 'registered', expiresAt: null, registrar: null }],
    ["the registrar's expiry when the registry's cannot be read; no other role is a registrar", 200, REGISTRAR_EXPIRY_ONLY, true,
      { state: 'registered', expiresAt: new Date('2026-02-01T00:00:00Z'), registrar: null }],
    ['a registry\'s 404 error object', 404, NOT_FOUND_OBJECT, false, { state: 'available', expiresAt: null, registrar: null }],
    ['a bare 404 from the registry the bootstrap sent us to', 404, '', true, { state: 'available', expiresAt: null, registrar: null }],
    ['a bare 404 from the bootstrap itself: no RDAP service for the TLD', 404, '', false, { state: 'unknown', expiresAt: null, registrar: null }],
    ["a bootstrap's HTML 404", 404, '<html><title>Not Found</title></html>', false, { state: 'unknown', expiresAt: null, registrar: null }],
    ['garbage JSON', 200, '{"objectClassName": "domain", "events": [', true, { state: 'unknown', expiresAt: null, registrar: null }],
    ['JSON that is not a domain object', 200, '["domain"]', true, { state: 'unknown', expiresAt: null, registrar: null }],
    ['an error object with 200', 200, JSON.stringify({ objectClassName: 'domain', errorCode: 500 }), true, { state: 'unknown', expiresAt: null, registrar: null }],
    ['an HTML page with 200', 200, '<html>Welcome</html>', true, { state: 'unknown', expiresAt: null, registrar: null }],
    ['no body', 200, null, true, { state: 'unknown', expiresAt: null, registrar: null }],
    ['400: a name the service will not take', 400, NOT_FOUND_OBJECT, false, { state: 'unknown', expiresAt: null, registrar: null }],
    ['501: domain lookups not implemented', 501, '', true, { state: 'unknown', expiresAt: null, registrar: null }],
    ['403: refused', 403, '', false, { state: 'unknown', expiresAt: null, registrar: null }],
    ['503: busy', 503, '<title>Service Unavailable</title>', true, 'retry'],
    ['500', 500, '', false, 'retry'],
    ['429: rate limited', 429, '', false, 'retry'],
    ['408', 408, '', true, 'retry'],
  ];
  for (const [name, status, body, fromRegistry, expected] of cases) t.same(domainFactsOf(status, body, fromRegistry), expected, name);
});

t.test("a registrar's name is one tidy line, cut at 200 characters", async (t) => {
  const answer = (fn: string) => JSON.stringify({ objectClassName: 'domain', entities: [{ roles: ['registrar'], vcardArray: ['vcard', [['fn', {}, 'text', fn]]] }] });
  t.match(domainFactsOf(200, answer('  Example\n  Registrar,  Inc. ')), { registrar: 'Example Registrar, Inc.' });
  t.equal((domainFactsOf(200, answer('x'.repeat(5_000))) as { registrar: string }).registrar.length, 200);
  t.match(domainFactsOf(200, answer('   ')), { registrar: null });
});

t.test('which dead URLs a registry can speak for', async (t) => {
  t.equal(rdapDomainOf('http://www.old-tool-shop.com/pruners'), 'old-tool-shop.com');
  t.equal(rdapDomainOf('https://shop.example.co.uk/'), 'example.co.uk');
  t.equal(rdapDomainOf('http://dead-shop.test/x'), 'dead-shop.test', 'a TLD unknown to the list: the bootstrap decides');
  t.equal(rdapDomainOf('http://xn--bcher-kva.example/'), 'xn--bcher-kva.example');
  t.equal(rdapDomainOf('https://oldblog.blogspot.com/2009/post'), null, 'a private suffix: no registry holds the name');
  t.equal(rdapDomainOf('http://127.0.0.1/x'), null);
  t.equal(rdapDomainOf('http://[2001:db8::1]/x'), null);
  t.equal(rdapDomainOf('http://intranet/x'), null);
  t.equal(rdapDomainOf(`http://${'a'.repeat(250)}.com/`), null, 'longer than DNS allows');
});

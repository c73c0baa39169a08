import t from 'tap';
import { startEnvironment } from '../support/environment.js';
import { apiClient, triples } from '../support/api-client.js';
import { startRealWebNiche } from '../support/real-web-niche.js';
import { startRdapStandIn } from '../support/rdap-stand-in.js';
import { serveWayback } from '../support/wayback-stand-in.js';

// The verdict rules against the patterns of the real web, each at least twice on separate hosts:
// canonical redirects beside soft 404s, parking pages in four languages, client errors, login walls.
const niche = await startRealWebNiche();
// The registry knows two parked domains and one expired one; lapsed-seeds.test's TLD has no RDAP service.
const rdap = startRdapStandIn(niche.web, {
  'example-tools.test': { expires: '2027-04-01T00:00:00Z', registrar: 'Parking Registrar Inc.' },
  'garten-profi.test': { expires: '2026-12-24T00:00:00Z' },
  'jardin-malin.test': { state: 'available' },
  'huerto-facil.test': { state: 'available' },
  'expired-roses.test': { state: 'available' },
});
// The archive's newest capture of a dead page is its own not-found page; an older one is the page.
const wayback = serveWayback(niche.web);
const tulip = niche.cases.find((c) => c.pattern === 'to its home page')!.url;
wayback.add(
  { url: tulip, timestamp: '20190612080000', body: '<html><head><title>Parrot tulips – Tulip shop</title></head><body><article><h1>Parrot tulips</h1><h2>Planting</h2><p>Plant parrot tulip bulbs in autumn, a hand deep, in well-drained soil.</p></article></body></html>' },
  { url: tulip, timestamp: '20230101000000', body: '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>' },
  { url: tulip, timestamp: '20240101000000', status: 404, body: 'gone' },
);
const env = await startEnvironment({
  resolver: niche.web.resolver,
  workers: true,
  env: { RDAP_URL: rdap.url, ARCHIVE_URL: wayback.baseUrl },
});
t.teardown(async () => {
  await env.close();
  await niche.web.close();
});
const api = apiClient(env.app, (await env.newApiKey()).key);

t.test('a crawl reports exactly the links that are dead on the real web, for the right reason', async (t) => {
  const crawl = await api.crawlToEnd({ seeds: [niche.seed], scope: 'site' }, 120_000);
  t.equal(crawl.status, 'completed');
  t.same(triples(await api.allProspects(crawl.id)), niche.expected);

  const { rows } = await env.runtime.db.query('SELECT url, verdict, reason FROM crawl_targets WHERE crawl_id = $1', [crawl.id]);
  const judged = new Map(rows.map((row) => [row.url, row]));
  for (const c of niche.cases) t.match(judged.get(c.url), { verdict: c.verdict, reason: c.reason }, `${c.pattern}: ${c.verdict} ${c.reason ?? ''}`);
});

t.test('dead domains carry their registration, looked up once per domain; the archive shows the page, not its 404', async (t) => {
  const crawl = (await api.crawlToEnd({ seeds: [niche.seed], scope: 'site' }, 120_000)) as { id: string };
  type Row = { deadUrl: string; reason: string; domainFacts: { state: string; expiresAt: string | null; registrar: string | null } | null; archive: { state: string } & Record<string, unknown> };
  let prospects: Row[] = [];
  // Lookups run on their own queues after the crawl: wait until none is pending.
  for (const started = Date.now(); Date.now() - started < 60_000; await new Promise((resolve) => setTimeout(resolve, 250))) {
    prospects = (await api.allProspects(crawl.id)) as Row[];
    if (!prospects.some((p) => p.domainFacts?.state === 'pending' || p.archive?.state === 'pending')) break;
  }
  const facts = (host: string) => prospects.find((p) => new URL(p.deadUrl).hostname === host)?.domainFacts;
  t.match(facts('example-tools.test'), { state: 'registered', expiresAt: '2027-04-01T00:00:00.000Z', registrar: 'Parking Registrar Inc.' });
  t.match(facts('garten-profi.test'), { state: 'registered', expiresAt: '2026-12-24T00:00:00.000Z' });
  t.match(facts('jardin-malin.test'), { state: 'available', expiresAt: null });
  t.match(facts('expired-roses.test'), { state: 'available' });
  t.match(facts('lapsed-seeds.test'), { state: 'unknown' }, 'no RDAP service for it: unknown, not available');
  t.ok(prospects.filter((p) => !['dns_failure', 'parked_domain'].includes(p.reason)).every((p) => p.domainFacts === null), 'other reasons carry no domain facts');
  for (const domain of ['example-tools.test', 'garten-profi.test', 'jardin-malin.test']) t.equal(rdap.asked(domain), 1, `${domain} looked up once`);

  const available = (await api.allProspects(crawl.id, 100, { domainAvailability: 'available' })) as Row[];
  t.same([...new Set(available.map((p) => new URL(p.deadUrl).hostname))].sort(), ['expired-roses.test', 'huerto-facil.test', 'jardin-malin.test']);

  // One item per dead domain, with its registration; paged with the cursor.
  const domains: Array<{ deadDomain: string; reasons: string[]; deadUrls: string[]; prospects: number; domainFacts: { state: string } | null }> = [];
  let cursor: string | null = null;
  do {
    const url: string = `/v1/dead-links?crawlId=${crawl.id}&groupBy=domain&reason=parked_domain,dns_failure&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
    const page = (await env.app.inject({ method: 'GET', url, headers: api.headers })).json();
    domains.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  t.same(domains.map((d) => d.deadDomain).sort(), [
    'example-tools.test', 'expired-roses.test', 'garten-profi.test', 'huerto-facil.test', 'jardin-malin.test', 'lapsed-seeds.test',
  ]);
  t.match(domains.find((d) => d.deadDomain === 'jardin-malin.test'), {
    reasons: ['parked_domain'], prospects: 2, deadUrls: [niche.cases.find((c) => c.pattern === 'parked, French')!.url], domainFacts: { state: 'available' },
  });

  const archived = prospects.find((p) => p.deadUrl === tulip)!.archive;
  t.match(archived, {
    state: 'found', url: wayback.link({ url: tulip, timestamp: '20190612080000' }), title: 'Parrot tulips – Tulip shop',
    outline: [{ level: 1, text: 'Parrot tulips' }, { level: 2, text: 'Planting' }],
    firstParagraph: 'Plant parrot tulip bulbs in autumn, a hand deep, in well-drained soil.',
  }, 'the capture before its 404, never the 404');
});

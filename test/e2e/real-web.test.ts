import t from 'tap';
import { startEnvironment } from '../support/environment.js';
import { apiClient, triples } from '../support/api-client.js';
import { startRealWebNiche } from '../support/real-web-niche.js';

// The verdict rules against the patterns of the real web, each at least twice on separate hosts:
// canonical redirects beside soft 404s, parking pages in four languages, client errors, login walls.
const niche = await startRealWebNiche();
const env = await startEnvironment({ resolver: niche.web.resolver, workers: true });
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

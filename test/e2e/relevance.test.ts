import t from 'tap';
import { startEnvironment } from '../support/environment.js';
import { apiClient } from '../support/api-client.js';
import { startRelevanceWeb } from '../support/relevance-web.js';
import { assertContract } from '../support/contract.js';

// A depth-2 outward crawl of a gardening niche whose pages also link to big off-topic sites, within one
// page budget: breadth-first (minRelevance null: every page's links followed) against steered (the
// default minRelevance). What is measured is what a link builder sees: how much of the crawl, and of
// its prospects, is about the niche.
const niche = await startRelevanceWeb();
const env = await startEnvironment({ resolver: niche.web.resolver, workers: true });
t.teardown(async () => {
  await env.close();
  await niche.web.close();
});
const { key } = await env.newApiKey();
const api = apiClient(env.app, key);
const BUDGET = 60;

async function measure(minRelevance: number | undefined | null) {
  const crawl = await api.crawlToEnd({ seeds: niche.seeds, maxDepth: 2, maxPages: BUDGET, ...(minRelevance === undefined ? {} : { minRelevance }) });
  const { rows: pages } = await env.runtime.db.query<{ url: string; relevance: number | null }>(
    `SELECT coalesce(final_url, url) AS url, relevance FROM pages WHERE crawl_id = $1 AND state = 'crawled'`, [crawl.id]);
  const prospects = await api.allProspects(crawl.id);
  const onTopicProspects = prospects.filter((p) => niche.isOnTopic(p.sourceUrl)).length;
  return {
    crawl,
    pages: pages.length,
    onTopicPages: pages.filter((p) => niche.isOnTopic(p.url)).length,
    prospects: prospects.length,
    onTopicProspects,
    relevance: {
      on: pages.filter((p) => niche.isOnTopic(p.url)).map((p) => p.relevance!),
      off: pages.filter((p) => !niche.isOnTopic(p.url)).map((p) => p.relevance!),
    },
  };
}
const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
const pct = (x: number) => `${Math.round(x * 100)} %`;

t.test('a steered crawl spends its budget on the niche', async (t) => {
  const breadthFirst = await measure(null);
  const steered = await measure(undefined);
  for (const [name, run] of [['breadth-first', breadthFirst], ['steered', steered]] as const) {
    t.comment(`${name}: ${run.pages} pages crawled, ${pct(share(run.onTopicPages, run.pages))} on-topic; ` +
      `${run.prospects} prospects, ${run.onTopicProspects} on-topic (${pct(share(run.onTopicProspects, run.prospects))}); ` +
      `off-topic pages skipped ${run.crawl.stats.offTopicPages}; relevance on-topic min ${Math.min(...run.relevance.on)}, off-topic max ${Math.max(...run.relevance.off)}`);
  }
  t.equal(steered.crawl.minRelevance, 0.3, 'the default minRelevance');
  t.match(steered.crawl.niche, { lang: 'en' });
  t.ok(steered.crawl.niche.topTerms.length > 5, `the niche's words: ${steered.crawl.niche.topTerms.join(', ')}`);
  t.ok(Math.min(...steered.relevance.on) > Math.max(...steered.relevance.off), 'every gardening page scores above every off-topic page');
  t.ok(share(steered.onTopicProspects, steered.prospects) >= 0.9, 'at least 90 % of the steered prospects are on-topic');
  t.ok(share(steered.onTopicProspects, steered.prospects) >= 2 * share(breadthFirst.onTopicProspects, breadthFirst.prospects), 'at least twice the breadth-first share');
  t.ok(steered.onTopicProspects >= breadthFirst.onTopicProspects, 'at least as many on-topic prospects');
});

t.test('prospects by relevance: filter, sort, export; keywords in the niche', async (t) => {
  const headers = { authorization: `Bearer ${key}` };
  const get = async (url: string, operation: string) => assertContract(t, operation, await env.app.inject({ method: 'GET', url, headers }), 200);
  const crawl = await api.crawlToEnd({ seeds: niche.seeds, maxDepth: 1, maxPages: 30, minRelevance: null, keywords: ['greenhouse', 'tulips'] });
  t.match(crawl, { keywords: ['greenhouse', 'tulips'], minRelevance: null, niche: { lang: 'en' } });
  t.ok(crawl.niche.topTerms.includes('greenhouse') && crawl.niche.topTerms.includes('tulips'), `keywords among the niche's words, as written: ${crawl.niche.topTerms}`);

  const all = (await get(`/v1/prospects?crawlId=${crawl.id}&limit=100`, 'listProspects')).items;
  t.ok(all.some((p: any) => !niche.isOnTopic(p.sourceUrl)), 'unsteered, off-topic pages yield prospects');
  t.ok(all.every((p: any) => typeof p.sourceRelevance === 'number'));
  const relevant = (await get(`/v1/prospects?crawlId=${crawl.id}&limit=100&minRelevance=0.5`, 'listProspects')).items;
  t.ok(relevant.length > 0 && relevant.every((p: any) => niche.isOnTopic(p.sourceUrl) && p.sourceRelevance >= 0.5), 'minRelevance keeps the on-topic ones');

  // Sorted by relevance, paged two at a time: highest first, every prospect once.
  const seen: any[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await get(`/v1/prospects?crawlId=${crawl.id}&sort=relevance&limit=2${cursor ? `&cursor=${cursor}` : ''}`, 'listProspects');
    seen.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  t.equal(seen.length, all.length);
  t.same(seen.map((p) => p.sourceRelevance), [...seen.map((p) => p.sourceRelevance)].sort((a, b) => b - a), 'highest relevance first');
  t.equal(new Set(seen.map((p) => p.id)).size, all.length, 'no prospect twice');

  const csv = await env.app.inject({ method: 'GET', url: `/v1/prospects/export?crawlId=${crawl.id}&format=csv`, headers });
  t.ok(csv.body.split('\r\n')[0]!.split(',').includes('sourceRelevance'), 'the CSV has sourceRelevance');
});

// npm run bench: one process (API + workers, as `npm start` runs them) crawls a synthetic niche on
// loopback. Prints pages and link checks per minute and the process's peak memory.
// Sizes: BENCH_SITES (default 40) sites of BENCH_PAGES (default 50) pages, each page linking to
// 8 pages of its own site and 8 outbound URLs, a quarter of them dead. Politeness is the service's
// default (4 requests in flight and 100 ms between starts per host), so 40 hosts cap it at 400 requests/s.
import { startEnvironment } from '../test/support/environment.js';
import { apiClient } from '../test/support/api-client.js';
import { htmlPage, startFakeWeb, type Site } from '../test/support/fake-web.js';

const SITES = Number(process.env.BENCH_SITES ?? 40);
const PAGES = Number(process.env.BENCH_PAGES ?? 50);
const INTERNAL_LINKS = 8;
const OUTBOUND_LINKS = 8;

const sites: Record<string, Site> = {};
for (let s = 0; s < SITES; s++) sites[`site-${s}.bench`] = {};
const web = await startFakeWeb(sites);
for (let s = 0; s < SITES; s++) {
  for (let p = 0; p < PAGES; p++) {
    const links: [string, string][] = [];
    for (let i = 1; i <= INTERNAL_LINKS; i++) links.push([`/page-${(p * 7 + i) % PAGES}`, `internal ${i}`]);
    for (let o = 0; o < OUTBOUND_LINKS; o++) {
      const other = (s + o + 1) % SITES;
      const target = (p + o) % PAGES;
      // Every fourth outbound link is dead: a missing page on a live site, or a domain that does not resolve.
      const href =
        o % 4 !== 3 ? web.url(`site-${other}.bench`, `/page-${target}`)
        : o % 8 === 3 ? web.url(`site-${other}.bench`, `/missing-${p}`)
        : `http://expired-${s}-${p}.bench/`;
      links.push([href, `outbound ${o}`]);
    }
    web.setRoute(`site-${s}.bench`, `/page-${p}`, { body: htmlPage(`Site ${s} page ${p}`, links) });
  }
}

const env = await startEnvironment({
  resolver: web.resolver,
  workers: true,
  // The service's defaults, politeness included (the test environment turns the host interval off).
  env: {
    PAGE_CONCURRENCY: process.env.PAGE_CONCURRENCY ?? '8',
    CHECK_CONCURRENCY: process.env.CHECK_CONCURRENCY ?? '32',
    HOST_CONCURRENCY: process.env.HOST_CONCURRENCY ?? '4',
    HOST_INTERVAL_MS: process.env.HOST_INTERVAL_MS ?? '100',
  },
});
const api = apiClient(env.app, (await env.newApiKey('bench')).key);
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

const started = performance.now();
const crawl = await api.crawlToEnd(
  { seeds: [web.url('site-0.bench', '/page-0')], scope: 'outward', maxDepth: 10, maxPages: SITES * PAGES, respectRobots: true },
  30 * 60_000,
);
const minutes = (performance.now() - started) / 60_000;
clearInterval(sampler);

const { stats } = crawl;
console.log(JSON.stringify({
  status: crawl.status,
  sites: SITES,
  pagesPerSite: PAGES,
  seconds: Math.round(minutes * 600) / 10,
  pagesCrawled: stats.pagesCrawled,
  pagesFailed: stats.pagesFailed,
  linksChecked: stats.linksChecked,
  prospects: stats.prospects,
  pagesPerMinute: Math.round(stats.pagesCrawled / minutes),
  checksPerMinute: Math.round(stats.linksChecked / minutes),
  peakRssMiB: Math.round(peakRss / 1024 / 1024),
  requestsServed: web.requests.length,
}, null, 2));

await env.close();
await web.close();

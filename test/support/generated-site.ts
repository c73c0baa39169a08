import type http from 'node:http';
import { htmlPage, startFakeWeb, type FakeWeb, type Route } from './fake-web.js';
import { triple } from './niche.js';

export interface GeneratedSite {
  web: FakeWeb;
  seed: string;
  /** Every page of the site, reachable from the seed. */
  pages: string[];
  /** The (source page, dead URL, reason) triples a site crawl must report, and nothing else. */
  expected: string[];
  /** The pages within maxDepth hops of the seed (by the shortest path), and the triples found on them. */
  within(maxDepth: number): { pages: string[]; expected: string[] };
  /** Each page's shortest distance from the seed, by URL. */
  depths: Record<string, number>;
  /** Makes one page answer only after `ms` (a page that is in flight when a worker is killed). */
  slowDown(path: string, ms: number): void;
}

const EXTERNAL_HOSTS = 8;
const EXTERNAL_PATHS = 12;

/**
 * A deterministic site of `pageCount` pages on site.test, each linking to pages deeper in the site (a
 * tree, so every page is reachable, plus links that reach some pages again by a longer path and some
 * by a shorter one) and to three of 96 external URLs, a third of them dead (404 or 410). Outbound links
 * come in two shapes so the dead pairs are many: every page links to dead URLs.
 */
export async function startGeneratedSite(pageCount: number, options: { pageDelayMs?: number } = {}): Promise<GeneratedSite> {
  const delays = new Map<string, number>();
  const answer = (body: string): Route => (req: http.IncomingMessage, res: http.ServerResponse) => {
    const delay = delays.get(req.url ?? '') ?? options.pageDelayMs ?? 0;
    const send = () => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : body);
    if (delay > 0) setTimeout(send, delay);
    else send();
  };
  const sites: Record<string, Record<string, Route>> = { 'site.test': {} };
  for (let h = 0; h < EXTERNAL_HOSTS; h++) sites[`ext-${h}.test`] = {};
  const web = await startFakeWeb(sites);

  const external = Array.from({ length: EXTERNAL_HOSTS * EXTERNAL_PATHS }, (_, n) => {
    const host = `ext-${n % EXTERNAL_HOSTS}.test`;
    const path = `/resource-${n}`;
    // A third are dead: two thirds of those 404 (no route), one third 410.
    const reason = n % 3 !== 0 ? null : n % 9 === 0 ? 'gone' : 'not_found';
    if (reason === null) web.setRoute(host, path, { body: htmlPage(`Resource ${n}`) });
    if (reason === 'gone') web.setRoute(host, path, { status: 410 });
    return { url: web.url(host, path), reason };
  });

  const pageUrl = (i: number) => web.url('site.test', i === 0 ? '/' : `/p${i}`);
  const found: string[][] = [];
  const linked: number[][] = [];
  for (let i = 0; i < pageCount; i++) {
    const children = [2 * i + 1, 2 * i + 2, (i * 7 + 3) % pageCount].filter((child) => child < pageCount && child !== i);
    linked.push(children);
    const outbound = [0, 1, 2].map((k) => external[(i * 5 + k * 31) % external.length]!);
    const links: [string, string][] = [
      ...children.map((child): [string, string] => [pageUrl(child), `Page ${child}`]),
      ...outbound.map((target, k): [string, string] => [target.url, `resource ${i}.${k}`]),
    ];
    web.setRoute('site.test', i === 0 ? '/' : `/p${i}`, answer(htmlPage(`Page ${i}`, links)));
    found.push([...new Set(outbound)].filter((target) => target.reason).map((target) => triple(pageUrl(i), target.url, target.reason!)));
  }
  // Breadth-first from the seed: each page's shortest distance.
  const depth = new Map([[0, 0]]);
  for (const queue = [0]; queue.length > 0; ) {
    const page = queue.shift()!;
    for (const child of linked[page]!) {
      if (depth.has(child)) continue;
      depth.set(child, depth.get(page)! + 1);
      queue.push(child);
    }
  }
  const within = (maxDepth: number) => {
    const pages = [...depth].filter(([, d]) => d <= maxDepth).map(([page]) => page).sort((a, b) => a - b);
    return { pages: pages.map(pageUrl).sort(), expected: pages.flatMap((page) => found[page]!).sort() };
  };
  return {
    web,
    seed: pageUrl(0),
    pages: Array.from({ length: pageCount }, (_, i) => pageUrl(i)),
    expected: within(Infinity).expected,
    within,
    depths: Object.fromEntries([...depth].map(([page, d]) => [pageUrl(page), d])),
    slowDown: (path, ms) => delays.set(path, ms),
  };
}

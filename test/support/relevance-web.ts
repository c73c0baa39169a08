import { startFakeWeb, type FakeWeb, type Site } from './fake-web.js';

// A home-gardening niche on a fake web: a few gardening sites whose pages also link out to large
// off-topic sites (news, software, shopping) that link on among themselves. Every page has dead links
// (on a gardening page to a gone nursery, on an off-topic page to a gone off-topic page), so a crawl's
// prospects show which pages it spent its budget on. Deterministic: the same web every time.

const GARDEN = `garden gardening roses rose pruning prune shears compost composting mulch mulching soil seedlings seeds
  tomatoes tomato vegetable vegetables beds raised watering hose perennials annuals flowers flowering shrubs hedges
  lawn weeds weeding fertilizer manure potting pots planting plants plant harvest herbs basil cuttings bulbs tulips
  spring autumn frost greenhouse trowel spade rake leaves roots blooms pests aphids slugs organic`.split(/\s+/);
const NEWS = `election minister parliament government vote voters campaign policy senate president court ruling economy
  inflation markets stocks budget tax taxes deficit reform protest police crime report reporters interview summit
  treaty diplomats sanctions border military war ceasefire poll polls candidate party coalition opposition scandal
  investigation verdict trial headlines breaking weather storm traffic football match league transfer coach`.split(/\s+/);
const SOFTWARE = `software release version update download install server cloud database api developer developers code
  javascript python compiler kernel linux windows security patch vulnerability encryption login password account
  subscription pricing plan enterprise dashboard analytics integration plugin framework library bug bugs fix build
  deploy container cluster network bandwidth latency cache memory processor laptop smartphone app apps`.split(/\s+/);
const SHOP = `shop store cart checkout price prices discount sale deal deals offer offers shipping delivery returns refund
  warranty order orders customer customers brand brands size sizes color colors stock available buy bestseller
  reviews rating fashion shoes jackets dresses jeans watches jewelry electronics headphones camera television
  furniture sofa mattress kitchen appliances gift cards coupon membership loyalty points payment`.split(/\s+/);
const GLUE = 'the and for with your this that our from into about when how why best new more most very'.split(' ');

const GARDEN_HOSTS = ['rose-garden.test', 'veg-patch.test', 'compost-corner.test', 'green-thumb.test', 'herb-corner.test', 'bloom-beds.test'];
const TOPICS = { 'news.test': NEWS, 'daily-news.test': NEWS, 'software.test': SOFTWARE, 'app-store.test': SOFTWARE, 'shop.test': SHOP, 'mega-shop.test': SHOP };
const OFF_HOSTS = Object.keys(TOPICS) as (keyof typeof TOPICS)[];
const PAGES_PER_GARDEN_SITE = 12;
const PAGES_PER_OFF_SITE = 25;

/** A small deterministic generator (mulberry32). */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RelevanceWeb {
  web: FakeWeb;
  seeds: string[];
  /** Whether a page (by its URL) is on the gardening niche. */
  isOnTopic(url: string): boolean;
  /** Every gardening page of the web. */
  onTopicPages: string[];
}

export async function startRelevanceWeb(): Promise<RelevanceWeb> {
  const next = random(20261203);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const sentence = (pool: string[]) => {
    const words = Array.from({ length: 9 + Math.floor(next() * 6) }, (_, i) => (i % 3 === 1 ? pick(GLUE) : pick(pool)));
    return `${words[0]![0]!.toUpperCase()}${words.join(' ').slice(1)}.`;
  };
  const paragraph = (pool: string[], sentences: number) => Array.from({ length: sentences }, () => sentence(pool)).join(' ');
  const sites: Record<string, Site> = Object.fromEntries([...GARDEN_HOSTS, ...OFF_HOSTS, 'old-nursery.test', 'gone-news.test'].map((host) => [host, {}]));
  const web: FakeWeb = await startFakeWeb(sites);
  const url = (host: string, path: string) => web.url(host, path);
  const pagePath = (i: number) => (i === 0 ? '/' : `/page-${i}`);

  const page = (pool: string[], links: [string, string][], nav: string[]) =>
    `<!doctype html><html lang="en"><head><title>${sentence(pool).slice(0, 60)}</title></head><body>
<nav>${nav.map((href) => `<a href="${href}">Home</a>`).join(' ')} <a href="/about">About</a> <a href="/contact">Contact</a></nav>
<main><h1>${sentence(pool).slice(0, 50)}</h1><p>${paragraph(pool, 4)}</p>
${links.map(([href, text]) => `<p>${sentence(pool)} See <a href="${href}">${text}</a> for more.</p>`).join('\n')}
<p>${paragraph(pool, 3)}</p></main><footer>Copyright</footer></body></html>`;


  GARDEN_HOSTS.forEach((host, h) => {
    for (let i = 0; i < PAGES_PER_GARDEN_SITE; i++) {
      const links: [string, string][] = [
        [url(host, pagePath((i + 1) % PAGES_PER_GARDEN_SITE)), `${pick(GARDEN)} ${pick(GARDEN)}`],
        [url(host, pagePath((i + 5) % PAGES_PER_GARDEN_SITE)), `${pick(GARDEN)} tips`],
        [url(GARDEN_HOSTS[(h + 1 + (i % 3)) % GARDEN_HOSTS.length]!, pagePath(i)), `${pick(GARDEN)} guide`],
        // Gardening pages cite news, software and shops too, as real blogs do, often with a word of the niche.
        [url(pick(OFF_HOSTS), pagePath(Math.floor(next() * PAGES_PER_OFF_SITE))), 'this article'],
        [url(pick(OFF_HOSTS), pagePath(Math.floor(next() * PAGES_PER_OFF_SITE))), `${pick(GARDEN)} ${pick(SHOP)}`],
        [url(pick(OFF_HOSTS), pagePath(Math.floor(next() * PAGES_PER_OFF_SITE))), `${pick(NEWS)} ${pick(SOFTWARE)}`],
        [url('old-nursery.test', `/${host.split('.')[0]}-${i}`), `${pick(GARDEN)} from the nursery`],
      ];
      sites[host]![pagePath(i)] = { body: page(GARDEN, links, [url(host, '/')]) };
    }
  });
  for (const host of OFF_HOSTS) {
    const pool = TOPICS[host];
    for (let i = 0; i < PAGES_PER_OFF_SITE; i++) {
      const links: [string, string][] = [
        ...Array.from({ length: 8 }, (): [string, string] => [url(pick(OFF_HOSTS), pagePath(Math.floor(next() * PAGES_PER_OFF_SITE))), `${pick(pool)} ${pick(pool)}`]),
        [url(host, pagePath((i + 1) % PAGES_PER_OFF_SITE)), `${pick(pool)} more`],
        [url('gone-news.test', `/${host.split('.')[0]}-${i}`), `${pick(pool)} archive`],
      ];
      sites[host]![pagePath(i)] = { body: page(pool, links, [url(host, '/')]) };
    }
  }
  const onTopicPages = GARDEN_HOSTS.flatMap((host) => Array.from({ length: PAGES_PER_GARDEN_SITE }, (_, i) => url(host, pagePath(i))));
  return {
    web,
    seeds: [url(GARDEN_HOSTS[0]!, '/'), url(GARDEN_HOSTS[1]!, '/')],
    isOnTopic: (pageUrl) => GARDEN_HOSTS.includes(new URL(pageUrl).hostname),
    onTopicPages,
  };
}

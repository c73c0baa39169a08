// A deterministic gardening niche for the bench: one blog (the seed host) and the sites it links to.
// Everything is drawn from a seeded PRNG, so a size always gives the same pages, links and dead URLs.
import { Random, weightedPicker, zipfWeights } from './random.js';

export const SEED_HOST = 'www.garden-notes.bench';
/** The stand-in for the Wayback Machine's availability API (the service asks it about dead URLs). */
export const ARCHIVE_HOST = 'archive.bench';

/** Why a dead external URL is dead, in the service's words. */
export type DeadReason = 'not_found' | 'gone' | 'dns_failure';

export interface ExternalTarget {
  url: string;
  host: string;
  path: string;
  fate: 'alive' | DeadReason;
}

export interface SitePage {
  path: string;
  url: string;
  html: string;
}

export interface NicheSite {
  seed: string;
  robotsTxt: string;
  pages: SitePage[];
  /** Every unique external URL linked from the blog, with what answers there. */
  externalTargets: ExternalTarget[];
  /** External hosts that resolve (each answers a home page, its alive URLs and its 410s). */
  liveExternalHosts: string[];
  /** `pairKey(source page URL, dead URL)` of every page that links to a dead external URL. */
  knownDeadPairs: Set<string>;
  counts: SiteCounts;
}

export interface SiteCounts {
  pages: number;
  linkOccurrences: number;
  internalOccurrences: number;
  externalOccurrences: number;
  uniqueExternalUrls: number;
  externalHosts: number;
  nxdomainHosts: number;
  dead: Record<DeadReason, number>;
  knownDeadPairs: number;
}

// The 1x size; a scale multiplies pages, link occurrences, unique external URLs and external hosts.
const PAGES = 2_000;
const LINK_OCCURRENCES = 22_000;
const EXTERNAL_URLS = 3_000;
const EXTERNAL_HOSTS = 300;
const DEAD_SHARE = 0.1;
/** Of all unique external URLs, the share on hosts that no longer resolve (a third of the dead). */
const NXDOMAIN_SHARE = 0.03;
/** Of the dead URLs on live hosts, the share answering 410 (the rest 404). */
const GONE_SHARE = 0.4;
const SECTIONS = ['guides', 'plants', 'tools', 'seasons'] as const;
const FIRST_ARTICLE = 1 + SECTIONS.length;

const PLANTS = ['roses', 'tomatoes', 'lavender', 'hostas', 'clematis', 'dahlias', 'basil', 'garlic', 'apple trees', 'hydrangeas',
  'peonies', 'strawberries', 'blueberries', 'ferns', 'tulips', 'courgettes', 'runner beans', 'potatoes', 'sweet peas', 'rhubarb'];
const TASKS = ['prune', 'plant', 'feed', 'water', 'mulch', 'divide', 'propagate', 'overwinter', 'repot', 'harvest', 'protect', 'train'];
const SEASONS = ['early spring', 'late spring', 'early summer', 'midsummer', 'late summer', 'autumn', 'early winter', 'late winter'];
const TOOLS = ['secateurs', 'loppers', 'a hori-hori', 'a Dutch hoe', 'a dibber', 'a watering can', 'a wheelbarrow', 'a leaf rake', 'a soil knife'];
const PESTS = ['aphids', 'slugs', 'vine weevils', 'blackfly', 'powdery mildew', 'blight', 'leaf miners', 'red spider mite'];
const SOILS = ['free-draining', 'moist', 'rich', 'sandy', 'loamy', 'slightly acid', 'chalky', 'well-mulched'];
const SPOTS = ['sunny', 'sheltered', 'partly shaded', 'south-facing', 'warm', 'bright', 'airy'];
const HOST_PREFIXES = ['green', 'urban', 'old', 'wild', 'happy', 'little', 'secret', 'cottage', 'allotment', 'backyard', 'kitchen',
  'heritage', 'organic', 'rooftop', 'balcony', 'country', 'hedgerow', 'potting'];
const HOST_STEMS = ['garden', 'seeds', 'tools', 'plants', 'bloom', 'roots', 'soil', 'grower', 'nursery', 'orchard', 'veg', 'herbs',
  'compost', 'shed', 'greenhouse', 'meadow'];
const HOST_SUFFIXES = ['', '-shop', '-blog', '-guide', '-club', '-co', '-society', '-daily'];
const PATH_SHAPES = ['/{slug}', '/blog/{slug}', '/products/{slug}', '/{year}/{month}/{slug}/', '/articles/{slug}.html', '/wiki/{slug}'];
const ANCHORS = ['this guide', 'a detailed care sheet', 'their planting chart', 'a useful video', 'this review', 'the original study',
  'a nursery we trust', 'this seed supplier', 'a forum thread', 'their pest library', 'this step-by-step', 'a longer explanation'];

/** The key of a (source page, dead URL) pair, as the bench compares them. */
export const pairKey = (sourceUrl: string, deadUrl: string) => `${sourceUrl} ${deadUrl}`;

const slugOf = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A name not yet in `taken` (with a numeric suffix when `base` is), recorded as taken. */
function unique(base: string, taken: Set<string>, shape: (base: string, n: number) => string): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = shape(base, n);
  taken.add(name);
  return name;
}

interface Article {
  section: (typeof SECTIONS)[number];
  title: string;
  path: string;
}

/** Title and path of every page: the home page, the section index pages, then the articles. */
function planPages(count: number, random: Random): Article[] {
  const taken = new Set<string>(['/', ...SECTIONS.map((section) => `/${section}/`)]);
  const pages: Article[] = [
    { section: 'guides', title: 'Garden Notes: a small garden, season by season', path: '/' },
    ...SECTIONS.map((section) => ({ section, title: `${capitalized(section)} | all our articles`, path: `/${section}/` })),
  ];
  for (let i = FIRST_ARTICLE; i < count; i++) {
    const section = random.pick(SECTIONS);
    const title = articleTitle(section, random);
    pages.push({ section, title, path: unique(`/${section}/${slugOf(title)}`, taken, (base, n) => `${base}-${n}`) });
  }
  return pages;
}

function articleTitle(section: Article['section'], random: Random): string {
  const plant = random.pick(PLANTS);
  switch (section) {
    case 'guides':
      return random.chance(0.3)
        ? `Dealing with ${random.pick(PESTS)} on ${plant}`
        : `How to ${random.pick(TASKS)} ${plant} in ${random.pick(SEASONS)}`;
    case 'plants':
      return random.chance(0.5) ? `Growing ${plant} in pots` : `${capitalized(plant)}: a grower's profile`;
    case 'tools':
      return `Choosing ${random.pick(TOOLS)} for ${random.pick(['a small garden', 'an allotment', 'raised beds', 'a balcony'])}`;
    case 'seasons':
      return `What to do in the garden in ${random.pick(SEASONS)}`;
  }
}

/** A paragraph of `count` different sentences about plants, tasks, seasons, pests and tools. */
function sentences(random: Random, count: number): string[] {
  const plant = random.pick(PLANTS);
  const templates = [
    () => `${capitalized(plant)} want ${random.pick(SOILS)} soil and a ${random.pick(SPOTS)} spot.`,
    () => `In ${random.pick(SEASONS)}, ${random.pick(TASKS)} them before the weather turns.`,
    () => `Keep an eye out for ${random.pick(PESTS)}, which can set young plants back by weeks.`,
    () => `We reach for ${random.pick(TOOLS)} more often than for anything else in the shed.`,
    () => `A thick layer of compost in ${random.pick(SEASONS)} pays for itself by the next harvest.`,
    () => `Most of our ${plant} grow in ${random.pick(SOILS)} beds that we have improved over the years.`,
    () => `If in doubt, ${random.pick(TASKS)} a few first and see how they respond.`,
    () => `Neighbours who grow ${plant} swear by watering early in the morning.`,
  ];
  return random.shuffled(templates).slice(0, count).map((template) => template());
}

/**
 * The external sites: host names, how many URLs each has (skewed: a few big sites, a long tail), the
 * URLs themselves, and which are dead. Whole hosts from the tail stop resolving (expired domains);
 * other dead URLs are spread over live hosts, answering 404 or 410.
 */
function planExternalTargets(
  scale: number,
  random: Random,
  url: (host: string, path: string) => string,
): { targets: ExternalTarget[]; hosts: string[]; nxdomainHosts: Set<string> } {
  const hostCount = EXTERNAL_HOSTS * scale;
  const urlCount = EXTERNAL_URLS * scale;
  const takenHosts = new Set([SEED_HOST, ARCHIVE_HOST]);
  const hosts = Array.from({ length: hostCount }, () => {
    const name = `${random.pick(HOST_PREFIXES)}-${random.pick(HOST_STEMS)}${random.pick(HOST_SUFFIXES)}`;
    const base = `${random.pick(['www.', 'www.', '', 'blog.'])}${name}`;
    return unique(`${base}.bench`, takenHosts, (b, n) => b.replace(/\.bench$/, `${n}.bench`));
  });
  // Every host gets one URL, the rest go by Zipf popularity.
  const pickHost = weightedPicker(zipfWeights(hostCount, 1), random);
  const hostOfUrl = [...hosts.keys(), ...Array.from({ length: urlCount - hostCount }, pickHost)];
  const takenPaths = new Set<string>();
  const targets: ExternalTarget[] = hostOfUrl.map((h) => {
    const host = hosts[h]!;
    const slug = slugOf(`${random.pick(TASKS)} ${random.pick(PLANTS)} ${random.pick(['tips', 'guide', 'care', 'basics', 'notes', 'faq'])}`);
    const shape = random.pick(PATH_SHAPES)
      .replace('{year}', String(random.int(2009, 2023)))
      .replace('{month}', String(random.int(1, 12)).padStart(2, '0'));
    const path = unique(`${host}${shape.replace('{slug}', slug)}`, takenPaths, (base, n) => base.replace(slug, `${slug}-${n}`)).slice(host.length);
    return { url: url(host, path), host, path, fate: 'alive' };
  });

  const urlsPerHost = new Map<string, ExternalTarget[]>(hosts.map((host) => [host, []]));
  for (const target of targets) urlsPerHost.get(target.host)!.push(target);
  const nxdomainHosts = new Set<string>();
  let nxdomainUrls = 0;
  for (const host of random.shuffled(hosts.filter((host) => urlsPerHost.get(host)!.length <= 5))) {
    if (nxdomainUrls >= Math.round(urlCount * NXDOMAIN_SHARE)) break;
    nxdomainHosts.add(host);
    for (const target of urlsPerHost.get(host)!) target.fate = 'dns_failure';
    nxdomainUrls += urlsPerHost.get(host)!.length;
  }
  const deadOnLiveHosts = Math.round(urlCount * DEAD_SHARE) - nxdomainUrls;
  const alive = random.shuffled(targets.filter((target) => target.fate === 'alive'));
  alive.slice(0, deadOnLiveHosts).forEach((target, i) => (target.fate = i < deadOnLiveHosts * GONE_SHARE ? 'gone' : 'not_found'));
  return { targets, hosts, nxdomainHosts };
}

/**
 * Who links to whom on the blog. A spanning tree first (each article hangs under its section's index
 * page or an earlier article), so every page is reachable from the seed; then "related" links between
 * random articles, some reaching a page again by another path.
 */
function planInternalLinks(pageCount: number, random: Random, sectionOf: (page: number) => number): number[][] {
  const links: number[][] = Array.from({ length: pageCount }, () => []);
  for (let i = 1; i < FIRST_ARTICLE; i++) links[0]!.push(i);
  for (let i = FIRST_ARTICLE; i < pageCount; i++) {
    const parent = i === FIRST_ARTICLE || random.chance(0.35) ? sectionOf(i) : random.int(FIRST_ARTICLE, i - 1);
    links[parent]!.push(i);
  }
  for (let i = FIRST_ARTICLE; i < pageCount; i++) {
    for (let related = random.int(0, 2); related > 0; related--) {
      const target = random.int(FIRST_ARTICLE, pageCount - 1);
      if (target !== i && !links[i]!.includes(target)) links[i]!.push(target);
    }
  }
  return links;
}

/**
 * Which articles link to which external URLs: every unique URL at least once, the remaining occurrences
 * by popularity (a few URLs are linked from many pages), never the same URL twice on one page.
 */
function planExternalLinks(occurrences: number, targets: ExternalTarget[], pageCount: number, random: Random): number[][] {
  const links: number[][] = Array.from({ length: pageCount }, () => []);
  const popularity = random.shuffled(zipfWeights(targets.length, 0.8));
  const pickTarget = weightedPicker(popularity, random);
  const draws = [...targets.keys(), ...Array.from({ length: Math.max(0, occurrences - targets.length) }, pickTarget)];
  for (const target of draws) {
    for (let tries = 0; tries < 20; tries++) {
      const page = random.int(FIRST_ARTICLE, pageCount - 1);
      if (links[page]!.includes(target)) continue;
      links[page]!.push(target);
      break;
    }
  }
  return links;
}

function renderPage(options: {
  page: Article;
  nav: string;
  internal: Article[];
  external: ExternalTarget[];
  random: Random;
}): string {
  const { page, nav, internal, external, random } = options;
  const paragraphs = Array.from({ length: Math.max(3, Math.ceil(external.length / 2) + 1) }, () =>
    sentences(random, random.int(2, 4)),
  );
  external.forEach((target, i) => {
    const paragraph = paragraphs[i % paragraphs.length]!;
    paragraph.push(`For more, see <a href="${target.url}">${random.pick(ANCHORS)}</a>.`);
  });
  const body = paragraphs
    .map((sentences, i) => `${i === 2 ? `<h2>${capitalized(random.pick(TASKS))}ing, step by step</h2>\n` : ''}<p>${sentences.join(' ')}</p>`)
    .join('\n');
  const list = internal.map((target) => `<li><a href="${target.path}">${target.title}</a></li>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${page.title} | Garden Notes</title>
<meta name="description" content="${page.title}: notes from a small garden."></head>
<body><header><a class="logo" href="/">Garden Notes</a>${nav}</header>
<main><article><h1>${page.title}</h1>
${body}
</article>
${list ? `<aside><h2>Read next</h2><ul>\n${list}\n</ul></aside>` : ''}</main>
<footer><p>Garden Notes, written in a small garden since 2009.</p></footer></body></html>
`;
}

/** A small live page for an external URL: a title, a heading and a paragraph, nothing that says "not found". */
export function externalPageHtml(target: ExternalTarget): string {
  const words = target.path.split(/[/.-]/).filter((word) => /^[a-z]+$/.test(word)).join(' ');
  return `<!doctype html><html><head><title>${capitalized(words)} | ${target.host}</title></head>` +
    `<body><h1>${capitalized(words)}</h1><p>Everything we know about ${words}, kept up to date.</p></body></html>`;
}

/**
 * The niche at `scale` (1: about 2,000 pages, 22,000 link occurrences, 3,000 unique external URLs over
 * 300 hosts, 10 % of them dead). `url` makes absolute URLs of the web that will serve it (its port).
 */
export function generateNicheSite(scale: number, url: (host: string, path: string) => string): NicheSite {
  const random = new Random(20_240_612 + scale);
  const pageCount = PAGES * scale;
  const articles = planPages(pageCount, random);
  const sectionOf = (page: number) => 1 + SECTIONS.indexOf(articles[page]!.section);
  const { targets, hosts, nxdomainHosts } = planExternalTargets(scale, random, url);
  const internal = planInternalLinks(pageCount, random, sectionOf);
  const navLinks = [['/', 'Home'], ...SECTIONS.map((section) => [`/${section}/`, capitalized(section)])];
  const nav = `<nav>${navLinks.map(([href, text]) => `<a href="${href}">${text}</a>`).join(' ')}</nav>`;
  // The logo links home too: every page carries the navigation's links plus that one.
  const internalOccurrences = internal.reduce((sum, links) => sum + links.length, 0) + (navLinks.length + 1) * pageCount;
  const external = planExternalLinks(LINK_OCCURRENCES * scale - internalOccurrences, targets, pageCount, random);

  const knownDeadPairs = new Set<string>();
  const pages = articles.map((page, i): SitePage => {
    const pageUrl = url(SEED_HOST, page.path);
    const linked = external[i]!.map((target) => targets[target]!);
    for (const target of linked) if (target.fate !== 'alive') knownDeadPairs.add(pairKey(pageUrl, target.url));
    const html = renderPage({ page, nav, internal: internal[i]!.map((target) => articles[target]!), external: linked, random });
    return { path: page.path, url: pageUrl, html };
  });
  const externalOccurrences = external.reduce((sum, links) => sum + links.length, 0);
  const deadCount = (reason: DeadReason) => targets.filter((target) => target.fate === reason).length;
  return {
    seed: url(SEED_HOST, '/'),
    robotsTxt: 'User-agent: *\nAllow: /\n',
    pages,
    externalTargets: targets,
    liveExternalHosts: hosts.filter((host) => !nxdomainHosts.has(host)),
    knownDeadPairs,
    counts: {
      pages: pageCount,
      linkOccurrences: internalOccurrences + externalOccurrences,
      internalOccurrences,
      externalOccurrences,
      uniqueExternalUrls: targets.length,
      externalHosts: hosts.length,
      nxdomainHosts: nxdomainHosts.size,
      dead: { not_found: deadCount('not_found'), gone: deadCount('gone'), dns_failure: deadCount('dns_failure') },
      knownDeadPairs: knownDeadPairs.size,
    },
  };
}

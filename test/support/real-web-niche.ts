import { htmlPage, startFakeWeb, type FakeWeb, type Site } from './fake-web.js';
import { triple } from './niche.js';

/** One outbound link of the niche and what its check must conclude. */
export interface RealWebCase {
  pattern: string;
  url: string;
  verdict: 'alive' | 'dead' | 'blocked';
  reason: string | null;
}

export interface RealWebNiche {
  web: FakeWeb;
  seed: string;
  cases: RealWebCase[];
  /** The (source page, dead URL, reason) triples the crawl must report, and nothing else. */
  expected: string[];
}

const article = (title: string, words = 400) =>
  `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>` +
  `<p>${'Roses want a sunny spot, rich soil and a hard cut in late winter. '.repeat(Math.ceil(words / 12))}</p></body></html>`;
const thinNotFound = (title: string, h1: string) =>
  `<!doctype html><html><head><title>${title}</title></head><body><nav><a href="/">Home</a> <a href="/shop">Shop</a></nav><h1>${h1}</h1><p>Try the search.</p></body></html>`;
const refreshTo = (target: string) =>
  `<!doctype html><html><head><meta http-equiv="refresh" content="0; url=${target}"><title>Redirecting</title></head><body></body></html>`;
const redirect = (location: string, status = 301) => ({ status, headers: { location } });
const home = (name: string) => ({ body: article(`${name} – home`, 200) });

// Parking and registrar placeholder pages as parking services and registrars serve them, in English,
// German, French and Spanish: little text, a for-sale line, a parking network's script.
const parked = {
  en: `<html><head><title>example-tools.test - This domain is for sale!</title><script src="https://www.sedoparking.com/frmpark/example.js"></script></head>
    <body><h1>This domain may be for sale</h1><p>Buy this domain. The domain owner is asking for offers.</p></body></html>`,
  de: `<html><head><title>Diese Domain steht zum Verkauf</title></head>
    <body><h1>garten-profi.test</h1><p>Diese Domain steht zum Verkauf. Jetzt Preis anfragen und diese Domain kaufen.</p></body></html>`,
  fr: `<html><head><title>jardin-malin.test</title></head>
    <body><h1>Ce nom de domaine est à vendre</h1><p>Faites une offre pour acquérir ce domaine.</p></body></html>`,
  es: `<html><head><title>huerto-facil.test</title></head>
    <body><h1>Este dominio está a la venta</h1><p>Comprar este dominio ahora.</p></body></html>`,
};

/**
 * A gardening blog (the seed) whose one article links out to every real-web pattern of the verdict
 * rules, each at least twice on separate hosts: canonicalizing redirects beside soft 404s by redirect
 * and by meta refresh, thin and long "not found" pages, parking pages in four languages, client
 * errors, login walls and HTTP authentication, expired domains.
 */
export async function startRealWebNiche(): Promise<RealWebNiche> {
  const sites: Record<string, Site> = {
    'garden-journal.test': {},
    // Canonical URLs: alive.
    'rose-guide.test': { '/guide/index.html': redirect('/guide/'), '/guide/': { body: article('The rose guide') } },
    'pruning-school.test': { '/post/amp': redirect('/post/'), '/post/': { body: article('Pruning school') } },
    'compost-lab.test': { '/Docs/Compost-Tea': redirect('/docs/compost-tea/'), '/docs/compost-tea/': { body: article('Compost tea') } },
    'www.seed-bank.test': { '/catalogue/tomatoes': { body: article('Tomato seeds') } },
    'seed-bank.test': {},
    'orchard-notes.test': {
      '/apples?utm_source=newsletter': redirect('/en/apples'),
      '/en/apples': { body: article('Apple trees') },
    },
    // Moved pages: alive.
    'old-herbs.test': {},
    'new-herbs.test': { '/guides/basil': { body: article('Growing basil') } },
    'fern-club.test': { '/ferns-2019': redirect('/ferns') , '/ferns': { body: article('Ferns') } },
    // A long article about 404s and a short story called "Not Found": alive.
    'web-garden.test': { '/404-errors': { body: article('404 | Fixing broken links on your garden blog', 600) } },
    'story-shed.test': { '/not-found': { body: article('Not Found - a short story', 600) } },
    // Soft 404 by redirect: to the home page (its own, another site's), an error or search page, a listing.
    'tulip-shop.test': { '/bulbs/parrot-tulip': redirect('/'), '/': home('Tulip shop') },
    'lily-shop.test': { '/bulbs/tiger-lily': redirect('/index.php'), '/index.php': home('Lily shop') },
    'folded-blog.test': {},
    'merged-blog.test': {},
    'buyer-media.test': { '/': home('Buyer media') },
    'hedge-hub.test': { '/hedges/privet': redirect('/404.html'), '/404.html': { body: thinNotFound('Hedge Hub', 'Oops') } },
    'moss-mag.test': { '/moss-lawns': redirect('/?s=moss+lawns'), '/': home('Moss mag') },
    'bonsai-store.test': { '/shop/juniper-kit': redirect('/shop/'), '/shop/': { body: article('Bonsai shop', 300) } },
    'cactus-blog.test': { '/blog/2017/cactus-soil': redirect('/blog'), '/blog': { body: article('Cactus blog', 300) } },
    // Soft 404 by zero-delay meta refresh to a home page.
    'meta-garden.test': { '/guides/hostas': { body: refreshTo('/') }, '/': home('Meta garden') },
    'sold-orchids.test': {},
    // Thin not-found pages that answer 200.
    'peony-place.test': { '/peonies': { body: thinNotFound('Page not found | Peony Place', 'Page not found') } },
    'dahlia-world.test': { '/dahlias': { body: thinNotFound('Dahlia World', 'Seite nicht gefunden') } },
    // Parked domains, deep URLs and home pages alike.
    'example-tools.test': { '/pruners/bypass': { body: parked.en } },
    'garten-profi.test': { '/': { body: parked.de } },
    'jardin-malin.test': { '/outils/secateur': { body: parked.fr } },
    'huerto-facil.test': { '/': { body: parked.es } },
    // Other client errors.
    'seed-api.test': { '/v1/varieties': { status: 400, body: 'bad request' } },
    'eu-garden.test': { '/reports/pesticides': { status: 451, body: 'unavailable for legal reasons' } },
    // Login walls and HTTP authentication: blocked.
    'members-garden.test': { '/course/roses': redirect('/login?next=/course/roses', 302), '/login': { body: article('Sign in', 20) } },
    'club-plants.test': {},
    'accounts.club-plants.test': { '/signin': { body: article('Sign in', 20) } },
    'intranet-garden.test': { '/plans': { status: 401, headers: { 'www-authenticate': 'Basic realm="plans"' } } },
    'private-nursery.test': { '/stock': { status: 401, headers: { 'www-authenticate': 'Basic realm="stock"' } } },
  };
  const web = await startFakeWeb(sites);
  const u = web.url;
  // Redirects to another host name its port, known only now.
  web.setRoute('seed-bank.test', '/catalogue/tomatoes', redirect(u('www.seed-bank.test', '/catalogue/tomatoes')));
  web.setRoute('old-herbs.test', '/basil', redirect(u('new-herbs.test', '/guides/basil')));
  web.setRoute('folded-blog.test', '/2018/05/companion-planting', redirect(u('buyer-media.test', '/')));
  web.setRoute('merged-blog.test', '/guides/raised-beds', redirect(u('buyer-media.test', '/?ref=merged-blog')));
  web.setRoute('sold-orchids.test', '/orchids/repotting', { body: refreshTo(u('buyer-media.test', '/')) });
  web.setRoute('club-plants.test', '/members/seed-swap', redirect(u('accounts.club-plants.test', '/signin'), 302));
  const cases: RealWebCase[] = [
    { pattern: 'an index file', url: u('rose-guide.test', '/guide/index.html'), verdict: 'alive', reason: null },
    { pattern: 'an AMP URL', url: u('pruning-school.test', '/post/amp'), verdict: 'alive', reason: null },
    { pattern: 'letter case and a trailing slash', url: u('compost-lab.test', '/Docs/Compost-Tea'), verdict: 'alive', reason: null },
    { pattern: 'apex to www', url: u('seed-bank.test', '/catalogue/tomatoes'), verdict: 'alive', reason: null },
    { pattern: 'tracking parameters and a locale', url: u('orchard-notes.test', '/apples?utm_source=newsletter'), verdict: 'alive', reason: null },
    { pattern: 'moved to another site', url: u('old-herbs.test', '/basil'), verdict: 'alive', reason: null },
    { pattern: 'renamed on its site', url: u('fern-club.test', '/ferns-2019'), verdict: 'alive', reason: null },
    { pattern: 'an article about 404s', url: u('web-garden.test', '/404-errors'), verdict: 'alive', reason: null },
    { pattern: 'a story called Not Found', url: u('story-shed.test', '/not-found'), verdict: 'alive', reason: null },
    { pattern: 'to its home page', url: u('tulip-shop.test', '/bulbs/parrot-tulip'), verdict: 'dead', reason: 'soft_404' },
    { pattern: 'to its index page', url: u('lily-shop.test', '/bulbs/tiger-lily'), verdict: 'dead', reason: 'soft_404' },
    { pattern: "to a buyer's home page", url: u('folded-blog.test', '/2018/05/companion-planting'), verdict: 'dead', reason: 'soft_404' },
    { pattern: "to a buyer's home page, tagged", url: u('merged-blog.test', '/guides/raised-beds'), verdict: 'dead', reason: 'soft_404' },
    { pattern: 'to an error page', url: u('hedge-hub.test', '/hedges/privet'), verdict: 'dead', reason: 'soft_404' },
    { pattern: 'to a search', url: u('moss-mag.test', '/moss-lawns'), verdict: 'dead', reason: 'soft_404' },
    { pattern: 'to its shop', url: u('bonsai-store.test', '/shop/juniper-kit'), verdict: 'dead', reason: 'soft_404' },
    { pattern: 'to its blog', url: u('cactus-blog.test', '/blog/2017/cactus-soil'), verdict: 'dead', reason: 'soft_404' },
    { pattern: 'a meta refresh home', url: u('meta-garden.test', '/guides/hostas'), verdict: 'dead', reason: 'soft_404' },
    { pattern: "a meta refresh to a buyer's home", url: u('sold-orchids.test', '/orchids/repotting'), verdict: 'dead', reason: 'soft_404' },
    { pattern: 'a thin not-found page', url: u('peony-place.test', '/peonies'), verdict: 'dead', reason: 'soft_404' },
    { pattern: 'a thin German not-found page', url: u('dahlia-world.test', '/dahlias'), verdict: 'dead', reason: 'soft_404' },
    { pattern: 'parked, English', url: u('example-tools.test', '/pruners/bypass'), verdict: 'dead', reason: 'parked_domain' },
    { pattern: 'parked, German', url: u('garten-profi.test', '/'), verdict: 'dead', reason: 'parked_domain' },
    { pattern: 'parked, French', url: u('jardin-malin.test', '/outils/secateur'), verdict: 'dead', reason: 'parked_domain' },
    { pattern: 'parked, Spanish', url: u('huerto-facil.test', '/'), verdict: 'dead', reason: 'parked_domain' },
    { pattern: 'HTTP 400', url: u('seed-api.test', '/v1/varieties'), verdict: 'dead', reason: 'client_error' },
    { pattern: 'HTTP 451', url: u('eu-garden.test', '/reports/pesticides'), verdict: 'dead', reason: 'client_error' },
    { pattern: 'expired domain', url: 'http://expired-roses.test/guide', verdict: 'dead', reason: 'dns_failure' },
    { pattern: 'expired domain', url: 'http://lapsed-seeds.test/', verdict: 'dead', reason: 'dns_failure' },
    { pattern: 'a login wall', url: u('members-garden.test', '/course/roses'), verdict: 'blocked', reason: 'login_wall' },
    { pattern: 'a sign-in host', url: u('club-plants.test', '/members/seed-swap'), verdict: 'blocked', reason: 'login_wall' },
    { pattern: 'HTTP authentication', url: u('intranet-garden.test', '/plans'), verdict: 'blocked', reason: 'http_401' },
    { pattern: 'HTTP authentication', url: u('private-nursery.test', '/stock'), verdict: 'blocked', reason: 'http_401' },
  ];
  // Two articles share the links, so each dead URL is two prospects.
  const articles = ['/spring-checklist', '/link-roundup'];
  const links = cases.map((c): [string, string] => [c.url, c.pattern]);
  web.setRoute('garden-journal.test', '/', { body: htmlPage('Garden journal', articles.map((path) => [path, path.slice(1)])) });
  for (const path of articles) web.setRoute('garden-journal.test', path, { body: htmlPage(`Garden journal ${path}`, links) });
  const expected = cases
    .filter((c) => c.verdict === 'dead')
    .flatMap((c) => articles.map((path) => triple(u('garden-journal.test', path), c.url, c.reason!)))
    .sort();
  return { web, seed: u('garden-journal.test', '/'), cases, expected };
}

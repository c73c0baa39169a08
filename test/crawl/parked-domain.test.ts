import t from 'tap';
import type { HtmlSummary } from '../../services/crawl/html-summary.js';
import { summarizeHtml } from '../../services/crawl/html-summary.js';
import { parkingEvidence } from '../../services/crawl/parked-domain.js';
import { growth, LINEAR_GROWTH_AT_MOST } from '../support/growth.js';

const page = (title: string, body: string, head = '') =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${body}</body></html>`;
const evidence = (finalUrl: string, html: string | null) =>
  parkingEvidence({ finalUrl, summary: html === null ? null : summarizeHtml(html) });

// Prose for the long look-alikes: over the thin-page bound on its own, as any real article with chrome is.
const PROSE = `<p>Before you register a name, check who owns it. A WHOIS lookup shows the registrar and the expiry
  date; an aftermarket search shows whether the owner asks a price. Many owners never answer, and brokers charge a
  commission of ten to twenty percent, so budget for it and ask for escrow before any money moves.</p>`.repeat(6);

// [what, final URL, HTML (null: not HTML), expected evidence]
const PARKED: Array<[string, string, string | null, string]> = [
  ['a Sedo frameset lander', 'http://garden-tips.example/',
    '<html><head><title>garden-tips.example</title></head><frameset rows="100%,*"><frame src="http://www.sedoparking.com/frmpark/garden-tips.example/IS2/park.html" frameborder="0"></frameset></html>',
    'marker:sedoparking.com'],
  ['a Google AFD lander with related links only', 'https://old-recipes.example/',
    page('old-recipes.example', '<div id="rs"></div><p>Related searches: Cooking Classes · Recipe Books</p><script>var pageOptions = {"pubId": "dp-net_3ph", "resultsPageBaseUrl": "/"};</script>',
      '<script type="text/javascript" src="//www.google.com/adsense/domains/caf.js?abp=1"></script>'),
    'marker:/adsense/domains/caf.js'],
  ['a Bodis JavaScript lander without text', 'https://quiet-lake.example/',
    '<html><head><script>window.park = "eyJ1dWlkIjoiOGQ0Zi1hMWIyIn0=";</script><script src="/bQzTkRw.js"></script></head><body><div id="target"></div></body></html>',
    'marker:window.park'],
  ['a GoDaddy parking lander (a React root, nothing else)', 'https://sunny-shoes.example/',
    page('', '<div id="root"></div>', '<script src="https://img1.wsimg.com/parking-lander/static/js/main.5e1c2f.chunk.js"></script>'),
    'marker:img1.wsimg.com/parking-lander'],
  ['an iframe of a for-sale marketplace', 'https://blue-kites.example/',
    page('blue-kites.example', '<iframe src="https://dan.com/lander/blue-kites.example?embed=1" width="100%"></iframe>'),
    'marker:dan.com'],
  ['GoDaddy "future home" placeholder (a registrar-branded coming soon)', 'https://mikes-garage.example/',
    page('Coming Soon', "<h1>Future home of something quite cool.</h1><p>If you're the site owner, log in to launch this site.</p><footer>Copyright © 2024 GoDaddy</footer>"),
    'text:future home of something quite cool'],
  ['English for-sale lander naming its own domain', 'https://www.bright-lamps.example/',
    page('bright-lamps.example is for sale', '<h1>The domain name bright-lamps.example is for sale!</h1><p>Price: $2,495. Secure checkout, fast transfer.</p>'),
    'text:bright-lamps.example ... is for sale'],
  ['English registrar placeholder', 'https://fresh-idea.example/',
    page('fresh-idea.example', '<h1>fresh-idea.example</h1><p>This domain has been registered at Example Registrar. Are you the owner? Log in to set up a website.</p>'),
    'text:this domain has been registered'],
  ['English "parked free of charge"', 'https://nice-words.example/',
    page('nice-words.example', '<p>This domain is parked free of charge with ExampleHost.</p><p>Hosting | E-mail | Domains</p>'),
    'text:parked free of charge'],
  ['German for-sale lander', 'https://fahrrad-teile.example/',
    page('fahrrad-teile.example', '<h1>Diese Domain steht zum Verkauf!</h1><p>Sie können die Domain jetzt erwerben. Preis auf Anfrage.</p>'),
    'text:domain ... steht zum verkauf'],
  ['German hoster placeholder, accent as an entity', 'https://baeckerei-kurz.example/',
    page('Baustelle', '<h1>Hier entsteht eine neue Internetpr&auml;senz</h1><p>Diese Seite wird von ExampleHost bereitgestellt.</p>'),
    'text:hier entsteht eine neue internetprasenz'],
  ['German "already taken" placeholder', 'https://reise-blog.example/',
    page('Domain reserviert', '<h1>Diese Domain ist bereits vergeben.</h1><p>Der Inhaber hat noch keine Inhalte hinterlegt.</p>'),
    'text:diese domain ist bereits vergeben'],
  ['French for-sale lander', 'https://vins-du-sud.example/',
    page('vins-du-sud.example', '<h1>Ce nom de domaine est à vendre</h1><p>Faites une offre au propriétaire.</p>'),
    'text:domain ... est a vendre'],
  ['French registrar placeholder', 'https://atelier-bois.example/',
    page('atelier-bois.example', '<p>Ce domaine a été réservé par un client d’ExampleRegistrar.</p>'),
    'text:ce domaine a ete reserve'],
  ['Spanish for-sale lander', 'https://recetas-faciles.example/',
    page('recetas-faciles.example', '<h1>¡Este dominio está en venta!</h1><p>Contacte con el propietario.</p>'),
    'text:dominio ... esta en venta'],
  ['Spanish registrar placeholder', 'https://taller-ruiz.example/',
    page('taller-ruiz.example', '<p>Este dominio ha sido registrado por ExampleRegistrar.</p>'),
    'text:este dominio ha sido registrado'],
  ['Italian for-sale lander', 'https://pasta-fresca.example/',
    page('pasta-fresca.example', '<h1>Questo dominio è in vendita</h1><p>Acquistalo oggi.</p>'),
    'text:dominio ... e in vendita'],
  ['Dutch for-sale lander', 'https://fiets-winkel.example/',
    page('fiets-winkel.example', '<h1>Dit domein is te koop</h1><p>Doe een bod.</p>'),
    'text:domein ... is te koop'],
  ['Portuguese for-sale lander', 'https://loja-verde.example/',
    page('loja-verde.example', '<h1>Este domínio está à venda</h1><p>Faça uma oferta.</p>'),
    'text:dominio ... esta a venda'],
  ['redirected to a marketplace listing, not HTML', 'https://www.hugedomains.com/domain_profile.cfm?d=garden-tools&e=com', null,
    'url:hugedomains.com/domain_profile.cfm'],
  ['redirected to a listing page', 'https://dan.com/buy-domain/garden-tools.example?redirected=true', null, 'url:dan.com/buy-domain/'],
  ['redirected to a localized listing', 'https://sedo.com/de/search/details/?domain=garden-tools.example',
    page('Sedo', '<p>Domain kaufen</p>'), 'url:sedo.com/search/details'],
  ['redirected to a parking host', 'http://www.sedoparking.com/garden-tools.example', null, 'url:sedoparking.com'],
  ['a meta refresh to a listing', 'https://garden-tools.example/',
    page('', '', '<meta http-equiv="refresh" content="0;url=https://www.afternic.com/forsale/garden-tools.example?traffic_type=tdfs">'),
    'refresh:afternic.com/forsale/'],
];

const ALIVE: Array<[string, string, string | null]> = [
  ['a long blog post about buying domains', 'https://blog.example/is-this-domain-for-sale',
    page('Is this domain for sale? How to buy a domain', `<h1>Is this domain for sale?</h1><p>When a lander says "this domain is for sale" or shows a "Buy this domain" button, you can make an offer.</p>${PROSE}`)],
  ['a long article about parking, linking to parking services', 'https://blog.example/what-is-domain-parking',
    page('What is domain parking?', `<h1>What is domain parking?</h1><p>A page that says "This domain is parked free of charge" is a lander. Sedo (<a href="https://www.sedoparking.com/">sedoparking.com</a>) and <a href="https://www.bodis.com/">Bodis</a> run them: <img src="https://sedo.com/img/logo.png" alt="Sedo">.</p><pre><code>&lt;script src="//www.google.com/adsense/domains/caf.js"&gt;&lt;/script&gt;</code></pre><p>Here window.park ? yes : no.</p>${PROSE}`)],
  ['a web host\'s thin marketing page', 'https://host.example/domains',
    page('Register your domain today', '<h1>Find your perfect domain name</h1><p>.com from $9.99. Transfer your domain for free. Unlimited parked domains. Free SSL.</p><a href="/buy">Buy now</a>')],
  ['a German registrar\'s thin marketing page', 'https://hoster.example/domain',
    page('Domain kaufen ab 0,99 €', '<h1>Ihre Wunschdomain</h1><p>Ist Ihre Domain noch frei? Jetzt prüfen und registrieren.</p>')],
  ['a real shop\'s "coming soon" page with its address', 'https://bellas-bakery.example/',
    page('Bella\'s Bakery – coming soon', '<h1>Coming soon!</h1><p>Bella\'s Bakery opens in March. Visit us at 12 Mill Lane, Springfield. Call 555-0100 or write to hello@bellas-bakery.example.</p>')],
  ['a bare "under construction" page', 'https://someone.example/', page('Under construction', '<h1>Coming soon</h1><p>We are working on it.</p>')],
  ['a page with ordinary AdSense', 'https://recipes.example/soup',
    page('Tomato soup', '<h1>Tomato soup</h1><p>Roast the tomatoes first.</p><ins class="adsbygoogle" data-ad-client="ca-pub-1234"></ins>',
      '<script async src="https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-pub-1234" crossorigin="anonymous"></script>')],
  ['a 404-themed page', 'https://shop.example/old-product',
    page('Page not found', '<h1>404 – this page has moved</h1><p>Search our store or go back home. Our domain knowledge is unmatched.</p>')],
  ['"sedo" and "sedoparking.com" only in the path', 'https://reviews.example/sedo-review/sedoparking.com-explained',
    page('Sedo review', '<h1>Sedo review</h1><p>We tried the marketplace for a month.</p>')],
  ['a marketplace home page', 'https://dan.com/', page('Dan.com – buy and sell domains', '<h1>The domain marketplace</h1><p>Buy and sell domain names safely.</p>')],
  ['a marketplace\'s own about page', 'https://sedo.com/us/about-us/', page('About Sedo', '<p>Sedo is a domain marketplace.</p>')],
  ['a site built with GoDaddy\'s builder', 'https://plumber.example/',
    page('Joe the plumber', '<h1>Joe the plumber</h1><p>Call 555-0199.</p>', '<script src="https://img1.wsimg.com/blobby/go/abc/gpub/def/script.js"></script>')],
  ['a car park\'s page', 'https://city-parking.example/', page('City parking', '<p>120 spaces free.</p>', '<script>window.parkingSpaces = 120;</script>')],
  ['a national park\'s page', 'https://yellowstone.example/',
    page('Yellowstone', '<p>Open all year.</p>', '<script>window.park = {"name": "Yellowstone", "code": "yell"}; window.park = "yell";</script>')],
  ['a classified ad: no domain in the same clause', 'https://farm.example/',
    page('Old Farm', '<p>Our domain is the hill country. The farmhouse is for sale. Vintage bicycle is for sale too.</p>')],
  ['not HTML on an ordinary host', 'https://files.example/report.pdf', null],
];

t.test('parking, for-sale and placeholder pages, and what gave them away', async (t) => {
  for (const [what, finalUrl, html, expected] of PARKED) t.equal(evidence(finalUrl, html), expected, what);
});

t.test('look-alikes stay alive', async (t) => {
  for (const [what, finalUrl, html] of ALIVE) t.equal(evidence(finalUrl, html), null, what);
});

t.test('phrases count on thin pages only; markers at any length', async (t) => {
  const lander = '<h1>This domain is for sale</h1>';
  t.equal(evidence('https://a.example/', page('a.example', lander)), 'text:domain ... is for sale');
  t.equal(evidence('https://a.example/', page('a.example', lander + PROSE)), null, 'the same words above the thin-page bound');
  const longLander = page('a.example', lander + PROSE, '<script src="https://www.google.com/adsense/domains/caf.js"></script>');
  t.equal(evidence('https://a.example/', longLander), 'marker:/adsense/domains/caf.js');
});

t.test('hostile input (repeated partial markers and phrases) costs time linear in its size', async (t) => {
  // The summary is built by hand so that text and head both grow with the input, past their usual caps.
  const raw = (html: string): HtmlSummary => ({ title: '', h1: '', textLength: 0, text: html, refresh: null, head: html.toLowerCase() });
  const detect = (html: string) => parkingEvidence({ finalUrl: 'https://victim.example/', summary: raw(html) });
  const pieces = [
    '<script src="//sedoparkin', '<script/src=//sedoparkin', 'src=', '<iframe src=\'https://img1.wsimg.com/parking', 'window.park   ', 'window.park = "ey', '<',
    'domain. is for sale ', 'e in vendita ', 'domain x y z is for sale ', 'hier entsteht eine neue internetpr',
    'victim.exampl is for sale ', '&auml;&#228;&#x', 'domaine domaine domaine ',
  ];
  for (const piece of pieces) {
    // 8n pieces fill the 64 KiB marker window.
    const n = Math.ceil((64 * 1024) / 8 / piece.length);
    const make = (count: number) => piece.repeat(count);
    t.equal(detect(make(8 * n)), null, `${JSON.stringify(piece)}: not parked`);
    const ratio = growth(detect, make, n);
    t.ok(ratio < LINEAR_GROWTH_AT_MOST, `${JSON.stringify(piece)}: 8 times the input costs ${ratio.toFixed(1)} times the time`);
  }
});

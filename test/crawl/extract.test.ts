import t from 'tap';
import { extractPage } from '../../services/crawl/extract.js';
import type { ExtractedPage } from '../../services/crawl/extract.js';
import { growth, LINEAR_GROWTH_AT_MOST } from '../support/growth.js';

const extract = (html: string) => extractPage(html, 'https://site.example/');

t.test('only a[href] and area[href] are links, resolved against base href', async (t) => {
  const html = `<html><head><title> My   page </title><base href="https://cdn.example.org/docs/"></head><body>
    <a href="guide.html">The <b>guide</b></a>
    <a href="https://other.net/x#frag" rel="NoFollow UGC">Other</a>
    <a href="https://other.net/x">duplicate, first wins</a>
    <a href="mailto:me@example.org">mail</a>
    <a name="anchor-only">no href</a>
    <link href="https://style.example/s.css" rel="stylesheet">
    <img src="https://img.example/i.png">
    <map><area href="/area" alt="An area"></map>
    <a href="/img"><img alt="Logo" src="l.png"></a>
  </body></html>`;
  const page = extractPage(html, 'https://site.example/page');
  t.equal(page.title, 'My page');
  t.same(page.links.map(({ url, anchorText, rel }) => ({ url, anchorText, rel })), [
    { url: 'https://cdn.example.org/docs/guide.html', anchorText: 'The guide', rel: '' },
    { url: 'https://other.net/x', anchorText: 'Other', rel: 'nofollow ugc' },
    { url: 'https://cdn.example.org/area', anchorText: 'An area', rel: '' },
    { url: 'https://cdn.example.org/img', anchorText: 'Logo', rel: '' },
  ]);
});

t.test('without base href links resolve against the page URL; maxLinks bounds the list', async (t) => {
  const html = Array.from({ length: 20 }, (_, i) => `<a href="/p${i}">p${i}</a>`).join('');
  const page = extractPage(html, 'http://site.example/dir/', 5);
  t.equal(page.title, null);
  t.same(page.links.map((l) => l.url), [0, 1, 2, 3, 4].map((i) => `http://site.example/p${i}`));
});

t.test('each link keeps its sentence and its place on the page', async (t) => {
  const html = `<html lang="en-GB"><head><meta name="description" content="Pruning, done right.">
    <meta name="author" content="Jane Gardener"></head><body>
    <header><a href="/home">Home</a></header>
    <nav class="menu"><a href="/tools">Tools</a></nav>
    <main><article>
      <p>Prune in late winter. Our favourite guide is <a href="https://old.example/pruning">this pruning guide</a> from 2012, which covers roses. Water well afterwards.</p>
      <ul><li>See also <a href="https://old.example/roses">roses</a></li></ul>
    </article></main>
    <div id="sidebar"><a href="https://ads.example/">Sponsor</a></div>
    <aside><a href="https://blogroll.example/">Friend</a></aside>
    <footer><a href="/contact">Contact us</a> <a href="mailto:Editor@Site.example?subject=hi">Email</a>
      <a href="/author/jane" rel="author">Jane</a> <a href="/about-us">Who we are</a></footer>
  </body></html>`;
  const page = extractPage(html, 'https://site.example/blog/pruning');
  t.equal(page.description, 'Pruning, done right.');
  t.equal(page.lang, 'en-gb');
  const link = (url: string) => page.links.find((l) => l.url === url)!;
  t.equal(link('https://old.example/pruning').context, 'Our favourite guide is this pruning guide from 2012, which covers roses.');
  t.equal(link('https://old.example/pruning').position, 'content');
  t.equal(link('https://old.example/roses').context, 'See also roses');
  t.equal(link('https://site.example/home').position, 'navigation');
  t.equal(link('https://site.example/tools').position, 'navigation');
  t.equal(link('https://ads.example/').position, 'sidebar');
  t.equal(link('https://blogroll.example/').position, 'sidebar');
  t.equal(link('https://site.example/contact').position, 'footer');
  t.same(page.contacts, {
    emails: ['editor@site.example'],
    contactPages: ['https://site.example/contact', 'https://site.example/about-us'],
    authors: ['https://site.example/author/jane', 'Jane Gardener'],
  });
});

t.test('a long sentence is cut around the anchor', async (t) => {
  const words = 'word '.repeat(200);
  const page = extractPage(`<p>${words}<a href="https://x.example/">the anchor</a> ${words}</p>`, 'https://site.example/');
  const context = page.links[0]!.context;
  t.ok(context.length <= 300);
  t.match(context, /the anchor/);
});

t.test('a sentence longer than 300 characters keeps the 300 around its anchor, wherever it starts and ends', async (t) => {
  const words = 'word '.repeat(400);
  const context = (html: string) => extractPage(html, 'https://site.example/').links[0]!.context;
  const anchor = '<a href="https://x.example/">the anchor</a>';
  t.equal(context(`<p>Intro. ${words}${anchor} ${words}end.</p>`), `${'word '.repeat(29)}the anchor${' word'.repeat(29)}`);
  t.equal(context(`<p>Intro. Short start ${anchor} ${words}end.</p>`), `Short start the anchor${' word'.repeat(56)}`.slice(0, 300));
  t.equal(context(`<p>${words}${anchor} ends here. Next sentence.</p>`), `${'word '.repeat(60)}the anchor ends here.`.slice(-300));
  t.equal(context(`<p>${anchor} ${words}</p>`), `the anchor${' word'.repeat(58)}`.slice(0, 300));
});

t.test('link sentences cost time linear in the page, however long its blocks', async (t) => {
  const n = 20_000;
  const cases: Array<[string, (n: number) => string, (page: ExtractedPage) => void]> = [
    [
      'a sentence of n characters before the link',
      (n) => `<p>${'word '.repeat(n / 5)}ends. <a href="https://x.example/">the anchor</a> and more.</p>`,
      (page) => t.equal(page.links[0]!.context, 'the anchor and more.'),
    ],
    [
      'n / 100 links straight in <body>, each with the whole page as its block',
      (n) => `<body>${Array.from({ length: n / 100 }, (_, i) => `${'word '.repeat(16)}<a href="https://x.example/${i}">link ${i}</a> `).join('')}</body>`,
      (page) => {
        t.equal(page.links.length, (8 * n) / 100);
        t.ok(page.links.every((link) => link.context.length <= 300 && link.context.includes(link.anchorText)), 'each sentence holds its anchor');
      },
    ],
  ];
  for (const [name, make, check] of cases) {
    check(extractPage(make(8 * n), 'https://site.example/'));
    const ratio = growth(extract, make, n);
    t.ok(ratio < LINEAR_GROWTH_AT_MOST, `${name}: 8 times the page costs ${ratio.toFixed(1)} times the time`);
  }
});

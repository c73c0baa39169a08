import t from 'tap';
import { extractPage } from '../../services/crawl/extract.js';
import { scanPage } from '../../services/crawl/scan-page.js';
import { growth, LINEAR_GROWTH_AT_MOST } from '../support/growth.js';

const PAGE_URL = 'https://site.example/blog/pruning';
// What a writer sees of each link; position and contacts need the DOM, the scan does not claim them.
const seen = (html: string, read: typeof extractPage) =>
  read(html, PAGE_URL).links.map(({ url, anchorText, rel }) => ({ url, anchorText, rel }));

const blogPost = `<!doctype html><html lang="en-GB"><head><title> Pruning &amp; shaping   roses </title>
  <meta name="Description" content="Pruning, done right."><base href="/blog/">
  <link rel="stylesheet" href="https://style.example/s.css"></head><body>
  <header><a href="/">Home</a> <a href="../shop" rel="NoFollow">Shop</a></header>
  <nav class="menu"><ul><li><a href="/tools">Tools &raquo;</a></li><li><a href="/about-us">About us</a></li></ul></nav>
  <main><article>
    <p>Prune in late winter. Our favourite guide is <a href="https://old.example/pruning">this pruning guide</a> from 2012, which covers roses. Water well afterwards.</p>
    <p>See also <a href="https://old.example/roses#care" rel="ugc">roses</a>, <a href="https://old.example/roses">the same roses</a>
      and <a href="HTTPS://Old.Example:443/%7Euser/">an old <em>personal</em> page</a>.</p>
    <figure><a href="https://img.example/full"><img src="t.png" alt="Pruned rose"></a><figcaption>A pruned rose</figcaption></figure>
    <map name="m"><area href="/area" alt="An area" shape="rect"><area nohref alt="none"></map>
    <a href="mailto:editor@site.example">Email</a> <a href="javascript:void(0)">Nothing</a> <a name="top">no href</a>
    <a href=" https://spaces.example/x ">Spaces</a> <a href="">This very page</a>
  </article></main>
  <footer><a href="/contact">Contact us</a></footer>
</body></html>`;

t.test('on an ordinary page the scan finds the links extractPage finds, in the same order and words', async (t) => {
  t.same(seen(blogPost, scanPage), seen(blogPost, extractPage));
  const scanned = scanPage(blogPost, PAGE_URL);
  const built = extractPage(blogPost, PAGE_URL);
  t.equal(scanned.title, built.title);
  t.equal(scanned.description, built.description);
  t.equal(scanned.lang, built.lang);
  t.ok(scanned.links.every((link) => link.position === 'content'), 'no position is claimed without the tree');
  t.same(scanned.contacts, { emails: [], contactPages: [], authors: [] });
  const context = (page: typeof scanned, url: string) => page.links.find((l) => l.url === url)?.context;
  for (const url of ['https://old.example/pruning', 'https://old.example/roses']) {
    t.equal(context(scanned, url), context(built, url), `the sentence around ${url}`);
  }
});

t.test('long anchors and titles are capped as extractPage caps them', async (t) => {
  const html = `<title>${'Title words '.repeat(100)}</title><p><a href="/long">${'many  words\n'.repeat(100)}</a></p>`;
  t.same(seen(html, scanPage), seen(html, extractPage));
  t.equal(scanPage(html, PAGE_URL).title, extractPage(html, PAGE_URL).title);
});

t.test('comments, scripts and styles hold no links', async (t) => {
  const html = `<p>Before <!-- <a href="/commented">old</a> --> <a href="/real">real</a></p>
    <script>document.write('<a href="/scripted">x</a>'); if (a < b) {}</script>
    <style>a[href="/styled"]::after { content: "<a href='/styled'>" }</style><a href="/after">after</a>`;
  t.same(scanPage(html, PAGE_URL).links.map((l) => l.url), ['https://site.example/real', 'https://site.example/after']);
});

t.test('a <base href> after the first links still decides how every link resolves', async (t) => {
  const html = '<a href="one">1</a><base href="https://cdn.example/docs/"><a href="two">2</a><base href="https://ignored.example/">';
  t.same(seen(html, scanPage), seen(html, extractPage));
  t.equal(scanPage(html, PAGE_URL).links[0]?.url, 'https://cdn.example/docs/one');
});

t.test('maxLinks bounds the list, counting distinct URLs', async (t) => {
  const html = Array.from({ length: 20 }, (_, i) => `<a href="/p${i % 10}">p${i}</a>`).join('');
  t.same(scanPage(html, PAGE_URL, 5).links.map((l) => l.url), [0, 1, 2, 3, 4].map((i) => `https://site.example/p${i}`));
});

t.test('pathological pages are read in time proportional to their size', async (t) => {
  const deadLink = '<a href="https://dead.example/gone">the dead link</a>';
  const cases = {
    'nested <div>s': (n: number) => '<div>'.repeat(n) + deadLink,
    'nested tables': (n: number) => '<table><tr><td>'.repeat(n / 4) + deadLink,
    'one endless paragraph of links': (n: number) =>
      `<p>${Array.from({ length: n / 10 }, (_, i) => `Item ${i}. <a href="/i${i}">link ${i}</a> <b></b>`).join(' ')}</p>`,
  };
  for (const [name, build] of Object.entries(cases)) {
    // 8 times the input: a linear reader costs about 8 times as much CPU, a quadratic one 64 times.
    const ratio = growth((html) => scanPage(html, PAGE_URL), build, 25_000);
    t.ok(ratio < LINEAR_GROWTH_AT_MOST, `${name}: 8x the input cost ${ratio.toFixed(1)}x`);
    t.ok(scanPage(build(200_000), PAGE_URL).links.length > 0, `${name}: links found`);
  }
  const huge = `<title>Huge</title><p>See <a href="https://alive.example/ok">alive</a>.</p>${'<p>filler</p>'.repeat(170_000)}`;
  t.match(scanPage(huge, PAGE_URL), { title: 'Huge', links: [{ url: 'https://alive.example/ok', context: 'See alive.' }] }, 'a 2 MiB page');
});

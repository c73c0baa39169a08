import t from 'tap';
import { summarizeHtml } from '../../services/crawl/html-summary.js';
import { growth, LINEAR_GROWTH_AT_MOST } from '../support/growth.js';

const summarize = (html: string) => summarizeHtml(html);

const article = `<!doctype html><html><head><meta charset="utf-8">
  <title>Pruning roses &amp; shrubs | Garden World</title>
  <style>body { color: green } p > a { margin: 0 }</style>
  <script>if (a < b && c > d) { document.title = "later"; }</script>
</head><body>
  <nav><a href="/">Home</a></nav>
  <h1 class="title">How to <em>prune</em>   roses</h1>
  <p>Prune in late&nbsp;winter. It&#39;s &quot;easy&quot;.</p>
  <noscript><img src="pixel.gif">Enable JavaScript</noscript>
  <template id="row"><p>template text</p></template>
  <SCRIPT type="module">import x from "y";</SCRIPT >
  <script>
    var closing = 1;
  </script
  >
</body></html>`;

t.test('an ordinary page: title, first h1, visible text, head', async (t) => {
  const summary = summarizeHtml(article);
  t.equal(summary.title, 'Pruning roses & shrubs | Garden World');
  t.equal(summary.h1, 'How to prune roses');
  // Scripts, styles, noscript and templates are not text; the title is, and entities count as written.
  const visible = 'Pruning roses &amp; shrubs | Garden World Home How to prune roses Prune in late&nbsp;winter. It&#39;s &quot;easy&quot;.';
  t.equal(summary.textLength, visible.length);
  t.equal(summary.head, article.toLowerCase());
});

t.test('title and h1: nested tags, attributes, letter case, entities, the first one only', async (t) => {
  const summary = summarizeHtml(
    '<TITLE lang="en">Page <b>not</b>\n  found &apos;here&apos;</TITLE><title>second</title>' +
      '<H1 id="x"><span class="icon"></span>Sorry,&nbsp;<i>gone</i></H1><h1>second</h1>',
  );
  t.equal(summary.title, "Page not found 'here'");
  t.equal(summary.h1, 'Sorry, gone');
  t.same(summarizeHtml('<p>No headings at all</p>'), { title: '', h1: '', textLength: 18, text: 'No headings at all', refresh: null, head: '<p>no headings at all</p>' });
  t.equal(summarizeHtml('<title>Never closed<p>text').title, '');
  t.equal(summarizeHtml(`<title>${'x'.repeat(100_000)}</title>`).title.length, 64 * 1024, 'at most 64 KiB of it');
});

t.test('visible text: tags and hidden elements count as one space, whitespace of any kind too', async (t) => {
  t.equal(summarizeHtml('<p>one</p><p>two</p>').textLength, 'one two'.length);
  t.equal(summarizeHtml('  a\u00a0\u2028 \t\nb\u3000<br>c  ').textLength, 'a b c'.length);
  t.equal(summarizeHtml('a\u200bb').textLength, 3, 'a zero-width space is not whitespace');
  t.equal(summarizeHtml('a<script>x</script>b<style>y</style >c').textLength, 'a b c'.length);
  // An element never closed hides nothing (its text counts), and a later closed one is still hidden.
  t.equal(summarizeHtml('<script>one<style>s</style>two').textLength, 'one two'.length);
  t.equal(summarizeHtml('<p>a</p><scripts>b</scripts>').textLength, 'a b'.length, '<scripts> is not a script');
  t.equal(summarizeHtml('a < b').textLength, 'a < b'.length, 'a lone < is text');
});

t.test('the head marker window is the lower-cased first 64 KiB', async (t) => {
  const head = summarizeHtml(`<HTML>${'X'.repeat(70_000)}`).head;
  t.equal(head.length, 64 * 1024);
  t.equal(head, head.toLowerCase());
});

t.test('hostile bodies cost time linear in their size, and read sensibly', async (t) => {
  const n = 20_000;
  type Summary = ReturnType<typeof summarizeHtml>;
  const hostile: Array<[string, (n: number) => string, (n: number) => Partial<Summary>]> = [
    ['unclosed <title>', (n) => '<title>x'.repeat(n), (n) => ({ title: '', textLength: 2 * n - 1 })],
    ['unclosed <h1>', (n) => '<h1>x'.repeat(n), (n) => ({ h1: '', textLength: 2 * n - 1 })],
    ['unclosed <script>', (n) => '<script>x'.repeat(n), (n) => ({ title: '', textLength: 2 * n - 1 })],
    ['hidden elements closed only by the wrong tag', (n) => '<style><noscript><template>x</script>'.repeat(n), (n) => ({ textLength: 2 * n - 1 })],
    ['<title without >', (n) => '<title'.repeat(n), (n) => ({ title: '', textLength: 6 * n })],
    ['<h1 without >', (n) => '<h1'.repeat(n), (n) => ({ h1: '', textLength: 3 * n })],
    ['< alone', (n) => '<'.repeat(n), (n) => ({ textLength: n })],
    // Titles and headings are read up to 64 KiB of their source.
    ['tags never closed inside a title', (n) => `<title>${'<b'.repeat(n)}</title>`, () => ({ title: '<b'.repeat(32 * 1024) })],
    ['a title of n segments', (n) => `<title>${'a | '.repeat(n)}</title>`, () => ({ title: `a${' | a'.repeat(16 * 1024 - 1)} |` })],
    ['one-letter words', (n) => 'a '.repeat(n), (n) => ({ textLength: 2 * n - 1 })],
    // The refresh is looked for in the first 64 KiB: each '<meta' there is read once.
    ['<meta inside one tag', (n) => `${'<meta '.repeat(n)}>`, () => ({ refresh: null })],
    ['refresh tags never closed', (n) => '<meta http-equiv=refresh content="0'.repeat(n), () => ({ refresh: null })],
  ];
  for (const [name, make, expected] of hostile) {
    t.match(summarizeHtml(make(8 * n)), expected(8 * n), `${name}: what is read`);
    const ratio = growth(summarize, make, n);
    t.ok(ratio < LINEAR_GROWTH_AT_MOST, `${name}: 8 times the body costs ${ratio.toFixed(1)} times the time`);
  }
});

t.test('entities in titles and headings: numeric ones all, named ones that titles use', async (t) => {
  const summary = summarizeHtml('<title>Page not found &#8211; Garden &amp; Home &#x2014; &raquo;</title><h1>Can&rsquo;t &hellip; &unknown; &#0;</h1>');
  t.equal(summary.title, 'Page not found – Garden & Home — »');
  t.equal(summary.h1, 'Can’t … &unknown; &#0;', 'unknown names and NUL stay as written');
});

t.test('the start of the visible text, entities decoded, for phrase searches', async (t) => {
  t.equal(summarizeHtml('<title>T</title><p>Domain&nbsp;<b>for</b>\n sale &amp; more</p><script>x()</script>').text, 'T Domain for sale & more');
  const long = summarizeHtml(`<p>${'word '.repeat(2_000)}</p>`);
  t.equal(long.text.length, 4_096, 'the first 4 KiB only');
  t.equal(long.textLength, 'word '.repeat(2_000).trim().length, 'while the length counts all of it');
});

t.test('the visible text and its start are what stripping tags and collapsing whitespace gives, cut anywhere', async (t) => {
  // Bodies of words, whitespace of every kind, tags, and a lone < or >, long enough to be cut at 4 KiB
  // inside a word or at a space; read as the regexes define it (no hidden elements, no entities here).
  const pieces = ['ab', 'éclair', 'x', 'long-word-of-a-page', ' ', '  ', '\n', '\u00a0', '\u3000', '<p>', '</b>', '<br/>', '<a href="x y">', '<', '>', '\u200b'];
  let seed = 20261204;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let body = 0; body < 200; body++) {
    let html = '';
    const target = Math.floor(next() * 9_000);
    while (html.length < target) html += pieces[Math.floor(next() * pieces.length)];
    const visible = html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    const summary = summarizeHtml(html);
    if (summary.textLength !== visible.length || summary.text !== visible.slice(0, 4_096)) {
      t.fail(`body ${body} (${html.length} characters) is read as the regexes read it`, { html });
      return;
    }
  }
  t.pass('200 bodies read as the regexes read them');
});

t.test('a zero-delay meta refresh is read, in any spelling; a delayed one is not a redirect', async (t) => {
  const refresh = (html: string) => summarizeHtml(html).refresh;
  t.equal(refresh('<head><meta http-equiv="refresh" content="0; url=https://owner.test/"></head>'), 'https://owner.test/');
  t.equal(refresh("<META CONTENT='0;URL=/home' HTTP-EQUIV=Refresh>"), '/home');
  t.equal(refresh('<meta http-equiv="refresh" content="0; URL=\'/a?b=1&amp;c=2\'">'), '/a?b=1&c=2');
  t.equal(refresh('<meta http-equiv="refresh" content="0;https://bare.test/x">'), 'https://bare.test/x');
  t.equal(refresh('<meta http-equiv="refresh" content="5; url=/later">'), null, 'a delayed refresh');
  t.equal(refresh('<meta http-equiv="refresh" content="0">'), null, 'a reload of the same page');
  t.equal(refresh('<meta name="description" content="0; url=/x">'), null, 'not a refresh');
});

import t from 'tap';
import {
  MAX_HEADING_CHARS, MAX_OUTLINE_HEADINGS, MAX_PARAGRAPH_CHARS, readBrief, readCapture,
} from '../../services/crawl/archive-brief.js';
import { growth, LINEAR_GROWTH_AT_MOST } from '../support/growth.js';

const URL = 'http://old-tool-shop.example/blog/sharpen-pruners';

// A blog post as the Wayback Machine captured it in 2016 (a WordPress theme of the time): site header
// with a menu, the post, comments and their form, a sidebar of widgets, the site footer, scripts.
const wordpressPost = `<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8">
<title>How to Sharpen Bypass Pruners &#8211; Old Tool Shop Blog</title>
<script type="text/javascript">window._wpemojiSettings = {"baseUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/"};</script>
<style type="text/css">img.wp-smiley { display: inline !important; }</style>
</head>
<body class="post-template-default single single-post postid-42">
<div id="page" class="site">
  <a class="skip-link screen-reader-text" href="#content">Skip to content</a>
  <header id="masthead" class="site-header" role="banner">
    <div class="site-branding"><h1 class="site-title"><a href="/">Old Tool Shop Blog</a></h1>
      <p class="site-description">Garden tools, tested in real gardens and cared for properly since 1998</p></div>
    <nav id="site-navigation" class="main-navigation" role="navigation">
      <ul id="menu-primary"><li><a href="/">Home</a></li><li><a href="/shop/">Shop</a></li><li><a href="/about/">About</a></li></ul>
    </nav>
  </header>
  <div id="content" class="site-content"><div id="primary" class="content-area">
  <main id="main" class="site-main" role="main">
    <article id="post-42" class="post-42 post type-post status-publish">
      <header class="entry-header"><h1 class="entry-title">How to Sharpen Bypass Pruners</h1>
        <div class="entry-meta">Posted on <time datetime="2016-03-04">March 4, 2016</time> by Jo</div></header>
      <div class="entry-content">
        <p>By Jo Green</p>
        <p>Blunt pruners crush stems instead of cutting them, and crushed stems invite disease. Ten minutes with a whetstone fixes that.</p>
        <h2>What you need</h2>
        <ul><li>A fine whetstone</li><li>Light machine oil</li><li>A clean rag</li></ul>
        <h2>Step by step</h2>
        <h3>1. Clean the blades</h3>
        <p>Wipe off the sap with warm soapy water, then dry the blades well.</p>
        <h3>2. Hone the bevel</h3>
        <p>Hold the stone at the bevel&rsquo;s angle and draw it toward the tip.</p>
      </div>
      <footer class="entry-footer">Posted in <a href="/category/care/">Tool care</a></footer>
    </article>
    <div id="comments" class="comments-area">
      <h2 class="comments-title">2 thoughts on &ldquo;How to Sharpen Bypass Pruners&rdquo;</h2>
      <ol class="comment-list"><li><p>Great tip, my old pruners cut like new again after doing exactly this!</p></li></ol>
      <form id="commentform"><p><label for="comment">Comment</label><textarea id="comment">Leave a reply</textarea></p></form>
    </div>
  </main></div>
  <aside id="secondary" class="widget-area" role="complementary">
    <section class="widget"><h2 class="widget-title">Recent Posts</h2><ul><li><a href="/oil">Oiling loppers before winter</a></li></ul></section>
  </aside></div>
  <footer id="colophon" class="site-footer" role="contentinfo"><div class="site-info">Proudly powered by WordPress</div></footer>
</div>
<script type="text/javascript" src="/wp-includes/js/wp-embed.min.js"></script>
</body></html>`;

t.test('a blog post of 2016: its own outline, words and first paragraph, without the clutter around it', async (t) => {
  t.same(readCapture(wordpressPost, URL), {
    problem: null,
    brief: {
      title: 'How to Sharpen Bypass Pruners – Old Tool Shop Blog',
      outline: [
        { level: 1, text: 'How to Sharpen Bypass Pruners' },
        { level: 2, text: 'What you need' },
        { level: 2, text: 'Step by step' },
        { level: 3, text: '1. Clean the blades' },
        { level: 3, text: '2. Hone the bevel' },
      ],
      // The article's words only: no menu, sidebar, comments, comment form, site header or footer.
      // heading 5, posted on 7, byline 3, paragraph 20, heading 3, list 9, heading 3, heading 4, paragraph 13,
      // heading 4, paragraph 13, posted in 4
      wordCount: 88,
      firstParagraph: 'Blunt pruners crush stems instead of cutting them, and crushed stems invite disease. Ten minutes with a whetstone fixes that.',
    },
  });
});

// A shop page of about 2010: ARIA landmarks on divs, the content in a table cell, no <p>, text broken with <br>.
const tableLayout = `<html><head><title>Garden Shears - Old Tool Shop</title></head>
<body bgcolor="#ffffff"><div id="top" role="banner"><img src="logo.gif" alt="Old Tool Shop"><br>Call us on 01234 567890 today for a free catalogue</div>
<div id="menu" role="navigation"><a href="/">Home</a> | <a href="/shears.html">Shears</a> | <a href="/rakes.html">Rakes and other garden tools of quality</a></div>
<table width="760"><tr><td valign="top"><h2><font face="Arial">Garden Shears</font></h2>
<font face="Arial" size="2">Forged steel shears with ash handles,<br>sharpened by hand in our Sheffield workshop before they leave us.<br><b>Price:</b> &pound;24.99</font>
<h3>Sizes</h3>8 inch or 10 inch blades</td></tr></table>
<div align="center"><font size="1">&copy; 2006 Old Tool Shop</font></div></body></html>`;

t.test('an old table layout: landmarks skipped, a block of text stands in for the missing paragraph', async (t) => {
  const brief = readBrief(tableLayout);
  t.same(brief.outline, [{ level: 2, text: 'Garden Shears' }, { level: 3, text: 'Sizes' }]);
  t.equal(brief.firstParagraph, 'Forged steel shears with ash handles, sharpened by hand in our Sheffield workshop before they leave us. Price: £24.99');
  t.equal(brief.wordCount, 2 + 19 + 1 + 6 + 4, 'a line break separates words; the banner and the menu are not counted');
});

t.test('words: entities join them, punctuation alone is none, Chinese and Japanese count per character', async (t) => {
  t.equal(readBrief('<p>Don&rsquo;t caf&eacute; &mdash; | 3 <b>bold</b>er</p>').wordCount, 4);
  t.equal(readBrief('<p>修剪工具</p><p>剪定ばさみ</p>').wordCount, 9);
  t.equal(readBrief('<p>one<br>two<hr>three</p>').wordCount, 3);
});

t.test('error pages captured with a 200 are not the page', async (t) => {
  const notFound = `<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>
    <p>The requested URL was not found on this server.</p></body></html>`;
  t.same(readCapture(notFound, URL), { problem: 'not_found_page', brief: null });
  const themed = wordpressPost
    .replace(/<title>[^<]*<\/title>/, '<title>Page not found &#8211; Old Tool Shop Blog</title>')
    .replace(/<article[\s\S]*<\/article>/, '<h1>Oops! That page can&rsquo;t be found.</h1>');
  t.same(readCapture(themed, URL), { problem: 'not_found_page', brief: null }, 'the theme\'s 404 page, navigation and all');
  const challenge = `<html><head><title>Just a moment...</title></head><body><div id="cf-wrapper">
    <script src="/cdn-cgi/challenge-platform/h/g/orchestrate/jsch/v1"></script></div></body></html>`;
  t.same(readCapture(challenge, URL), { problem: 'bot_challenge', brief: null });
  const parked = `<html><head><title>old-tool-shop.example</title></head><body><h1>old-tool-shop.example</h1>
    <p>This domain may be for sale!</p><a href="https://www.sedo.com/search/details/?domain=old-tool-shop.example">Buy this domain</a></body></html>`;
  t.same(readCapture(parked, URL), { problem: 'parked_page', brief: null }, 'the domain\'s lander, captured after the shop closed');
  const aboutErrors = wordpressPost.replace('How to Sharpen Bypass Pruners &#8211;', '404 errors explained &#8211;');
  t.equal(readCapture(aboutErrors, URL).problem, null, 'an article whose title mentions 404 is an article');
});

t.test('caps: twenty headings of 200 characters, a paragraph of 600 cut at a word', async (t) => {
  const long = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
  const brief = readBrief(`<main>${Array.from({ length: 30 }, (_, i) => `<h2>Part ${i} ${long}</h2>`).join('')}<p>${long}</p></main>`);
  t.equal(brief.outline.length, MAX_OUTLINE_HEADINGS);
  t.ok(brief.outline.every((heading) => heading.text.length <= MAX_HEADING_CHARS && heading.text.startsWith('Part ')));
  t.ok(brief.firstParagraph!.length <= MAX_PARAGRAPH_CHARS && brief.firstParagraph!.endsWith('…'));
  t.match(brief.firstParagraph, /^word0 word1 .* word\d+…$/, 'cut between words');
  t.same(readBrief('<p>Seven words are not quite enough here.</p>').firstParagraph, null, 'seven words are not enough');
});

t.test('broken markup cannot hide the page or cost more than linear time', async (t) => {
  // An XHTML-style empty iframe or nav opens nothing; a stray close tag closes nothing.
  const brief = readBrief('<iframe src="/ad"/><nav/></div></article><p>Still here and still counted as the first paragraph of this page.</p>');
  t.equal(brief.firstParagraph, 'Still here and still counted as the first paragraph of this page.');
  t.equal(brief.wordCount, 12);
  const unclosed = (n: number) => '<div><section><h2>x<p>word <article><nav>a</span></td>'.repeat(n);
  const started = process.cpuUsage();
  readBrief(unclosed(5_000).slice(0, 256 * 1024));
  const used = process.cpuUsage(started);
  t.ok((used.user + used.system) / 1000 < 2_000, 'a 256 KiB capture of unclosed tags is read in well under 2 s of CPU');
  for (const make of [unclosed, (n: number) => '<'.repeat(n), (n: number) => '<title>a'.repeat(n), (n: number) => 'word '.repeat(n)]) {
    t.ok(growth(readBrief, make, 2_000) < LINEAR_GROWTH_AT_MOST, `linear in ${make(1)}`);
  }
});

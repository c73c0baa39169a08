import t from 'tap';
import { extractPage } from '../../services/crawl/extract.js';

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
  t.same(page.links, [
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

import { startFakeWeb, type FakeWeb } from './fake-web.js';
import { serveWayback, type WaybackStandIn } from './wayback-stand-in.js';

export interface OutreachNiche {
  web: FakeWeb;
  seeds: string[];
  /** What ARCHIVE_URL is set to. */
  archiveUrl: string;
  wayback: WaybackStandIn;
  url: { pruners: string; shears: string; expired: string; postA: string; postB: string; otherPost: string };
  /** Lets the archive stand-in answer slowly (ms) to show it never delays a crawl. */
  archiveDelay: { ms: number };
}

const page = (title: string, body: string, head = '') =>
  `<!doctype html><html lang="en"><head><title>${title}</title>${head}</head><body>${body}</body></html>`;

/**
 * Two gardening blogs, both linking to a dead shop's pruners page; one also links to the shop's dead
 * shears page (in a sidebar) and, nofollow in its footer, to a domain that has expired. The blogs have
 * contact and about pages and a mailto link. A Wayback Machine stand-in has captured the pruners page,
 * first as an article, then as the shop's soft 404; it never captured the shears, and it fails for the rest.
 */
export async function startOutreachNiche(): Promise<OutreachNiche> {
  const web = await startFakeWeb({ 'garden-blog.test': {}, 'other-blog.test': {}, 'dead-shop.test': {}, 'archive.test': {} });
  const u = web.url;
  const url = {
    pruners: u('dead-shop.test', '/pruners'),
    shears: u('dead-shop.test', '/shears'),
    expired: 'http://expired-nursery.test/roses',
    postA: u('garden-blog.test', '/post-a'),
    postB: u('garden-blog.test', '/post-b'),
    otherPost: u('other-blog.test', '/tools'),
  };
  const footer = `<footer><a href="/contact">Contact</a> <a href="/about">About us</a>
    <a href="mailto:editor@garden-blog.test">Email the editor</a>
    <a href="${url.expired}" rel="nofollow">Old rose nursery</a></footer>`;
  const nav = '<nav><a href="/">Home</a> <a href="/post-a">Post A</a> <a href="/post-b">Post B</a></nav>';
  const meta = '<meta name="description" content="Tools and tips for small gardens.">';
  const routes: [string, string, string][] = [
    ['garden-blog.test', '/', page('Garden Blog', `${nav}<main><p>Welcome.</p></main>${footer}`, meta)],
    ['garden-blog.test', '/post-a', page('The best pruners', `${nav}<main><article>
      <p>Pruning is easy. For small branches, <a href="${url.pruners}">these pruners</a> never let us down. Oil them yearly.</p>
      </article></main>${footer}`, meta)],
    ['garden-blog.test', '/post-b', page('Hedge care', `${nav}<main><p>Trim twice a year with
      <a href="${url.pruners}">good pruners</a>.</p></main><aside><a href="${url.shears}">Shears we liked</a></aside>${footer}`, meta)],
    ['garden-blog.test', '/contact', page('Contact', `${nav}<p>Write to us.</p>${footer}`)],
    ['garden-blog.test', '/about', page('About', `${nav}<p>We garden.</p>${footer}`)],
    ['other-blog.test', '/', page('Other Blog', '<a href="/tools">Tools</a>')],
    ['other-blog.test', '/tools', page('Tools', `<p>We recommend <a href="${url.pruners}">the old pruners</a>.</p>`)],
  ];
  for (const [host, path, html] of routes) web.setRoute(host, path, { body: html });

  const wayback = serveWayback(web);
  wayback.add(
    { url: url.pruners, timestamp: '20190304120000', body: page('Bypass pruners – Old Tool Shop', `<nav><a href="/">Shop</a></nav>
      <article><h1>Bypass pruners</h1><p>Our bypass pruners cut green stems up to 20 mm thick without crushing them.</p>
      <h2>Care</h2><p>Oil the pivot once a year.</p></article>`) },
    { url: url.pruners, timestamp: '20210105080000', body: page('404 Not Found', '<h1>Not Found</h1><p>Sorry, this page is gone.</p>') },
  );
  wayback.failing.add(url.expired);

  return {
    web,
    seeds: [u('garden-blog.test', '/'), u('other-blog.test', '/')],
    archiveUrl: wayback.baseUrl,
    wayback,
    url,
    archiveDelay: wayback.delay,
  };
}

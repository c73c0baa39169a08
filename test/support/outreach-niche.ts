import { htmlPage, startFakeWeb, type FakeWeb, type Route } from './fake-web.js';

export interface OutreachNiche {
  web: FakeWeb;
  seeds: string[];
  archiveApi: string;
  url: { pruners: string; shears: string; expired: string; postA: string; postB: string; otherPost: string };
  /** Lets the archive stand-in answer slowly (ms) to show it never delays a crawl. */
  archiveDelay: { ms: number };
}

const page = (title: string, body: string, head = '') =>
  `<!doctype html><html lang="en"><head><title>${title}</title>${head}</head><body>${body}</body></html>`;

/**
 * Two gardening blogs, both linking to a dead shop's pruners page; one also links to the shop's dead
 * shears page (in a sidebar) and, nofollow in its footer, to a domain that has expired. The blogs have
 * contact and about pages and a mailto link. An archive stand-in knows the pruners page.
 */
export async function startOutreachNiche(): Promise<OutreachNiche> {
  const archiveDelay = { ms: 0 };
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

  const wayback: Route = (req, res) => {
    const asked = new URL(req.url ?? '/', 'http://archive.test').searchParams.get('url');
    const answer = (body: unknown, status = 200) =>
      setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)), archiveDelay.ms);
    if (asked === url.pruners) {
      answer({ archived_snapshots: { closest: { available: true, status: '200', timestamp: '20190304120000', url: u('archive.test', '/web/20190304120000/pruners') } } });
    } else if (asked === url.shears) {
      answer({ archived_snapshots: {} });
    } else {
      answer({ error: 'overloaded' }, 503);
    }
  };
  web.setRoute('archive.test', '/wayback/available', wayback);
  web.setRoute('archive.test', '/web/20190304120000/pruners', { body: htmlPage('Bypass pruners – Old Tool Shop') });

  return {
    web,
    seeds: [u('garden-blog.test', '/'), u('other-blog.test', '/')],
    archiveApi: u('archive.test', '/wayback/available'),
    url,
    archiveDelay,
  };
}

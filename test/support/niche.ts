import { REFUSING, htmlPage, startFakeWeb, type FakeWeb } from './fake-web.js';

export interface Niche {
  web: FakeWeb;
  seed: string;
  /** The (sourceUrl, deadUrl, reason) triples each scope must report, and nothing else. */
  expected: { site: string[]; outward: string[] };
}

export const triple = (sourceUrl: string, deadUrl: string, reason: string) => `${sourceUrl} -> ${deadUrl} [${reason}]`;

/**
 * A small gardening niche on loopback: blog-a (the seed) links out to pages dead for every reason,
 * to alive, blocked and flaky pages, and to blog-b, whose pages link on to blog-c and blog-d.
 * blog-a's robots.txt hides a draft that links to a dead page nobody may report.
 */
export async function startNiche(): Promise<Niche> {
  const web = await startFakeWeb(
    {
      'blog-a.test': {
        '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nDisallow: /private\n' },
      },
      'blog-b.test': {},
      'blog-c.test': {},
      'blog-d.test': {},
      'gone-shop.test': {},
      'resource.test': {
        '/moved': { status: 301, headers: { location: '/missing' } },
        '/removed': { status: 410 },
      },
      'loop.test': {
        '/a': { status: 302, headers: { location: '/b' } },
        '/b': { status: 302, headers: { location: '/a' } },
      },
      'alive.test': {
        '/ok': { body: htmlPage('Alive') },
        '/file.pdf': { headers: { 'content-type': 'application/pdf' }, body: '%PDF-1.4' },
      },
      'flaky.test': { '/500': { status: 500, body: 'oops' } },
      'forbidden.test': { '/': { status: 403, body: 'no bots' } },
      'dead-b.test': {},
      'dead-deep.test': {},
      'dead-c.test': { '/gone': { status: 410 } },
      'dead-d.test': {},
      'secret-dead.test': {},
    },
    { 'refused.test': REFUSING.address },
  );
  const u = web.url;
  const refused = `http://refused.test:${REFUSING.port}/`;

  const pages: [string, string, [string, string, string?][]][] = [
    ['blog-a.test', '/', [
      ['/post-1', 'First post'], ['/post-2', 'Second post'], ['/private/draft', 'Draft'],
      ['/missing-internal', 'Broken internal link'], [u('blog-b.test', '/'), 'Blog B'],
    ]],
    ['blog-a.test', '/post-1', [
      [u('gone-shop.test', '/pruners'), 'these pruners', 'nofollow'],
      [u('resource.test', '/moved'), 'a moved guide'],
      [u('resource.test', '/removed'), 'a removed guide'],
      ['http://expired-domain.test/page', 'an expired site'],
      [refused, 'a server that refuses'],
      [u('loop.test', '/a'), 'a redirect loop'],
      [u('alive.test', '/ok'), 'an alive page'],
      [u('flaky.test', '/500'), 'a flaky server'],
      [u('forbidden.test', '/'), 'a bot-blocking site'],
    ]],
    ['blog-a.test', '/post-2', [
      [u('gone-shop.test', '/pruners#reviews'), 'the same pruners'],
      [u('alive.test', '/ok'), 'alive again'],
      [u('alive.test', '/file.pdf'), 'a PDF'],
    ]],
    ['blog-a.test', '/private/draft', [[u('secret-dead.test', '/x'), 'hidden by robots.txt']]],
    ['blog-b.test', '/', [['/deep', 'Deep page'], [u('dead-b.test', '/old'), 'old resource'], [u('blog-c.test', '/'), 'Blog C']]],
    ['blog-b.test', '/deep', [[u('dead-deep.test', '/x'), 'deep dead link']]],
    ['blog-c.test', '/', [[u('dead-c.test', '/gone'), 'gone resource'], [u('blog-d.test', '/'), 'Blog D']]],
    ['blog-d.test', '/', [[u('dead-d.test', '/x'), 'too deep to be found']]],
  ];
  for (const [host, path, links] of pages) web.setRoute(host, path, { body: htmlPage(`${host}${path}`, links) });

  const a = (path: string) => u('blog-a.test', path);
  const site = [
    triple(a('/post-1'), u('gone-shop.test', '/pruners'), 'not_found'),
    triple(a('/post-2'), u('gone-shop.test', '/pruners'), 'not_found'),
    triple(a('/post-1'), u('resource.test', '/moved'), 'not_found'),
    triple(a('/post-1'), u('resource.test', '/removed'), 'gone'),
    triple(a('/post-1'), 'http://expired-domain.test/page', 'dns_failure'),
    triple(a('/post-1'), refused, 'connection_failed'),
    triple(a('/post-1'), u('loop.test', '/a'), 'too_many_redirects'),
  ];
  const outward = [
    ...site,
    triple(u('blog-b.test', '/'), u('dead-b.test', '/old'), 'not_found'),
    triple(u('blog-b.test', '/deep'), u('dead-deep.test', '/x'), 'not_found'),
    triple(u('blog-c.test', '/'), u('dead-c.test', '/gone'), 'gone'),
  ];
  return { web, seed: a('/'), expected: { site: site.sort(), outward: outward.sort() } };
}

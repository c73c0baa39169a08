import t from 'tap';
import { startEnvironment } from '../support/environment.js';
import { apiClient } from '../support/api-client.js';
import { htmlPage, startFakeWeb } from '../support/fake-web.js';

// One page under two URLs is one page: `/` and `/index.html` declaring the same rel=canonical, a print
// view, a copy serving the same bytes. Its dead link is one prospect for the writer, not one per URL;
// a page elsewhere that names it as canonical (syndication) and the same bytes on another site are pages
// of their own. A later crawl reaching the page by its other URL first must not take the twin's silence
// for a removed link.
const web = await startFakeWeb({ 'blog.test': {}, 'mirror.test': {}, 'gone.test': {} });
const env = await startEnvironment({ resolver: web.resolver, workers: true });
t.teardown(async () => {
  await env.close();
  await web.close();
});
const api = apiClient(env.app, (await env.newApiKey()).key);

const blog = (path: string) => web.url('blog.test', path);
const dead = (name: string) => web.url('gone.test', `/${name}`);
const canonicalTo = (url: string) => `<link rel="canonical" href="${url}">`;

// The home page, three ways: as itself, as /index.html and as a print view, each with the same dead link.
web.setRoute('blog.test', '/', {
  body: htmlPage('Garden notes', [[blog('/index.html'), 'home'], [blog('/print'), 'print'], [blog('/tools'), 'tools'], [blog('/tools-copy'), 'tools again'], [dead('old-guide'), 'an old guide'], [web.url('mirror.test', '/tools'), 'a mirror']]),
});
web.setRoute('blog.test', '/index.html', {
  body: htmlPage('Garden notes (home)', [[blog('/'), 'home'], [dead('old-guide'), 'an old guide']], canonicalTo(blog('/'))),
});
web.setRoute('blog.test', '/print', { body: htmlPage('Garden notes, printable', [[dead('old-guide'), 'an old guide']], canonicalTo('/')) });
// The same bytes at two paths of the blog, and on another site.
const toolsPage = htmlPage('Tools', [[dead('pruners'), 'pruners']]);
web.setRoute('blog.test', '/tools', { body: toolsPage });
web.setRoute('blog.test', '/tools-copy', { body: toolsPage });
web.setRoute('mirror.test', '/tools', { body: toolsPage });
web.setRoute('mirror.test', '/syndicated', { body: htmlPage('Reposted', [[dead('old-guide'), 'an old guide']], canonicalTo(blog('/'))) });

const pairs = (prospects: { sourceUrl: string; deadUrl: string }[]) => prospects.map((p) => `${p.sourceUrl} -> ${p.deadUrl}`).sort();

t.test('twins are crawled once: their dead links are one prospect each', async (t) => {
  const crawl = await api.crawlToEnd({ seeds: [blog('/'), web.url('mirror.test', '/syndicated')], scope: 'outward', maxDepth: 1, minRelevance: null });
  t.equal(crawl.status, 'completed');
  t.equal(crawl.stats.pagesCrawled, 7, 'every URL was fetched and counts as crawled');
  t.equal(crawl.stats.duplicatePages, 3, '/index.html and /print twin /, and /tools-copy twins /tools');
  const prospects = await api.allProspects(crawl.id);
  const tools = prospects.find((p) => p.deadUrl === dead('pruners') && p.sourceUrl.startsWith(blog('/tools')));
  t.ok(tools, 'the tools page\'s dead link is a prospect');
  t.same(pairs(prospects), [
    `${blog('/')} -> ${dead('old-guide')}`,
    `${tools?.sourceUrl} -> ${dead('pruners')}`,
    `${web.url('mirror.test', '/syndicated')} -> ${dead('old-guide')}`,
    `${web.url('mirror.test', '/tools')} -> ${dead('pruners')}`,
  ].sort(), 'one prospect per page, not per URL; another site\'s page is its own even when it names the blog as canonical or serves the same bytes');
  const home = prospects.find((p) => p.sourceUrl === blog('/'))!;
  t.equal(home.referringPages, 2, 'the dead guide is linked from two pages: the home page and the syndicated copy');
});

t.test('a later crawl that reaches the page by its twin first keeps the prospect open', async (t) => {
  const first = await api.crawlToEnd({ seeds: [blog('/')], scope: 'site', maxDepth: 0 });
  const [prospect] = await api.allProspects(first.id);
  t.equal(prospect?.sourceUrl, blog('/'));
  // /index.html is the seed now: fetched first, it is the page, and / (one hop on) its twin.
  const second = await api.crawlToEnd({ seeds: [blog('/index.html')], scope: 'site', maxDepth: 1 });
  t.equal(second.status, 'completed');
  t.ok(second.stats.duplicatePages >= 1, 'the home page was a twin in this crawl');
  const seen = (await env.app.inject({ method: 'GET', url: `/v1/prospects/${prospect!.id}`, headers: api.headers })).json();
  t.equal(seen.state, 'open', 'not resolved as link_removed: the twin\'s links are its page\'s');
  t.equal(seen.resolution, null);
});

import t from 'tap';
import { childPages, wildcardPattern } from '../../services/crawl/scope.js';
import { looksBinary } from '../../services/crawl/html-summary.js';

const crawl = { scope: 'site' as const, seeds: ['https://www.garden.example/'], maxDepth: 3, include: [], exclude: [] };

t.test('site scope keeps the seeds\' registrable domains; depth is bounded', async (t) => {
  const links = ['https://garden.example/a', 'https://shop.garden.example/b', 'https://other.example/c'];
  t.same(childPages(crawl, 0, links).map((c) => c.url), ['https://garden.example/a', 'https://shop.garden.example/b']);
  t.same(childPages(crawl, 0, links)[0]!.depth, 1);
  t.same(childPages(crawl, 3, links), [], 'a page at maxDepth has no children');
  t.same(childPages({ ...crawl, scope: 'outward' }, 0, links).length, 3);
});

t.test('include and exclude patterns', async (t) => {
  const links = ['https://garden.example/blog/roses', 'https://garden.example/tag/roses', 'https://garden.example/shop/x'];
  const scoped = childPages({ ...crawl, include: ['*/blog/*', '*/tag/*'], exclude: ['*/tag/*'] }, 0, links);
  t.same(scoped.map((c) => c.url), ['https://garden.example/blog/roses']);
});

t.test('wildcards match whole URLs, literally but for *, in bounded time', async (t) => {
  t.equal(wildcardPattern('https://garden.example/*').test('https://garden.example/a/b'), true);
  t.equal(wildcardPattern('*?replytocom=*').test('https://x.example/p?replytocom=5'), true);
  t.equal(wildcardPattern('*.pdf').test('https://x.example/file.pdf?dl=1'), false, 'anchored at the end');
  t.equal(wildcardPattern('*a.b*').test('https://x.example/aXb'), false, 'a dot is a dot');
  t.equal(wildcardPattern('*(x)*').test('https://x.example/(x)'), true);
  const hostile = wildcardPattern('*a*a*a*a*a*a*a*a*b');
  const started = Date.now();
  t.equal(hostile.test(`https://x.example/${'a'.repeat(2_000)}`), false);
  t.ok(Date.now() - started < 1_000, 'no catastrophic backtracking');
});

t.test('binary bodies served as HTML are recognized', async (t) => {
  t.equal(looksBinary('<html><body>plain</body></html>'), false);
  t.equal(looksBinary('\u0000\u0001\u0002PNG\ufffd\ufffd\ufffd'.repeat(100)), true);
  t.equal(looksBinary('Ünïcödé ✓ 日本語 '.repeat(100)), false);
});

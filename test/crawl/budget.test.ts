import t from 'tap';
import { admitPages } from '../../services/crawl/budget.js';

// The page budget as a pure decision: which new candidates a crawl admits.
const candidates = (urls: string[]) => urls.map((url) => ({ url, depth: 1 }));
const none = new Map<string, number>();

t.test('at most the pages left, first come first served', async (t) => {
  const admitted = admitPages(candidates(['http://a.test/1', 'http://b.test/1', 'http://a.test/2']), { left: 2, maxPagesPerHost: null, plannedPerHost: none });
  t.same(admitted.map((page) => page.url), ['http://a.test/1', 'http://b.test/1']);
  t.same(admitPages(candidates(['http://a.test/1']), { left: 0, maxPagesPerHost: null, plannedPerHost: none }), []);
});

t.test('no host beyond maxPagesPerHost, counting the pages it already has', async (t) => {
  const urls = ['http://a.test/1', 'http://a.test/2', 'http://b.test/1', 'http://a.test/3', 'http://b.test/2'];
  const admitted = admitPages(candidates(urls), { left: 100, maxPagesPerHost: 2, plannedPerHost: new Map([['a.test', 1]]) });
  t.same(admitted.map((page) => [page.url, page.host]), [['http://a.test/1', 'a.test'], ['http://b.test/1', 'b.test'], ['http://b.test/2', 'b.test']]);
});

import t from 'tap';
import { isOutbound, normalizeUrl, registrableDomain, seedProblem } from '../../services/crawl/urls.js';

t.test('normalizeUrl gives one spelling per URL', async (t) => {
  const same: [string, string][] = [
    ['HTTP://Example.COM/a', 'http://example.com/a'],
    ['http://example.com:80/a', 'http://example.com/a'],
    ['https://example.com:443/a', 'https://example.com/a'],
    ['http://example.com/a#section', 'http://example.com/a'],
    ['http://example.com', 'http://example.com/'],
    ['http://example.com./a', 'http://example.com/a'],
    ['http://example.com/a?', 'http://example.com/a'],
    ['http://example.com/a#', 'http://example.com/a'],
    ['http://example.com/a?#top', 'http://example.com/a'],
    ['http://user@example.com/a', 'http://example.com/a'],
    ['http://:secret@example.com/a', 'http://example.com/a'],
    ['http://example.com../a%2fb?%41', 'http://example.com/a%2Fb?A'],
    ['http://user:secret@example.com/a', 'http://example.com/a'],
    ['http://example.com/caf%c3%a9', 'http://example.com/caf%C3%A9'],
    ['http://example.com/café', 'http://example.com/caf%C3%A9'],
    ['http://example.com/%7Euser/%41bc', 'http://example.com/~user/Abc'],
    ['http://example.com/a?q=%7e%2f', 'http://example.com/a?q=~%2F'],
    ['http://Bücher.example/', 'http://xn--bcher-kva.example/'],
  ];
  for (const [input, expected] of same) t.equal(normalizeUrl(input), expected, input);
  t.equal(normalizeUrl('http://example.com:8080/a'), 'http://example.com:8080/a', 'a non-default port stays');
  t.equal(normalizeUrl('http://example.com/a?b=1&a=2'), 'http://example.com/a?b=1&a=2', 'query order is kept');
});

t.test('normalizeUrl resolves relative links and refuses what is not crawled', async (t) => {
  t.equal(normalizeUrl('../b', 'http://example.com/x/y/z'), 'http://example.com/x/b');
  t.equal(normalizeUrl('//other.org/p', 'https://example.com/'), 'https://other.org/p');
  for (const href of ['mailto:a@example.com', 'javascript:void(0)', 'tel:123', 'ftp://example.com/f', 'data:text/html,x']) {
    t.equal(normalizeUrl(href, 'http://example.com/'), null, href);
  }
  t.equal(normalizeUrl('http://[::1', undefined), null, 'unparseable');
});

t.test('registrable domains follow the public suffix list', async (t) => {
  t.equal(registrableDomain('https://www.bbc.co.uk/news'), 'bbc.co.uk');
  t.equal(registrableDomain('https://blog.example.com/'), 'example.com');
  t.equal(registrableDomain('http://127.0.0.1/'), '127.0.0.1');
  t.equal(isOutbound('https://www.example.com/a', 'https://shop.example.com/b'), false);
  t.equal(isOutbound('https://example.co.uk/a', 'https://other.co.uk/b'), true);
  t.equal(isOutbound('https://alice.github.io/', 'https://bob.github.io/'), true, 'private suffixes separate sites');
});

t.test('seedProblem says what is wrong with a seed', async (t) => {
  t.equal(seedProblem('https://example.com/'), null);
  t.match(seedProblem('example.com'), /absolute URL/);
  t.match(seedProblem('ftp://example.com/'), /http or https/);
  t.match(seedProblem('https://me:pw@example.com/'), /credentials/);
});

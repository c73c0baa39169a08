import t from 'tap';
import { createParsePool } from '../../services/crawl/parse-pool.js';

const pool = createParsePool({ threads: 1, timeoutMs: 1_500 });
t.teardown(() => pool.close());

t.test('pages are parsed off the main thread', async (t) => {
  const page = await pool.parse('<title>T</title><a href="/x">x</a>', 'http://site.test/');
  t.match(page, { title: 'T', links: [{ url: 'http://site.test/x', anchorText: 'x', rel: '', position: 'content' }] });
});

t.test('a pathological page times out without blocking the event loop, and the pool recovers', async (t) => {
  // Nested tables are quadratic for the parser: 20,000 levels take about a second, 60,000 about ten.
  const nested = '<table><tr><td>'.repeat(60_000) + '<a href="/deep">deep</a>';
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 50);
  const started = Date.now();
  await t.rejects(pool.parse(nested, 'http://site.test/'), { code: 'parse_timeout' });
  clearInterval(ticker);
  t.ok(Date.now() - started < 5_000, 'given up at the time limit');
  t.ok(ticks >= 10, `the event loop kept running meanwhile (${ticks} ticks)`);
  const after = await pool.parse('<a href="/ok">ok</a>', 'http://site.test/');
  t.equal(after.links[0]?.url, 'http://site.test/ok', 'a fresh thread serves the next page');
});

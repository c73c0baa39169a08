import t from 'tap';
import { createParsePool, type ParsePool } from '../../services/crawl/parse-pool.js';

const pool = createParsePool({ threads: 1, timeoutMs: 1_500 });
t.teardown(() => pool.close());

// The first parse waits for a thread's start-up: seconds under the test runner's TypeScript loader,
// more on a loaded machine. A page given up waits for a replacement thread the same way.
let startupMs = 0;

t.test('pages are parsed off the main thread', async (t) => {
  const started = Date.now();
  const page = await pool.parse('<title>T</title><a href="/x">x</a>', 'http://site.test/');
  startupMs = Date.now() - started;
  t.match(page, { title: 'T', links: [{ url: 'http://site.test/x', anchorText: 'x', rel: '', position: 'content' }] });
  t.equal(page.fallback, undefined, 'an ordinary page is read through its DOM');
});

/** Parses a page while counting event-loop ticks on this thread. */
async function parseTicking(parser: ParsePool, html: string) {
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 50);
  const started = Date.now();
  try {
    const page = await parser.parse(html, 'http://site.test/');
    return { page, ticks, ms: Date.now() - started };
  } finally {
    clearInterval(ticker);
  }
}

// Quadratic for the DOM parser: 60,000 nested tables take it about ten seconds, 200,000 unclosed
// <div>s over three minutes. Each has a dead link at the very bottom.
const dead = '<p>The old guide is <a href="http://dead.test/guide" rel="NoFollow">gone</a> now.</p>';
const pathological = {
  '200,000 nested <div>s': '<title>Deep</title>' + '<div>'.repeat(200_000) + dead,
  '50,000 nested tables': '<title>Deep</title>' + '<table><tr><td>'.repeat(50_000) + dead,
};

for (const [name, html] of Object.entries(pathological)) {
  t.test(`${name}: the DOM parse is given up at the time limit and the links are read linearly`, async (t) => {
    const { page, ticks, ms } = await parseTicking(pool, html);
    t.match(page, {
      fallback: 'parse_timeout',
      title: 'Deep',
      links: [{ url: 'http://dead.test/guide', anchorText: 'gone', rel: 'nofollow', context: 'The old guide is gone now.' }],
    });
    // The time limit, a replacement thread's start-up and the scan itself (about 0.1 s).
    t.ok(ms < 1_500 + 3 * startupMs + 2_000, `resolved after ${ms} ms (a thread started in ${startupMs} ms)`);
    t.ok(ticks >= 20, `the event loop kept running meanwhile (${ticks} ticks)`);
    const after = await pool.parse('<a href="/ok">ok</a>', 'http://site.test/');
    t.match(after, { links: [{ url: 'http://site.test/ok' }], fallback: undefined }, 'the next page is read through its DOM again');
  });
}

t.test('when the linear read overruns the time limit too, the page is given up with the first reason', async (t) => {
  // 100 ms is too short to build the DOM of 1.6 million nested <div>s, and to scan their 8 MB.
  const hasty = createParsePool({ threads: 1, timeoutMs: 100 });
  t.teardown(() => hasty.close());
  const huge = '<div>'.repeat(1_600_000) + dead;
  await t.rejects(parseTicking(hasty, huge), { name: 'Error', code: 'parse_timeout' });
  const after = await hasty.parse('<a href="/ok">ok</a>', 'http://site.test/');
  t.equal(after.links[0]?.url, 'http://site.test/ok', 'a fresh thread serves the next page');
});

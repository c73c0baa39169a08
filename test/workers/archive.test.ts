import t from 'tap';
import { startFakeWeb } from '../support/fake-web.js';
import { processorSetting } from '../support/job-runner.js';
import { serveWayback } from '../support/wayback-stand-in.js';
import { archiveJobId } from '../../services/queues.js';
import { registerArchiveLookup } from '../../services/store/archive.js';
import { createArchiveProcessor } from '../../workers/archive.js';

// The archive-lookup processor on its own: built from only what ArchiveDeps names, it takes a real
// lookup job for a dead URL and asks a stand-in Wayback Machine (CDX API and raw captures).
const web = await startFakeWeb({ 'archive.test': {} });
const wayback = serveWayback(web);
const dead = (path: string) => `http://dead-shop.test/${path}`;

const article = `<!doctype html><html lang="en"><head><title>Bypass pruners &ndash; Old Tool Shop</title>
  <script>var shop = { basket: [] };</script></head><body>
  <header id="masthead"><a href="/">Old Tool Shop</a><nav><a href="/pruners">Pruners</a> <a href="/saws">Saws</a></nav></header>
  <main><article>
    <h1>Bypass pruners</h1>
    <p>Our bypass pruners cut cleanly through green stems up to 20&nbsp;mm thick.</p>
    <h2>Why bypass?</h2><p>Two blades pass like scissors, so live wood is never crushed.</p>
  </article></main>
  <footer>Old Tool Shop Ltd, registered in England and Wales</footer></body></html>`;
const softNotFound = `<!doctype html><html><head><title>404 Not Found</title></head><body>
  <h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>`;
const challenge = `<!doctype html><html><head><title>Just a moment...</title></head><body>
  <div id="challenge-platform">Checking your browser before accessing the shop.</div></body></html>`;
const parked = `<!doctype html><html><head><title>dead-shop.test</title></head><body>
  <h1>dead-shop.test</h1><p>The domain dead-shop.test may be for sale. Buy this domain today!</p></body></html>`;

wayback.add(
  // The pruners: a real article in 2019, the shop's soft 404 once it was gone, then a 404 and a redirect.
  { url: dead('pruners'), timestamp: '20190304120000', body: article },
  { url: dead('pruners'), timestamp: '20210105080000', body: softNotFound },
  { url: dead('pruners'), timestamp: '20220601000000', status: 404, body: softNotFound },
  { url: dead('pruners'), timestamp: '20230101000000', status: 301 },
  // The shears were only ever captured as error pages: a soft 404, a bot challenge, the domain's lander.
  { url: dead('shears'), timestamp: '20200101000000', body: softNotFound },
  { url: dead('shears'), timestamp: '20200202000000', body: challenge },
  { url: dead('shears'), timestamp: '20200303000000', body: parked },
  // The loppers answered 404 whenever the archive came by.
  { url: dead('loppers'), timestamp: '20200101000000', status: 404, body: softNotFound },
  // The rake page was an article, then (after it was seen dead) something else took its address.
  { url: dead('rake'), timestamp: '20150505050505', body: article.replaceAll('Bypass pruners', 'Leaf rakes') },
  { url: dead('rake'), timestamp: '20230303030303', body: article.replaceAll('Bypass pruners', 'Casino bonus') },
  // A manual: not HTML, nothing to verify or summarize, but it was there.
  { url: dead('manual.pdf'), timestamp: '20180808080808', mimetype: 'application/pdf', body: '%PDF-1.4' },
  // The archive lists a capture of the hoe but cannot replay it just now.
  { url: dead('hoe'), timestamp: '20190909090909', body: article },
);
web.setRoute('archive.test', new URL(wayback.rawLink({ url: dead('hoe'), timestamp: '20190909090909' })).pathname, { status: 502, body: 'Bad gateway' });
wayback.failing.add(dead('failing'));

const { env, runner } = await processorSetting(t, web, { env: { ARCHIVE_URL: wayback.baseUrl } });
const { db, http, logger, queues, config } = env.runtime;
const processArchive = createArchiveProcessor({ db, http, logger, config: { archive: config.archive } });

/** Registers the lookup as a check of a dead link does (first seen dead `seenDeadAt`, now unless said) and runs its job. */
async function lookUp(url: string, seenDeadAt?: string) {
  if (!(await registerArchiveLookup(db, url))) throw new Error(`${url} was looked up already`);
  if (seenDeadAt) await db.query('UPDATE archive_snapshots SET requested_at = $2 WHERE url = $1', [url, seenDeadAt]);
  await queues.enqueueArchiveLookup(url);
  return runner.run('archive', archiveJobId(url), processArchive);
}
const recorded = async (url: string) =>
  (await db.query(`SELECT state, snapshot_url AS "url", snapshot_at AS "at", title, outline, word_count AS "wordCount",
     first_paragraph AS "firstParagraph", none_reason AS "reason" FROM archive_snapshots WHERE url = $1`, [url])).rows[0];
const nothing = { url: null, at: null, title: null, outline: null, wordCount: null, firstParagraph: null };
/** The captures of `url` the service read, in order (their timestamps). */
const read = (url: string) =>
  web.requests.filter((request) => request.path.endsWith(`id_/${url}`)).map((request) => request.path.split('/')[2]!.replace('id_', ''));

t.test('the newest 200 capture is a soft 404: the older real article is recorded, with its brief', async (t) => {
  const asked = wayback.queries.length;
  t.equal((await lookUp(dead('pruners'))).state, 'completed');
  t.same(await recorded(dead('pruners')), {
    state: 'found',
    url: wayback.link({ url: dead('pruners'), timestamp: '20190304120000' }),
    at: new Date('2019-03-04T12:00:00Z'),
    title: 'Bypass pruners – Old Tool Shop',
    outline: [{ level: 1, text: 'Bypass pruners' }, { level: 2, text: 'Why bypass?' }],
    wordCount: 28,
    firstParagraph: 'Our bypass pruners cut cleanly through green stems up to 20 mm thick.',
    reason: null,
  });
  t.same(read(dead('pruners')), ['20210105080000', '20190304120000'], 'newest first; the 404 and the redirect were never candidates');
  const query = wayback.queries[asked]!;
  t.match(Object.fromEntries(query), { url: dead('pruners'), output: 'json', filter: 'statuscode:200', collapse: 'digest', limit: '-5' });
  t.match(query.get('to'), /^\d{14}$/, 'bounded by when the URL was first seen dead');
});

t.test('only error pages were captured: none, and why', async (t) => {
  t.equal((await lookUp(dead('shears'))).state, 'completed');
  t.same(await recorded(dead('shears')), { state: 'none', ...nothing, reason: 'only_error_pages' });
  t.same(read(dead('shears')), ['20200303000000', '20200202000000', '20200101000000'], 'each one was read and rejected');
});

t.test('never captured, or never with a 200: none, no capture', async (t) => {
  for (const url of [dead('never'), dead('loppers')]) {
    t.equal((await lookUp(url)).state, 'completed');
    t.same(await recorded(url), { state: 'none', ...nothing, reason: 'no_capture' }, url);
  }
});

t.test('captures made after the URL was first seen dead are not the page', async (t) => {
  const asked = wayback.queries.length;
  t.equal((await lookUp(dead('rake'), '2020-01-01T00:00:00Z')).state, 'completed');
  t.match(await recorded(dead('rake')), {
    state: 'found', url: wayback.link({ url: dead('rake'), timestamp: '20150505050505' }), title: 'Leaf rakes – Old Tool Shop',
  });
  t.equal(wayback.queries[asked]!.get('to'), '20200101000000');
  t.same(read(dead('rake')), ['20150505050505'], 'the later capture was never a candidate');
});

t.test('a capture that is not HTML is shown without a brief', async (t) => {
  t.equal((await lookUp(dead('manual.pdf'))).state, 'completed');
  t.same(await recorded(dead('manual.pdf')), {
    state: 'found', ...nothing, url: wayback.link({ url: dead('manual.pdf'), timestamp: '20180808080808' }),
    at: new Date('2018-08-08T08:08:08Z'), reason: null,
  });
});

t.test('an archive in trouble: the job fails, BullMQ tries again later, the lookup stays pending', async (t) => {
  const ran = await lookUp(dead('failing'));
  t.match(ran.error?.message, 'archive lookup failed: HTTP 503');
  t.equal(ran.state, 'delayed', 'retried after a backoff');
  t.match(await recorded(dead('failing')), { state: 'pending', url: null, reason: null });
});

t.test('captures listed but none readable: retried as an archive in trouble, not recorded as error pages', async (t) => {
  const ran = await lookUp(dead('hoe'));
  t.match(ran.error?.message, 'archive captures could not be read: 20190909090909: HTTP 502');
  t.equal(ran.state, 'delayed');
  t.match(await recorded(dead('hoe')), { state: 'pending' });
});

t.test('with ARCHIVE_URL=off, a lookup asked for before is settled as unavailable without asking anyone', async (t) => {
  const off = createArchiveProcessor({ db, http, logger, config: { archive: { ...config.archive, url: null } } });
  const asked = wayback.queries.length;
  await registerArchiveLookup(db, dead('trowel'));
  await queues.enqueueArchiveLookup(dead('trowel'));
  t.equal((await runner.run('archive', archiveJobId(dead('trowel')), off)).state, 'completed');
  t.match(await recorded(dead('trowel')), { state: 'unavailable' });
  t.equal(wayback.queries.length, asked, 'the archive was not asked');
});

import t from 'tap';
import { htmlPage, startFakeWeb } from '../support/fake-web.js';
import { processorSetting } from '../support/job-runner.js';
import { archiveJobId } from '../../services/queues.js';
import { registerArchiveLookup } from '../../services/store/archive.js';
import { createArchiveProcessor } from '../../workers/archive.js';

// The archive-lookup processor on its own: built from only what ArchiveDeps names, it takes a real
// lookup job for a dead URL and asks a stand-in for the Wayback Machine's availability API.
const web = await startFakeWeb({ 'archive.test': {} });
const u = web.url;
const dead = { found: 'http://dead-shop.test/pruners', none: 'http://dead-shop.test/shears', failing: 'http://dead-shop.test/loppers' };
const snapshot = u('archive.test', '/web/20190304120000/pruners');
web.setRoute('archive.test', '/wayback/available', (req, res) => {
  const asked = new URL(req.url ?? '/', 'http://archive.test').searchParams.get('url');
  const answer = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (asked === dead.found) answer(200, { archived_snapshots: { closest: { available: true, status: '200', timestamp: '20190304120000', url: snapshot } } });
  else if (asked === dead.none) answer(200, { archived_snapshots: {} });
  else answer(503, { error: 'overloaded' });
});
web.setRoute('archive.test', '/web/20190304120000/pruners', { body: htmlPage('Bypass pruners – Old Tool Shop') });

const { env, runner } = await processorSetting(t, web, { env: { ARCHIVE_API_URL: u('archive.test', '/wayback/available') } });

const { db, http, queues, config } = env.runtime;
const processArchive = createArchiveProcessor({ db, http, config: { archive: config.archive } });

/** Registers the lookup as a check of a dead link does, and runs its job. */
async function lookUp(url: string) {
  if (!(await registerArchiveLookup(db, url))) throw new Error(`${url} was looked up already`);
  await queues.enqueueArchiveLookup(url);
  return runner.run('archive', archiveJobId(url), processArchive);
}
const recorded = async (url: string) =>
  (await db.query('SELECT state, snapshot_url AS "snapshotUrl", snapshot_at AS "snapshotAt", title FROM archive_snapshots WHERE url = $1', [url])).rows[0];

t.test('a snapshot found is recorded with when it was taken and its title', async (t) => {
  t.equal((await lookUp(dead.found)).state, 'completed');
  t.same(await recorded(dead.found), {
    state: 'found', snapshotUrl: snapshot, snapshotAt: new Date('2019-03-04T12:00:00Z'), title: 'Bypass pruners – Old Tool Shop',
  });
});

t.test('a URL the archive never saw is recorded as none', async (t) => {
  t.equal((await lookUp(dead.none)).state, 'completed');
  t.same(await recorded(dead.none), { state: 'none', snapshotUrl: null, snapshotAt: null, title: null });
});

t.test('an archive in trouble: the job fails, BullMQ tries again later, the lookup stays pending', async (t) => {
  const ran = await lookUp(dead.failing);
  t.match(ran.error?.message, 'archive lookup failed: HTTP 503');
  t.equal(ran.state, 'delayed', 'retried after a backoff');
  t.match(await recorded(dead.failing), { state: 'pending', snapshotUrl: null });
});

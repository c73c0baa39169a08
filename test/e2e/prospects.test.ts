import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment } from '../support/environment.js';
import { apiClient } from '../support/api-client.js';
import { assertContract } from '../support/contract.js';
import { startOutreachNiche } from '../support/outreach-niche.js';

const niche = await startOutreachNiche();
const env = await startEnvironment({
  resolver: niche.web.resolver,
  workers: true,
  env: { ARCHIVE_URL: niche.archiveUrl, ARCHIVE_RETRY_DELAY_MS: '50' },
});
t.teardown(async () => {
  await env.close();
  await niche.web.close();
});
const api = apiClient(env.app, (await env.newApiKey('outreach')).key);
const get = async (url: string, operation: string, status = 200) =>
  assertContract(t, operation, await env.app.inject({ method: 'GET', url, headers: api.headers }), status);
const send = (method: 'PATCH' | 'POST', url: string, payload?: object) =>
  env.app.inject({ method, url, headers: api.headers, payload });

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await probe();
    if (done(value)) return value;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

// A slow archive: the crawl must not wait for it.
niche.archiveDelay.ms = 2_000;
const crawl = await api.crawlToEnd({ seeds: niche.seeds, scope: 'site' });
const prospects = await api.allProspects(crawl.id);
const find = (deadUrl: string, sourceUrl: string) => prospects.find((p) => p.deadUrl === deadUrl && p.sourceUrl === sourceUrl);

t.test('the full record of a prospect', async (t) => {
  t.equal(crawl.status, 'completed');
  t.equal(prospects.length, 3 + 1 + 5, 'pruners from 3 pages, shears from 1, the expired nursery from every garden-blog footer');
  const pruners = find(niche.url.pruners, niche.url.postA);
  t.match(pruners, {
    sourceTitle: 'The best pruners', sourceDescription: 'Tools and tips for small gardens.', sourceLang: 'en',
    sourceDomain: 'garden-blog.test', deadDomain: 'dead-shop.test', deadDomainExpired: false,
    reason: 'not_found', httpStatus: 404, anchorText: 'these pruners',
    context: 'For small branches, these pruners never let us down.', position: 'content',
    rel: '', relFlags: { nofollow: false, sponsored: false, ugc: false }, followed: true,
    referringPages: 3, referringDomains: 2, accountReferringPages: 3, accountReferringDomains: 2, status: 'new',
    contacts: { emails: ['editor@garden-blog.test'], authors: [] },
    evidence: { attempts: [{ method: 'GET', status: 404 }] },
  });
  t.same([...pruners.contacts.contactPages].sort(), [niche.web.url('garden-blog.test', '/about'), niche.web.url('garden-blog.test', '/contact')]);
  t.match(find(niche.url.shears, niche.url.postB), { position: 'sidebar', referringPages: 1 });
  t.match(find(niche.url.expired, niche.url.postA), {
    reason: 'dns_failure', deadDomainExpired: true, followed: false, relFlags: { nofollow: true }, position: 'footer', httpStatus: null,
  });
  t.ok(prospects.some((p) => p.archive === null || p.archive.state === 'pending'), 'the slow archive had not answered when the crawl completed');
});

t.test('what the dead page used to be, from the archive', async (t) => {
  niche.archiveDelay.ms = 0;
  const archiveOf = async (deadUrl: string, sourceUrl: string) => (await get(`/v1/prospects/${find(deadUrl, sourceUrl).id}`, 'getProspect')).archive;
  const settled = (archive: { state: string } | null) => archive !== null && archive.state !== 'pending';
  // The newest capture is the shop's soft 404: the article captured before it is shown, with its brief.
  t.same(await until(() => archiveOf(niche.url.pruners, niche.url.postA), settled, 'the pruners lookup'), {
    state: 'found', url: niche.wayback.link({ url: niche.url.pruners, timestamp: '20190304120000' }), timestamp: '2019-03-04T12:00:00.000Z',
    title: 'Bypass pruners – Old Tool Shop', outline: [{ level: 1, text: 'Bypass pruners' }, { level: 2, text: 'Care' }], wordCount: 23,
    firstParagraph: 'Our bypass pruners cut green stems up to 20 mm thick without crushing them.', reason: null,
  });
  t.same(await until(() => archiveOf(niche.url.shears, niche.url.postB), settled, 'the shears lookup'), {
    state: 'none', url: null, timestamp: null, title: null, outline: null, wordCount: null, firstParagraph: null, reason: 'no_capture',
  });
  t.match(await until(() => archiveOf(niche.url.expired, niche.url.postA), settled, 'the failing lookup'), { state: 'unavailable', reason: null });

  const csv = await env.app.inject({ method: 'GET', url: `/v1/prospects/export?crawlId=${crawl.id}&format=csv`, headers: api.headers });
  // RFC 4180 fields of one line (no field here spans lines): quoted ones may hold commas and doubled quotes.
  const cells = (line: string) => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map(([, cell]) =>
    cell!.startsWith('"') ? cell!.slice(1, -1).replace(/""/g, '"') : cell!);
  const [header, ...rows] = csv.body.trim().split('\r\n').map(cells);
  const at = (column: string) => header!.indexOf(column);
  t.same(header!.slice(at('archiveUrl'), at('firstSeenAt')), ['archiveUrl', 'archiveTimestamp', 'archiveTitle', 'archiveWordCount', 'archiveFirstParagraph']);
  const pruners = rows.find((row) => row[at('deadUrl')] === niche.url.pruners && row[at('sourceUrl')] === niche.url.postA)!;
  t.same(pruners.slice(at('archiveTitle'), at('firstSeenAt')), ['Bypass pruners – Old Tool Shop', '23', 'Our bypass pruners cut green stems up to 20 mm thick without crushing them.']);
});

t.test('the opportunity score orders the list', async (t) => {
  const byScore = (await get(`/v1/prospects?crawlId=${crawl.id}&sort=score&limit=100`, 'listProspects')).items;
  const scores = byScore.map((p: { score: number }) => p.score);
  t.same(scores, [...scores].sort((a, b) => b - a), 'highest first');
  t.same(byScore.slice(0, 3).map((p: { deadUrl: string }) => p.deadUrl), Array(3).fill(niche.url.pruners), 'the link three pages and two sites share leads');
  const expired = byScore.filter((p: { deadUrl: string }) => p.deadUrl === niche.url.expired);
  t.ok(expired.every((p: { score: number }) => p.score < find(niche.url.shears, niche.url.postB).score), 'nofollow footer links come last');
});

t.test('filters', async (t) => {
  const ids = async (query: string) =>
    (await get(`/v1/prospects?crawlId=${crawl.id}&limit=100&${query}`, 'listProspects')).items.map((p: { deadUrl: string; sourceUrl: string }) => `${p.sourceUrl} ${p.deadUrl}`).sort();
  t.equal((await ids('reason=dns_failure')).length, 5);
  t.equal((await ids('reason=not_found,dns_failure')).length, 9);
  t.equal((await ids('followedOnly=true')).length, 4);
  t.equal((await ids('deadDomain=dead-shop.test')).length, 4);
  t.same(await ids('sourceDomain=other-blog.test'), [`${niche.url.otherPost} ${niche.url.pruners}`]);
  t.same(await ids('q=HEDGE'), [`${niche.url.postB} ${niche.url.pruners}`, `${niche.url.postB} ${niche.url.shears}`, `${niche.url.postB} ${niche.url.expired}`].sort(), 'search covers source titles');
  t.equal((await ids('q=old%20pruners')).length, 1, 'and anchor text');
  const top = find(niche.url.pruners, niche.url.postA).score;
  t.ok((await ids(`minScore=${top}`)).length >= 1);
  const bad = await env.app.inject({ method: 'GET', url: '/v1/prospects?reason=broken', headers: api.headers });
  t.match(bad.json(), { code: 'invalid_request', message: "querystring.reason 'broken' is not one of: not_found, gone, client_error, dns_failure, parked_domain, connection_failed, too_many_redirects, soft_404" });
});

t.test('outreach status and notes, one or many', async (t) => {
  const one = find(niche.url.shears, niche.url.postB);
  const updated = assertContract(t, 'updateProspect', await send('PATCH', `/v1/prospects/${one.id}`, { status: 'contacted', notes: 'Emailed Jo.' }), 200);
  t.match(updated, { status: 'contacted', notes: 'Emailed Jo.' });
  t.match((await send('PATCH', `/v1/prospects/${one.id}`, { status: 'maybe' })).json(), { code: 'invalid_request', message: /body\.status must be one of/ });
  t.equal((await send('PATCH', `/v1/prospects/${one.id}`, {})).statusCode, 400, 'an empty change says so');

  const expired = prospects.filter((p) => p.deadUrl === niche.url.expired).map((p) => p.id);
  const bulk = assertContract(t, 'updateProspects', await send('PATCH', '/v1/prospects', { ids: [...expired, '999999999'], status: 'ignored' }), 200);
  t.same([...bulk.updated].sort(), [...expired].sort());
  t.same(bulk.notFound, ['999999999']);
  t.equal((await get(`/v1/prospects?crawlId=${crawl.id}&status=ignored&limit=100`, 'listProspects')).items.length, 5);
});

t.test('dead links grouped for one replacement page, many emails', async (t) => {
  const first = await get(`/v1/dead-links?crawlId=${crawl.id}&limit=1`, 'listDeadLinks');
  t.match(first.items[0], { deadUrl: niche.url.pruners, prospects: 3, deadDomain: 'dead-shop.test', archive: { state: 'found' } });
  t.equal(first.items[0].referringPages.length, 3);
  const seen = [first.items[0].deadUrl];
  for (let cursor = first.nextCursor; cursor; ) {
    const next = await get(`/v1/dead-links?crawlId=${crawl.id}&limit=1&cursor=${cursor}`, 'listDeadLinks');
    seen.push(...next.items.map((item: { deadUrl: string }) => item.deadUrl));
    cursor = next.nextCursor;
  }
  t.same(seen.sort(), [niche.url.pruners, niche.url.shears, niche.url.expired].sort());
});

t.test('a second crawl: seen again, counted across the account', async (t) => {
  const again = await api.crawlToEnd({ seeds: [niche.seeds[0]!], scope: 'site' });
  const before = find(niche.url.pruners, niche.url.postA);
  const after = (await api.allProspects(again.id)).find((p) => p.deadUrl === niche.url.pruners && p.sourceUrl === niche.url.postA);
  t.equal(after.firstSeenAt, before.firstSeenAt, 'first seen in the first crawl');
  t.ok(new Date(after.lastSeenAt) > new Date(before.lastSeenAt), 'last seen now');
  t.match(after, { referringPages: 2, referringDomains: 1, accountReferringPages: 3, accountReferringDomains: 2 });
});

t.test('recheck the day before the email', async (t) => {
  // The shop put the pruners page back, and post-b dropped its link to them.
  niche.web.setRoute('dead-shop.test', '/pruners', { body: htmlPageBack() });
  niche.web.setRoute('garden-blog.test', '/post-b', { body: '<title>Hedge care</title><p>No links any more.</p>' });
  const target = find(niche.url.pruners, niche.url.postB);
  const pending = assertContract(t, 'recheckProspect', await send('POST', `/v1/prospects/${target.id}/recheck`), 202);
  t.match(pending.recheck, { state: 'pending' });
  const done = await until(() => get(`/v1/prospects/${target.id}`, 'getProspect'), (p) => p.recheck?.state === 'done', 'the recheck');
  t.match(done.recheck, { stillDead: false, verdict: 'alive', stillLinked: false, sourceStatus: 200 });

  const still = find(niche.url.expired, niche.url.postA);
  await send('POST', `/v1/prospects/${still.id}/recheck`);
  const confirmed = await until(() => get(`/v1/prospects/${still.id}`, 'getProspect'), (p) => p.recheck?.state === 'done', 'the second recheck');
  t.match(confirmed.recheck, { stillDead: true, verdict: 'dead', reason: 'dns_failure', stillLinked: true });
  t.ok(new Date(confirmed.lastSeenAt) > new Date(still.lastSeenAt), 'confirmed today: last seen moves');
});

function htmlPageBack(): string {
  return '<!doctype html><title>Bypass pruners – back in stock</title><p>We have them again.</p>';
}

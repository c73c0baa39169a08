import t from 'tap';
import { startFakeWeb } from '../support/fake-web.js';
import { processorSetting, newCrawl, recordCrawled } from '../support/job-runner.js';
import { startRdapStandIn } from '../support/rdap-stand-in.js';
import { createAccount } from '../../services/store/accounts.js';
import { domainJobId } from '../../services/queues.js';
import { createHttpClient } from '../../services/http/client.js';
import {
  DOMAIN_FACTS_COLUMN, DOMAIN_FACTS_JOIN, domainFactsOfDomain, registerDomainLookup,
} from '../../services/store/domain-facts.js';
import { createDomainFactsProcessor, giveUpDomainLookup } from '../../workers/domain-facts.js';
import { createCheckProcessor } from '../../workers/checks.js';

// The RDAP lookup of a dead link's domain, on its own: registered from a check that settles dead with
// dns_failure, and run as a real job against a stand-in bootstrap (rdap.test) that redirects to a
// stand-in registry. None of the dead domains resolves here, so every check of them is a dns_failure.
const web = await startFakeWeb({ 'blog.test': {}, 'other-blog.test': {} });
const rdap = startRdapStandIn(web, {
  'old-tool-shop.test': { expires: '2026-09-14T04:00:00Z', registrar: 'Example Registrar, Inc.' },
  'lapsed-nursery.test': { state: 'available' },
  'flaky-garden.test': { failures: 2, expires: '2027-01-01T00:00:00Z' },
  'down-for-good.test': { failures: Infinity },
  'gone-bakery.test': { state: 'available' },
  'slow-seeds.test': { delayMs: 10_000 },
});
const { env, runner } = await processorSetting(t, web, { env: { RDAP_URL: rdap.url } });
const { db, http, queues, logger, limiter, metrics, hosts, guard, config } = env.runtime;
const processDomain = createDomainFactsProcessor({ db, http, config: { rdap: config.rdap } });
const processCheck = createCheckProcessor({
  db, queues, logger, limiter, metrics, hosts, http,
  config: { retry: config.retry, politeness: config.politeness, webhooks: config.webhooks, verdictMaxAgeMs: config.verdictMaxAgeMs, http: config.http, archive: config.archive },
});
const accountId = await createAccount(db, 'domain-facts-test');

/** Registers the lookup as a check of a dead link does, and runs its job. */
async function lookUp(domain: string) {
  const lookup = await registerDomainLookup(db, domain);
  if (!lookup) throw new Error(`${domain} was looked up already`);
  await queues.enqueueDomainLookup(lookup);
  return runner.run('domains', domainJobId(lookup), processDomain);
}
/** Runs the domain's lookup whose job is queued already. */
const runLookup = (domain: string, refreshes = 0) => runner.run('domains', domainJobId({ domain, refreshes }), processDomain);
/** Runs a lookup's retry now rather than after its backoff. */
async function retryNow(domain: string) {
  await (await queues.domains.getJob(domainJobId({ domain })))!.promote();
  return runLookup(domain);
}
/** A crawl whose pages link to the dead URLs, each URL's check run as its job would be. */
async function checked(deadUrls: string[]) {
  const { crawlId, pages } = await newCrawl(db, accountId, [web.url('blog.test', `/${crawlIds++}`)]);
  const targets = await recordCrawled(db, pages[0]!, deadUrls);
  await queues.enqueueChecks(crawlId, targets);
  const ran = [];
  for (const target of targets) ran.push(await runner.run('checks', `check-${target.id}`, processCheck));
  return { crawlId, ran };
}
let crawlIds = 0;
/** Each prospect's domain facts, as the prospect record reads them. */
const prospectFacts = async (crawlId: string) =>
  (await db.query(`SELECT r.dead_url AS "deadUrl", r.reason, ${DOMAIN_FACTS_COLUMN} FROM prospects r ${DOMAIN_FACTS_JOIN}
    WHERE r.crawl_id = $1 ORDER BY r.dead_url`, [crawlId])).rows;

t.test('a registered domain: its expiry and registrar, through the bootstrap’s redirect', async (t) => {
  t.equal((await lookUp('old-tool-shop.test')).state, 'completed');
  t.match(await domainFactsOfDomain(db, 'old-tool-shop.test'), {
    state: 'registered', expiresAt: new Date('2026-09-14T04:00:00Z'), registrar: 'Example Registrar, Inc.', checkedAt: Date,
  });
});

t.test('a domain the registry does not know is available', async (t) => {
  t.equal((await lookUp('lapsed-nursery.test')).state, 'completed');
  t.match(await domainFactsOfDomain(db, 'lapsed-nursery.test'), { state: 'available', expiresAt: null, registrar: null, checkedAt: Date });
});

t.test('a TLD the bootstrap knows no RDAP service for is unknown, settled at once', async (t) => {
  t.equal((await lookUp('old-mill.unserved')).state, 'completed');
  t.match(await domainFactsOfDomain(db, 'old-mill.unserved'), { state: 'unknown', expiresAt: null, checkedAt: Date });
  t.equal(rdap.asked('old-mill.unserved'), 1, 'asked once, not retried');
});

t.test('a registry answering 503 twice: retried with backoff, then registered', async (t) => {
  const first = await lookUp('flaky-garden.test');
  t.match(first.error?.message, 'RDAP lookup failed: HTTP 503');
  t.equal(first.state, 'delayed', 'BullMQ tries again after a backoff');
  t.match(await domainFactsOfDomain(db, 'flaky-garden.test'), { state: 'pending', checkedAt: null });
  t.equal((await retryNow('flaky-garden.test')).state, 'delayed');
  t.equal((await retryNow('flaky-garden.test')).state, 'completed');
  t.match(await domainFactsOfDomain(db, 'flaky-garden.test'), { state: 'registered', expiresAt: new Date('2027-01-01T00:00:00Z') });
  t.equal(rdap.asked('flaky-garden.test'), 3);
});

t.test('RDAP down for good: unknown after the last attempt; the prospects never wait for it', async (t) => {
  const dead = 'http://down-for-good.test/pruners';
  const { crawlId, ran } = await checked([dead]);
  t.equal(ran[0]!.state, 'completed', 'the check settled');
  t.match(await prospectFacts(crawlId), [{ deadUrl: dead, reason: 'dns_failure', domainFacts: { state: 'pending', expiresAt: null } }]);
  t.equal((await env.runtime.db.query('SELECT status FROM crawls WHERE id = $1', [crawlId])).rows[0].status, 'completed', 'the crawl ended meanwhile');

  let last = await runLookup('down-for-good.test');
  while (last.state === 'delayed') last = await retryNow('down-for-good.test');
  t.equal(last.state, 'failed');
  t.equal(last.job.attemptsMade, 5, "every one of JOB_DEFAULTS' attempts");
  t.ok(last.job.finishedOn, 'failed for good: the failed-job handler settles it');
  await giveUpDomainLookup(env.runtime, last.job);
  t.match(await prospectFacts(crawlId), [{ deadUrl: dead, domainFacts: { state: 'unknown', expiresAt: null, registrar: null } }]);
});

t.test('two dead URLs on one domain: one lookup, one request', async (t) => {
  const { crawlId, ran } = await checked(['http://gone-bakery.test/bread', 'http://www.gone-bakery.test/cakes']);
  t.same(ran.map((r) => r.state), ['completed', 'completed']);
  t.match(await queues.domains.getJobCounts('waiting', 'delayed'), { waiting: 1, delayed: 0 }, 'one lookup queued');
  t.equal((await runLookup('gone-bakery.test')).state, 'completed');
  t.equal(rdap.asked('gone-bakery.test'), 1);
  t.equal(await registerDomainLookup(db, 'gone-bakery.test'), null, 'a third dead URL asks for nothing');
  t.match(await prospectFacts(crawlId), [
    { deadUrl: 'http://gone-bakery.test/bread', domainFacts: { state: 'available' } },
    { deadUrl: 'http://www.gone-bakery.test/cakes', domainFacts: { state: 'available' } },
  ]);
});

t.test('facts older than 30 days are asked for again', async (t) => {
  await db.query(`UPDATE domain_facts SET checked_at = now() - interval '31 days' WHERE domain = 'old-tool-shop.test'`);
  const lookup = await registerDomainLookup(db, 'OLD-TOOL-SHOP.test');
  t.same(lookup, { domain: 'old-tool-shop.test', refreshes: 1 }, 'pending again: a job is queued');
  t.same(await domainFactsOfDomain(db, 'old-tool-shop.test'), { state: 'pending', expiresAt: null, registrar: null, checkedAt: null });
  t.equal(await registerDomainLookup(db, 'old-tool-shop.test'), null, 'pending already');
  await queues.enqueueDomainLookup(lookup!);
  t.equal(domainJobId(lookup!), 'domain-old-tool-shop.test-r1', 'a job of its own, whatever became of the first one');
  t.equal((await runLookup('old-tool-shop.test', 1)).state, 'completed');
  t.match(await domainFactsOfDomain(db, 'old-tool-shop.test'), { state: 'registered', registrar: 'Example Registrar, Inc.' });
});

t.test('a check never waits for RDAP; a slow RDAP is cut by the client’s timeouts', async (t) => {
  const started = Date.now();
  const { crawlId, ran } = await checked(['http://slow-seeds.test/tomatoes']);
  t.equal(ran[0]!.state, 'completed');
  t.ok(Date.now() - started < 10_000, 'done before the registry would answer');
  t.equal(rdap.asked('slow-seeds.test'), 0, 'the check itself asked RDAP nothing');
  t.equal(await queues.domains.getJobState(domainJobId({ domain: 'slow-seeds.test' })), 'waiting', 'the lookup is queued');
  t.match(await prospectFacts(crawlId), [{ reason: 'dns_failure', domainFacts: { state: 'pending' } }]);

  // The service's client with tight limits: the lookup is given up after its response timeout, and retried.
  const tight = createHttpClient({ userAgent: config.userAgent, guard, limits: { ...config.http, responseTimeoutMs: 300, requestTimeoutMs: 600 } });
  t.teardown(() => tight.close());
  const lookupStarted = Date.now();
  const impatient = createDomainFactsProcessor({ db, http: tight, config: { rdap: config.rdap } });
  const ran2 = await runner.run('domains', domainJobId({ domain: 'slow-seeds.test' }), impatient);
  t.match(ran2.error?.message, /RDAP lookup failed: timeout/);
  t.equal(ran2.state, 'delayed');
  t.ok(Date.now() - lookupStarted < 5_000, 'bounded by the timeouts, not by the registry');
  t.match(await domainFactsOfDomain(db, 'slow-seeds.test'), { state: 'pending' });
});

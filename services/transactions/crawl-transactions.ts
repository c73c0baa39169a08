// A crawl's transactions: each function here is one PostgreSQL transaction over several repositories,
// the unit in which a step of a crawl is recorded (or not at all). Workers call these; repositories
// never call each other.
import { withTransaction, type Db, type Queryable } from '../store/db.js';
import type { SettledVerdict } from '../crawl/verdict.js';
import { noContacts, type ContactHints } from '../crawl/contacts.js';
import type { CrawlStatus } from '../crawl/settings.js';
import { registrableDomain } from '../crawl/urls.js';
import { crawlEventData, failIfStuck, finishIfDone, freezeCrawlStats } from '../store/crawls.js';
import { batchProspectsFound, createEvent } from '../store/webhook-outbox.js';
import { claimTwinKeys, insertLinks, insertSiteContacts, recordPageResults, type PageResult, type PlannedPage, type StoredLink } from '../store/pages.js';
import { planChildren } from '../store/frontier.js';
import { recordTargetVerdicts, registerTargets, settleFromCache } from '../store/targets.js';
import { createProspects, listProspects, refreshProspectScores } from '../store/prospects.js';
import { resolveUnseen } from '../store/prospect-history.js';
import { runOfCrawl } from '../store/watches.js';
import { saveVerdicts } from '../store/verdicts.js';

/** Dead-link candidates with their registrable domains (the prospect's dead domain). */
const withDomains = (urls: string[]) => urls.map((url) => ({ url, domain: registrableDomain(url) }));

export interface CrawledPage {
  crawlId: string;
  pageId: number;
  result: PageResult;
  links: StoredLink[];
  contacts: ContactHints;
  /** The page's URL when its verdict goes into the shared verdict cache too (it was fetched for this page). */
  cacheVerdictOf?: string;
  /** Whether the crawl follows its links (plans the pages they lead to); false for an off-topic page. Default true. */
  follow?: boolean;
  /** What names the page's content (crawl/twins.ts): a page whose key another page of the crawl holds is its twin. */
  twinKeys?: string[];
}

/** A twin's record: fetched, its links and contacts left to the page it twins. */
const asTwinOf = (page: CrawledPage, pageId: number): CrawledPage => ({
  ...page, links: [], contacts: noContacts(), follow: false, result: { ...page.result, duplicateOf: pageId },
});

/** What a recorded page's job must enqueue after the commit. */
export interface RecordedPage {
  newTargets: { id: number }[];
  /** New targets settled with a fresh cached verdict, which need no check job (see settleFromCache). */
  settledTargets: { url: string; verdict: SettledVerdict }[];
  newPages: PlannedPage[];
}

/** Thrown inside a page batch's transaction: these pages were recorded by another run of their jobs meanwhile. */
class RecordedMeanwhile extends Error {
  constructor(readonly pageIds: Set<number>) {
    super('pages recorded meanwhile by another run of their jobs');
  }
}

/**
 * Stores crawled pages in one transaction (the pages of many jobs at once, see services/batching.ts):
 * their links, their outbound targets, the prospects already due for targets checked earlier, their new
 * frontier pages (planned from their depths under each crawl's planning lock, see planChildren) and
 * their results. New targets with a fresh cached verdict (younger than verdictMaxAgeMs) are settled with
 * it at once. Everything that does not need the lock comes before it, so the crawl's pages wait for
 * each other as little as possible, and a batch takes the lock once. Answers, for each page, what its
 * job must enqueue (each new target and page goes to one of them), or null when the page had already
 * been recorded (a repeated job).
 *
 * Whether a page is still to be recorded is known for sure only under the lock. A page that another run
 * of its job recorded meanwhile (a stalled job taken over while the first run still went on) leaves
 * nothing behind: the transaction is rolled back and run again without it, since its links, targets and
 * twin keys, written before the lock, would otherwise outlive it (targets no job checks, links of a
 * fetch the page's record does not show). That happens only when two runs of a job overlap.
 */
export async function recordCrawledPages(db: Db, pages: CrawledPage[], verdictMaxAgeMs = 0): Promise<(RecordedPage | null)[]> {
  // A page given twice (two runs of its job in one batch) is recorded by the first.
  const seen = new Set<number>();
  const first = pages.map((page) => {
    if (seen.has(page.pageId)) return false;
    seen.add(page.pageId);
    return true;
  });
  let toRecord = pages.filter((_, i) => first[i]);
  for (;;) {
    try {
      const recorded = toRecord.length > 0 ? await withTransaction(db, (tx) => recordPagesOnce(tx, toRecord, verdictMaxAgeMs)) : new Map();
      return pages.map((page, i) => (first[i] ? recorded.get(page) ?? null : null));
    } catch (error) {
      if (!(error instanceof RecordedMeanwhile)) throw error;
      toRecord = toRecord.filter((page) => !error.pageIds.has(page.pageId));
    }
  }
}

/** One try of recordCrawledPages, for distinct pages; throws RecordedMeanwhile (rolling it back) when some were recorded meanwhile. */
async function recordPagesOnce(tx: Queryable, pages: CrawledPage[], verdictMaxAgeMs: number): Promise<Map<CrawledPage, RecordedPage>> {
  const crawlIds = [...new Set(pages.map((page) => page.crawlId))].sort();
  await saveVerdicts(tx, pages.flatMap((page) => (page.cacheVerdictOf && page.result.verdict ? [{ url: page.cacheVerdictOf, verdict: page.result.verdict }] : [])));
  const recorded = new Map<CrawledPage, RecordedPage>();
  // Crawl by crawl in one order, so that two batches never wait for each other's crawl locks in turn.
  for (const crawlId of crawlIds) {
    const given = pages.filter((page) => page.crawlId === crawlId);
    // A page that twins one recorded before is recorded without its links (one page, one prospect per dead link).
    const twins = await claimTwinKeys(tx, crawlId, given.flatMap((page) => (page.twinKeys ? [{ pageId: page.pageId, keys: page.twinKeys }] : [])));
    const ofCrawl = given.map((page) => (twins.has(page.pageId) ? asTwinOf(page, twins.get(page.pageId)!) : page));
    const outbound = ofCrawl.map((page) => page.links.filter((link) => link.outbound).map((link) => link.url));
    await insertLinks(tx, crawlId, ofCrawl);
    await insertSiteContacts(tx, crawlId, ofCrawl.flatMap((page) => (page.result.domain ? [{ domain: page.result.domain, contacts: page.contacts }] : [])));
    const newTargets = await registerTargets(tx, crawlId, outbound.flat());
    // Targets other pages already had checked: these pages' links to the dead ones are prospects now,
    // with each page's domain and final URL as their source (its row says them only once its result is recorded).
    // A target registered just now has no verdict yet, so only the others are looked at.
    const registered = new Set(newTargets.map((target) => target.url));
    await createProspects(tx, crawlId, withDomains([...new Set(outbound.flat())].filter((url) => !registered.has(url))), ofCrawl.map((page) => ({
      pageId: page.pageId, domain: page.result.domain, finalUrl: page.result.finalUrl, relevance: page.result.relevance ?? null,
    })));
    // The pages' rows are first touched under the planning lock, so a planner lowering their depths
    // (which holds that lock) never waits for this transaction while this one waits for the lock.
    const { queued, newPages } = await planChildren(tx, crawlId, ofCrawl.map((page) => ({
      pageId: page.pageId, linkUrls: page.follow === false ? [] : page.links.map((link) => link.url),
    })));
    const late = ofCrawl.filter((page) => !queued.has(page.pageId));
    if (late.length > 0) throw new RecordedMeanwhile(new Set(late.map((page) => page.pageId)));
    await recordPageResults(tx, ofCrawl);
    // New targets known from the cache are settled now, once the pages these links lead to are planned (a
    // URL that is also a page of the crawl waits for its own fetch); the links to the dead ones are prospects.
    const cached = await settleFromCache(tx, newTargets.map((target) => target.id), verdictMaxAgeMs);
    const settled = new Map(cached.map((target) => [target.id, target]));
    await createProspects(tx, crawlId, withDomains(cached.filter((target) => target.verdict.verdict === 'dead').map((target) => target.url)));
    // Each new target goes to the first page that links to it, the new pages to the first page.
    const unclaimed = new Map(newTargets.map((target) => [target.url, target]));
    ofCrawl.forEach((page, i) => {
      const claimed = outbound[i]!.flatMap((url) => {
        const target = unclaimed.get(url);
        unclaimed.delete(url);
        return target ? [target] : [];
      });
      recorded.set(given[i]!, {
        newTargets: claimed.filter((target) => !settled.has(target.id)).map(({ id }) => ({ id })),
        settledTargets: claimed.flatMap((target) => (settled.has(target.id) ? [{ url: target.url, verdict: settled.get(target.id)!.verdict }] : [])),
        newPages: i === 0 ? newPages : [],
      });
    });
  }
  return recorded;
}

/** Stores one crawled page (see recordCrawledPages); null for a repeated job. */
export async function recordCrawledPage(db: Db, page: CrawledPage): Promise<RecordedPage | null> {
  return (await recordCrawledPages(db, [page]))[0]!;
}

export interface CheckedTarget {
  target: { id: number; crawlId: string; url: string };
  verdict: SettledVerdict;
  /** The verdict goes into the shared verdict cache too (it was fetched for this check). */
  cache?: boolean;
}

/**
 * Stores targets' verdicts and, for those that are dead, their crawls' prospects, in one transaction
 * (the checks of many jobs at once, see services/batching.ts); verdicts fetched for these checks go into
 * the shared cache in it too. Answers, for each, false when it was already checked (a repeated job).
 */
export function recordCheckedTargets(db: Db, checked: CheckedTarget[]): Promise<boolean[]> {
  return withTransaction(db, async (tx) => {
    await saveVerdicts(tx, checked.filter((c) => c.cache).map((c) => ({ url: c.target.url, verdict: c.verdict })));
    const recorded = await recordTargetVerdicts(tx, checked.map((c) => ({ ...c.target, verdict: c.verdict })));
    const deadByCrawl = new Map<string, string[]>();
    for (const { target, verdict } of checked) {
      if (recorded.has(target.id) && verdict.verdict === 'dead') deadByCrawl.set(target.crawlId, [...(deadByCrawl.get(target.crawlId) ?? []), target.url]);
    }
    for (const [crawlId, urls] of deadByCrawl) await createProspects(tx, crawlId, withDomains(urls));
    return checked.map((c) => recorded.has(c.target.id));
  });
}

/** Stores one target's verdict (see recordCheckedTargets). */
export async function recordCheckedTarget(db: Db, target: CheckedTarget['target'], verdict: SettledVerdict, options: { cache?: boolean } = {}): Promise<boolean> {
  return (await recordCheckedTargets(db, [{ target, verdict, cache: options.cache }]))[0]!;
}

/**
 * Ends the crawl if nothing of it is pending (exactly once, see finishIfDone), scores its prospects on
 * the final link graph, announces every prospect not yet announced and then crawl.completed (or
 * crawl.failed), all in one transaction: the crawl cannot end without its events. Returns the final
 * status (when this call ended the crawl) and the webhook deliveries to enqueue.
 */
export async function finishCrawlIfDone(
  db: Db,
  crawlId: string,
  webhookBatchSize: number,
): Promise<{ status: CrawlStatus; deliveries: number[] } | null> {
  return withTransaction(db, async (tx) => {
    const status = await finishIfDone(tx, crawlId);
    if (!status) return null;
    const deliveries: number[] = [];
    if (status === 'completed') {
      await refreshProspectScores(tx, crawlId);
      deliveries.push(...(await announceResolved(tx, crawlId)));
    }
    // Nothing of it is pending: its counts are final, kept from now on (and carried by its last event).
    await freezeCrawlStats(tx, crawlId);
    deliveries.push(...(await announceEnd(tx, crawlId, status, webhookBatchSize)));
    return { status, deliveries };
  });
}

/**
 * Resolves the prospects the crawl saw again without their dead link (see resolveUnseen), each
 * announced by a prospect.resolved event with its record.
 */
async function announceResolved(tx: Queryable, crawlId: string): Promise<number[]> {
  const resolved = await resolveUnseen(tx, crawlId);
  if (resolved.length === 0) return [];
  const { accountId } = await crawlEventData(tx, crawlId);
  const prospects = await listProspects(tx, accountId, {
    filter: { prospectIds: resolved.map((r) => Number(r.id)) }, sort: 'firstSeen', limit: resolved.length,
  });
  const deliveries: number[] = [];
  for (const prospect of prospects) {
    deliveries.push(...(await createEvent(tx, { accountId, type: 'prospect.resolved', crawlId, data: { crawlId, prospect } })));
  }
  return deliveries;
}

/**
 * Fails a crawl that made no progress for `idleMs` although work is pending (what is still pending goes
 * into its error), with its remaining prospects and crawl.failed announced in the same transaction.
 * Returns the deliveries to enqueue, or null when the crawl had ended or moved meanwhile.
 */
export async function failStuckCrawl(db: Db, crawlId: string, idleMs: number, webhookBatchSize: number): Promise<number[] | null> {
  return withTransaction(db, async (tx) => {
    if (!(await failIfStuck(tx, crawlId, idleMs))) return null;
    return announceEnd(tx, crawlId, 'failed', webhookBatchSize);
  });
}

/** Every prospect not yet announced, then the crawl's last word; inside the transaction that ended it. */
async function announceEnd(tx: Queryable, crawlId: string, status: CrawlStatus, webhookBatchSize: number): Promise<number[]> {
  const deliveries: number[] = [];
  for (;;) {
    const batch = await batchProspectsFound(tx, crawlId, { batchSize: webhookBatchSize, intervalMs: 0, force: true });
    if (!batch) break;
    deliveries.push(...batch);
  }
  const crawl = await crawlEventData(tx, crawlId);
  deliveries.push(...(await createEvent(tx, {
    accountId: crawl.accountId, type: status === 'completed' ? 'crawl.completed' : 'crawl.failed', crawlId, data: crawl.data,
  })));
  const run = await runOfCrawl(tx, crawlId);
  if (run) {
    deliveries.push(...(await createEvent(tx, {
      accountId: run.accountId, type: 'watch.run.completed', crawlId,
      data: { watchId: run.watchId, watchName: run.watchName, runId: run.id, slotAt: run.slotAt, crawlId, status, counts: run.counts },
    })));
  }
  return deliveries;
}

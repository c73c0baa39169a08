// A crawl's transactions: each function here is one PostgreSQL transaction over several repositories,
// the unit in which a step of a crawl is recorded (or not at all). Workers call these; repositories
// never call each other.
import { withTransaction, type Db, type Queryable } from '../store/db.js';
import type { SettledVerdict } from '../crawl/verdict.js';
import type { ContactHints } from '../crawl/contacts.js';
import type { CrawlStatus } from '../crawl/settings.js';
import { registrableDomain } from '../crawl/urls.js';
import { crawlEventData, failIfStuck, finishIfDone } from '../store/crawls.js';
import { batchProspectsFound, createEvent } from '../store/webhook-outbox.js';
import { insertLinks, insertSiteContacts, recordPageResult, type PageResult, type PlannedPage, type StoredLink } from '../store/pages.js';
import { planChildren } from '../store/frontier.js';
import { recordTargetVerdicts, registerTargets } from '../store/targets.js';
import { createProspects, refreshProspectScores } from '../store/prospects.js';
import { saveVerdict, saveVerdicts } from '../store/verdicts.js';

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
}

/**
 * Stores a crawled page in one transaction: its links, its outbound targets, the prospects already due
 * for targets checked earlier, its new frontier pages (planned from its depth under the crawl's planning
 * lock, see planChildren) and its result. Everything that does not need the lock comes before it, so the
 * crawl's pages wait for each other as little as possible. Returns what must be enqueued, or null when
 * the page had already been recorded (a repeated job).
 */
export function recordCrawledPage(
  db: Db,
  page: CrawledPage,
): Promise<{ newTargets: { id: number }[]; newPages: PlannedPage[] } | null> {
  const outboundUrls = page.links.filter((link) => link.outbound).map((link) => link.url);
  return withTransaction(db, async (tx) => {
    if (page.cacheVerdictOf && page.result.verdict) await saveVerdict(tx, page.cacheVerdictOf, page.result.verdict);
    await insertLinks(tx, page.crawlId, page.pageId, page.links);
    if (page.result.domain) await insertSiteContacts(tx, page.crawlId, page.result.domain, page.contacts);
    const newTargets = await registerTargets(tx, page.crawlId, outboundUrls);
    // Targets another page already had checked: this page's links to the dead ones are prospects now,
    // with this page's domain as their source domain (its row says it only once its result is recorded).
    await createProspects(tx, page.crawlId, withDomains(outboundUrls), { pageId: page.pageId, domain: page.result.domain });
    // The page's row is first touched under the planning lock, so a planner lowering its depth (which
    // holds that lock) never waits for this transaction while this one waits for the lock.
    const newPages = await planChildren(tx, page.crawlId, page.pageId, page.links.map((link) => link.url));
    if (!newPages || !(await recordPageResult(tx, page.pageId, page.result))) return null;
    return { newTargets, newPages };
  });
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
    if (status === 'completed') await refreshProspectScores(tx, crawlId);
    return { status, deliveries: await announceEnd(tx, crawlId, status, webhookBatchSize) };
  });
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
  return deliveries;
}

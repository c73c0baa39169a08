import type { Db } from './db.js';
import { withTransaction } from './db.js';
import type { SettledVerdict } from '../crawl/verdict.js';
import type { ContactHints } from '../crawl/contacts.js';
import { crawlEventData, finishIfDone, type CrawlStatus } from './crawls.js';
import { batchProspectsFound, createEvent } from './webhook-outbox.js';
import {
  insertLinks, insertSiteContacts, planPages, recordPageResult, type PageResult, type PlannedPage, type StoredLink,
} from './pages.js';
import { materializeProspects, recordTargetVerdict, refreshProspectScores, registerTargets } from './targets.js';

export interface CrawledPage {
  crawlId: string;
  pageId: number;
  result: PageResult;
  links: StoredLink[];
  contacts: ContactHints;
  children: { url: string; depth: number }[];
}

/**
 * Stores a crawled page in one transaction: its result, its links, its outbound targets (with the
 * prospects already due for targets checked earlier) and its new frontier pages. Returns what must be
 * enqueued, or null when the page had already been recorded (a repeated job).
 */
export function recordCrawledPage(
  db: Db,
  page: CrawledPage,
): Promise<{ newTargets: { id: number }[]; newPages: PlannedPage[] } | null> {
  const outboundUrls = page.links.filter((link) => link.outbound).map((link) => link.url);
  return withTransaction(db, async (tx) => {
    if (!(await recordPageResult(tx, page.pageId, page.result))) return null;
    await insertLinks(tx, page.crawlId, page.pageId, page.links);
    if (page.result.finalUrl) await insertSiteContacts(tx, page.crawlId, page.result.finalUrl, page.contacts);
    const newTargets = await registerTargets(tx, page.crawlId, outboundUrls);
    // Targets another page already had checked: this page's links to the dead ones are prospects now.
    await materializeProspects(tx, page.crawlId, outboundUrls);
    const newPages = await planPages(tx, page.crawlId, page.children);
    return { newTargets, newPages };
  });
}

/** Stores a target's verdict and, when it is dead, the crawl's prospects for it. False for a repeated job. */
export function recordCheckedTarget(db: Db, target: { id: number; crawlId: string; url: string }, verdict: SettledVerdict): Promise<boolean> {
  return withTransaction(db, async (tx) => {
    if (!(await recordTargetVerdict(tx, target.id, verdict))) return false;
    await materializeProspects(tx, target.crawlId, [target.url]);
    return true;
  });
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
    return { status, deliveries };
  });
}

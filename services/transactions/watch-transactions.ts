// A watch's transactions: the start of a run, recorded with its crawl (or the slot's skip) in one
// PostgreSQL transaction.
import { withTransaction, type Db } from '../store/db.js';
import { insertCrawl } from '../store/crawls.js';
import { planPages } from '../store/frontier.js';
import type { PlannedPage } from '../store/pages.js';
import { claimSlot, recordRun, sourcesToRevisit } from '../store/watches.js';
import { makeWatchLinksDue } from '../store/link-checks.js';

export type RunStart = { crawlId: string; pages: PlannedPage[] } | { skipped: true } | null;

/**
 * Starts the run of a watch's slot: a crawl with the watch's settings, planned from its seeds and from
 * the source pages of the open prospects its runs saw (at the crawl's last depth, so they are read and
 * their links checked, but no crawl fans out from them), and its won links due for a check. A slot
 * whose previous run is still going is recorded as skipped; a slot taken already (its job ran twice),
 * or of a watch paused or deleted, starts nothing (null). The caller enqueues the pages after commit.
 */
export function startWatchRun(db: Db, watchId: string, slotAt: Date): Promise<RunStart> {
  return withTransaction(db, async (tx) => {
    const claim = await claimSlot(tx, watchId, slotAt);
    if (!claim) return null;
    if (claim.skipped) return { skipped: true };
    const { watch } = claim;
    const crawlId = await insertCrawl(tx, watch.accountId, watch.settings, watch.id);
    const seeds = new Set(watch.settings.seeds);
    const revisits = (await sourcesToRevisit(tx, watch.id)).filter((url) => !seeds.has(url));
    const depth = watch.settings.maxDepth ?? 0;
    const pages = await planPages(tx, crawlId, [
      ...watch.settings.seeds.map((url) => ({ url, depth: 0 })),
      ...revisits.map((url) => ({ url, depth })),
    ]);
    await recordRun(tx, watch.id, slotAt, crawlId);
    await makeWatchLinksDue(tx, watch.id);
    return { crawlId, pages };
  });
}

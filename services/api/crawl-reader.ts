import type { Db } from '../store/db.js';
import { findCrawl, findCrawlRecord, type Crawl, type CrawlStats } from '../store/crawls.js';
import type { CrawlStatus } from '../crawl/settings.js';
import { batchedLookup } from '../batching.js';

// Counting a crawl's stats passes over its pages, links and targets: 130 ms of PostgreSQL for a
// 10,000-page crawl, and more as crawls grow. Clients poll a running crawl's status, often many at once,
// so its counts are read at most once per STATS_MAX_AGE_MS per process and shared in between.
export const STATS_MAX_AGE_MS = 1_000;
// Crawls whose counts are kept; the oldest entry goes first.
const MAX_ENTRIES = 1_000;

interface Counted {
  stats: CrawlStats;
  /** The crawl's status when the stats were counted: a change of status is always shown with fresh counts. */
  status: CrawlStatus;
  at: number;
}

/**
 * Reads one account's crawl for the client API. The crawl itself (status, error, times) is always read
 * fresh; its stats are counted again when they are older than maxAgeMs or the status has changed since,
 * so a crawl that has just ended shows its final counts. The reads of the moment go together
 * (services/batching.ts): fifty clients polling one crawl cost one query per round trip, not fifty, and
 * each answer is read after its request came in.
 */
export function createCrawlReader(db: Db, maxAgeMs = STATS_MAX_AGE_MS): (accountId: string, crawlId: string) => Promise<Crawl | null> {
  const counted = new Map<string, Counted>();

  async function read(accountId: string, crawlId: string): Promise<Crawl | null> {
    const earlier = counted.get(crawlId);
    if (earlier && performance.now() - earlier.at < maxAgeMs) {
      const record = await findCrawlRecord(db, { accountId }, crawlId);
      if (!record || record.status === earlier.status) return record && { ...record, stats: earlier.stats };
    }
    // The counts are as old as the moment their query began.
    const at = performance.now();
    const crawl = await findCrawl(db, { accountId }, crawlId);
    if (crawl) {
      counted.delete(crawlId);
      counted.set(crawlId, { stats: crawl.stats, status: crawl.status, at });
      if (counted.size > MAX_ENTRIES) counted.delete(counted.keys().next().value!);
    }
    return crawl;
  }

  const lookup = batchedLookup(async (keys: string[]) => {
    const found = new Map<string, Crawl>();
    await Promise.all(keys.map(async (key) => {
      const [accountId, crawlId] = key.split(' ') as [string, string];
      const crawl = await read(accountId, crawlId);
      if (crawl) found.set(key, crawl);
    }));
    return found;
  });
  return (accountId, crawlId) => lookup(`${accountId} ${crawlId}`);
}

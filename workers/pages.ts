import type { Job } from 'bullmq';
import type { Runtime } from '../services/runtime.js';
import type { Config } from '../services/config.js';
import type { PageJob } from '../services/queues.js';
import { ParseAbortedError, type ParsePool } from '../services/crawl/parse-pool.js';
import { looksBinary } from '../services/crawl/html-summary.js';
import { registrableDomain } from '../services/crawl/urls.js';
import { isFollowed } from '../services/crawl/vocabulary.js';
import { twinKeys } from '../services/crawl/twins.js';
import { attemptPage } from '../services/crawl/check-url.js';
import { recordCrawledPages, type CrawledPage } from '../services/transactions/crawl-transactions.js';
import { addSeedToProfile, markRunning, nicheProfileOf } from '../services/store/crawls.js';
import { pagesForWork, recordPageResult, type PageResult, type PageWork, type PlannedPage } from '../services/store/pages.js';
import { linkRelevance, relevance, type NicheProfile, type PageTerms } from '../services/crawl/relevance.js';
import type { ExtractedLink } from '../services/crawl/extract.js';
import { batched, batchedLookup } from '../services/batching.js';
import { saveVerdict } from '../services/store/verdicts.js';
import { createFinisher, type FinishDeps } from './finish-crawl.js';
import { politenessOf, politeAttempt, type PoliteDeps } from './polite-attempt.js';
import { lookUpDeadLink } from './dead-link-lookups.js';

/** What crawling a page needs (besides the parse pool). */
export type PageDeps = PoliteDeps & FinishDeps & Pick<Runtime, 'http' | 'robots'> & {
  config: Pick<Config, 'retry' | 'politeness' | 'webhooks' | 'verdictMaxAgeMs' | 'archive'>;
};

/** Crawls whose niche profiles a process keeps at once. */
const MAX_CACHED_PROFILES = 100;

const domainOf = (url: string | null) => (url ? registrableDomain(url) : null);

// A new page of a steered crawl waits in line as if planned up to this many pages later, the less its
// link looks like the niche (see steer).
const RELEVANCE_SPREAD = 1_000;

/**
 * A steered crawl's best-first order. A page's links, most relevant to the niche first (a stable sort:
 * ties keep the page's order), so that the budget goes to the likeliest ones; and the place in line of
 * each page they lead to, from the linking page's relevance and the link's own (anchor text and URL
 * words): on the niche, its place as planned; off it, up to RELEVANCE_SPREAD places later. Jobs are
 * served by their place (queues.ts fairPriority), so crawls stay fair to each other.
 */
function steer(profile: NicheProfile, pageRelevance: number, links: ExtractedLink[]) {
  const fits = new Map(links.map((link) => [link.url, (pageRelevance + linkRelevance(profile, link)) / 2]));
  return {
    links: [...links].sort((a, b) => fits.get(b.url)! - fits.get(a.url)!),
    place: (page: PlannedPage): PlannedPage => ({ ...page, ordinal: page.ordinal + Math.round((1 - (fits.get(page.url) ?? 1)) * RELEVANCE_SPREAD) }),
  };
}

/**
 * Crawls one page: robots.txt, a polite fetch (retried later on transient trouble), extraction in a
 * worker thread, then one transaction storing the page, its links, its outbound targets and new frontier
 * pages; their jobs are enqueued after commit. The fetch's verdict is kept with the page, so a link check
 * of the same URL need not fetch it again. Safe to run twice.
 */
export function createPageProcessor(runtime: PageDeps, parser: ParsePool) {
  const { db, http, queues, robots } = runtime;
  // The hot statements of concurrent page jobs go together (see services/batching.ts).
  const workOf = batchedLookup((pageIds: number[]) => pagesForWork(db, pageIds, runtime.config.verdictMaxAgeMs));
  const record = batched((pages: CrawledPage[]) => recordCrawledPages(db, pages, runtime.config.verdictMaxAgeMs));
  const finishCrawl = createFinisher(runtime);

  // Each crawl's niche profile, read again only when a seed page went into it since (and kept as one
  // object, which relevance() keeps its own figures of).
  const profileCache = new Map<string, { seeds: number; profile: Promise<NicheProfile | null> }>();
  const profiles = (crawlId: string, seeds: number) => {
    const known = profileCache.get(crawlId);
    if (known?.seeds === seeds) return known.profile;
    const profile = nicheProfileOf(db, crawlId);
    profileCache.set(crawlId, { seeds, profile });
    if (profileCache.size > MAX_CACHED_PROFILES) profileCache.delete(profileCache.keys().next().value!);
    profile.catch(() => profileCache.delete(crawlId));
    return profile;
  };

  /**
   * The page's fit to its crawl's niche, and whether its links are followed: a seed's words go into the
   * niche's profile first; an outward crawl follows only pages at least minRelevance relevant (seeds
   * always). A page without words to read (the linear scan) or a crawl with no profile yet is followed.
   */
  async function nicheFit(page: PageWork, terms: PageTerms | null): Promise<{ relevance: number | null; follow: boolean; profile: NicheProfile | null }> {
    if (!terms) return { relevance: null, follow: true, profile: null };
    const seeded = page.depth === 0 && !page.crawl.profilePages.map(Number).includes(page.id);
    const profile = seeded ? await addSeedToProfile(db, page.crawlId, page.id, terms) : await profiles(page.crawlId, page.crawl.profilePages.length);
    if (!profile) return { relevance: null, follow: true, profile: null };
    const fit = relevance(profile, terms);
    const { minRelevance, scope } = page.crawl;
    return { relevance: fit, follow: page.depth === 0 || scope === 'site' || minRelevance === null || fit >= minRelevance, profile };
  }

  return async function processPage(job: Job<PageJob>, token?: string): Promise<void> {
    const page = await workOf(job.data.pageId);
    if (!page || page.state !== 'queued') return;
    if (page.crawl.status !== 'queued' && page.crawl.status !== 'running') return;
    const log = runtime.logger.child({ crawlId: page.crawlId, jobId: job.id, url: page.url });
    if (page.crawl.status === 'queued') await markRunning(db, page.crawlId);

    const settle = async (result: Omit<PageResult, 'domain'>) => {
      await recordPageResult(db, page.id, { ...result, domain: domainOf(result.finalUrl) });
      runtime.metrics.count('pages', { outcome: result.state });
      await finishCrawl(page.crawlId);
    };

    // A URL already known not to be alive has nothing to crawl: no request at all.
    const { cached: known } = page;
    if (known && known.verdict !== 'alive') {
      const { finalUrl, httpStatus } = known;
      return settle({ state: 'failed', finalUrl, httpStatus, title: null, outcome: known.reason ?? known.verdict, verdict: known });
    }

    const settled = await politeAttempt(runtime, job, token, page.url, politenessOf(runtime, { crawlId: page.crawlId, ...page.crawl }), async (pace) => {
      if (page.crawl.respectRobots && !(await robots.isAllowed(page.url, pace))) return null;
      return attemptPage(http, page.url, pace);
    });
    if (!settled) {
      log.debug('disallowed by robots.txt');
      return settle({ state: 'skipped', finalUrl: null, httpStatus: null, title: null, outcome: 'robots_disallowed', verdict: null });
    }
    const { verdict, result } = settled;
    const fetched = { finalUrl: verdict.finalUrl, httpStatus: verdict.httpStatus, title: null, verdict };
    const settleFetched = async (outcome: Omit<PageResult, 'domain'>) => {
      await saveVerdict(db, page.url, verdict);
      return settle(outcome);
    };
    if (verdict.verdict !== 'alive' || !result.ok) {
      return settleFetched({ state: 'failed', ...fetched, outcome: verdict.reason ?? verdict.verdict });
    }
    if (result.body === null) return settleFetched({ state: 'skipped', ...fetched, outcome: 'not_html' });
    if (looksBinary(result.body)) return settleFetched({ state: 'skipped', ...fetched, outcome: 'binary_body' });

    let extracted;
    try {
      extracted = await parser.parse(result.body, result.finalUrl);
    } catch (error) {
      if (!(error instanceof ParseAbortedError)) throw error;
      log.warn({ reason: error.code }, 'parse given up');
      return settleFetched({ state: 'failed', ...fetched, outcome: error.code });
    }
    const niche = await nicheFit(page, extracted.terms ?? null);
    const steered = niche.profile && niche.relevance !== null && page.crawl.scope === 'outward' && page.crawl.minRelevance !== null
      ? steer(niche.profile, niche.relevance, extracted.links) : null;
    // A link is outbound when its registrable domain differs from its page's (as isOutbound says, with the page's read once).
    const pageDomain = registrableDomain(result.finalUrl);
    const links = (steered?.links ?? extracted.links).map((link) => ({ ...link, outbound: registrableDomain(link.url) !== pageDomain, followed: isFollowed(link.rel) }));
    const planned = await record({
      crawlId: page.crawlId,
      pageId: page.id,
      result: {
        state: 'crawled', ...fetched, title: extracted.title, outcome: result.truncated ? 'truncated' : extracted.fallback ?? null,
        description: extracted.description, lang: extracted.lang, domain: pageDomain, relevance: niche.relevance,
      },
      links,
      follow: niche.follow,
      contacts: extracted.contacts,
      twinKeys: twinKeys(result.finalUrl, extracted.canonical, extracted.digest),
      cacheVerdictOf: page.url,
    });
    if (planned) {
      runtime.metrics.count('pages', { outcome: 'crawled' });
      await queues.enqueueChecks(page.crawlId, planned.newTargets, job.opts.priority);
      await queues.enqueuePages(steered ? planned.newPages.map(steered.place) : planned.newPages);
      // Targets settled from the verdict cache on registration: counted and looked up as their checks would be.
      for (const { url, verdict } of planned.settledTargets) {
        runtime.metrics.count('checks', { verdict: verdict.verdict, reason: verdict.reason ?? '' });
        await lookUpDeadLink(runtime, url, verdict);
      }
      log.debug({ links: links.length, targets: planned.newTargets.length, cached: planned.settledTargets.length, pages: planned.newPages.length }, 'page crawled');
    }
    await finishCrawl(page.crawlId);
  };
}

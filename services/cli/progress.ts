import { bar } from './format.js';

/** What `blb crawl` reads of a crawl (GET /v1/crawls/{id}). */
export interface Crawl {
  id: string;
  status: string;
  maxPages: number;
  error: string | null;
  stats: {
    pagesCrawled: number;
    pagesFailed: number;
    linksChecked: number;
    deadLinks: number;
    prospects: number;
    /** Pages planned and not yet fetched, and outbound URLs waiting for their check, when the service says. */
    pagesQueued?: number;
    linksQueued?: number;
  };
}

/**
 * How far a crawl is, from 0 to 1: the requests it made (pages fetched or failed, outbound URLs checked)
 * of the requests it knows of (those and the ones still queued), so that a crawl that ends before its
 * page budget still fills the bar. A completed crawl is 1. When the service does not say what is queued,
 * the page budget (maxPages) is the only bound there is.
 */
export function crawlProgress(crawl: Crawl): number {
  if (crawl.status === 'completed') return 1;
  const { pagesCrawled, pagesFailed, linksChecked, pagesQueued, linksQueued } = crawl.stats;
  const pagesDone = pagesCrawled + pagesFailed;
  if (pagesQueued === undefined || linksQueued === undefined) return Math.min(1, pagesDone / Math.max(1, crawl.maxPages));
  // Pages past the budget are never fetched: what is queued counts only up to maxPages.
  const pagesKnown = Math.min(crawl.maxPages, pagesDone + pagesQueued);
  const known = Math.max(pagesDone, pagesKnown) + linksChecked + linksQueued;
  return known > 0 ? Math.min(1, (pagesDone + linksChecked) / known) : 0;
}

/**
 * The progress line of a crawl being followed. The bar never goes back (more work found slows it
 * instead), given the fraction shown before.
 */
export function progressLine(crawl: Crawl, shownBefore: number, secondsRunning: number): { line: string; shown: number } {
  const shown = Math.max(shownBefore, crawlProgress(crawl));
  const { pagesCrawled, linksChecked, deadLinks } = crawl.stats;
  const rate = (pagesCrawled / Math.max(1, secondsRunning)).toFixed(1);
  return { line: `${bar(shown, 1)} pages ${pagesCrawled}  links checked ${linksChecked}  dead ${deadLinks}  ${rate} pages/s`, shown };
}

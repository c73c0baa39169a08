import type { Job } from 'bullmq';
import type { Runtime } from '../services/runtime.js';
import type { PageJob } from '../services/queues.js';
import { extractPage } from '../services/crawl/extract.js';
import { childPages } from '../services/crawl/scope.js';
import { isOutbound } from '../services/crawl/urls.js';
import { verdictOf } from '../services/crawl/verdict.js';
import { withTransaction } from '../services/store/db.js';
import { finishIfDone, markRunning } from '../services/store/crawls.js';
import { insertLinks, pageForWork, planPages, recordPageResult, type PageResult } from '../services/store/pages.js';
import { materializeProspects, registerTargets } from '../services/store/targets.js';

const HTML_ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1';
const isHtml = (contentType: string) => contentType.includes('text/html') || contentType.includes('xhtml');

/**
 * Crawls one page: robots.txt, fetch, extract, then in one transaction stores the page, its links, its
 * outbound targets and new frontier pages; enqueues their jobs after commit. Safe to run twice.
 */
export function createPageProcessor(runtime: Runtime) {
  const { db, http, queues, robots } = runtime;

  return async function processPage(job: Job<PageJob>): Promise<void> {
    const page = await pageForWork(db, job.data.pageId);
    if (!page || page.state !== 'queued') return;
    if (page.crawl.status !== 'queued' && page.crawl.status !== 'running') return;
    const log = runtime.logger.child({ crawlId: page.crawlId, jobId: job.id, url: page.url });
    await markRunning(db, page.crawlId);

    const settle = async (result: PageResult) => {
      await recordPageResult(db, page.id, result);
      await finishIfDone(db, page.crawlId);
    };

    if (page.crawl.respectRobots && !(await robots.isAllowed(page.url))) {
      log.debug('disallowed by robots.txt');
      return settle({ state: 'skipped', finalUrl: null, httpStatus: null, title: null, outcome: 'robots_disallowed' });
    }

    const fetched = await http.fetch({ url: page.url, readBody: isHtml, accept: HTML_ACCEPT });
    if (!fetched.ok || fetched.status < 200 || fetched.status >= 300) {
      const verdict = verdictOf(fetched);
      return settle({
        state: 'failed',
        finalUrl: verdict.finalUrl,
        httpStatus: verdict.httpStatus,
        title: null,
        outcome: verdict.reason ?? 'failed',
      });
    }
    if (fetched.body === null) {
      return settle({ state: 'skipped', finalUrl: fetched.finalUrl, httpStatus: fetched.status, title: null, outcome: 'not_html' });
    }

    const extracted = extractPage(fetched.body, fetched.finalUrl);
    const links = extracted.links.map((link) => ({ ...link, outbound: isOutbound(fetched.finalUrl, link.url) }));
    const outboundUrls = links.filter((link) => link.outbound).map((link) => link.url);
    const children = childPages(page.crawl, page.depth, links.map((link) => link.url));

    const planned = await withTransaction(db, async (tx) => {
      const recorded = await recordPageResult(tx, page.id, {
        state: 'crawled',
        finalUrl: fetched.finalUrl,
        httpStatus: fetched.status,
        title: extracted.title,
        outcome: fetched.truncated ? 'truncated' : null,
      });
      if (!recorded) return null;
      await insertLinks(tx, page.crawlId, page.id, links);
      const newTargets = await registerTargets(tx, page.crawlId, outboundUrls);
      // Targets another page already had checked: this page's links to the dead ones are prospects now.
      await materializeProspects(tx, page.crawlId, outboundUrls);
      const newPages = await planPages(tx, page.crawlId, children);
      return { newTargets, newPages };
    });
    if (planned) {
      await queues.enqueueChecks(page.crawlId, planned.newTargets);
      await queues.enqueuePages(planned.newPages);
      log.debug({ links: links.length, targets: planned.newTargets.length, pages: planned.newPages.length }, 'page crawled');
    }
    await finishIfDone(db, page.crawlId);
  };
}

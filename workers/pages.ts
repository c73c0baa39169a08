import type { Job } from 'bullmq';
import type { Runtime } from '../services/runtime.js';
import type { PageJob } from '../services/queues.js';
import { extractPage } from '../services/crawl/extract.js';
import { childPages } from '../services/crawl/scope.js';
import { isOutbound } from '../services/crawl/urls.js';
import { verdictOf } from '../services/crawl/verdict.js';
import { recordCrawledPage } from '../services/store/crawl-progress.js';
import { finishIfDone, markRunning } from '../services/store/crawls.js';
import { pageForWork, recordPageResult, type PageResult } from '../services/store/pages.js';

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

    const planned = await recordCrawledPage(db, {
      crawlId: page.crawlId,
      pageId: page.id,
      result: {
        state: 'crawled',
        finalUrl: fetched.finalUrl,
        httpStatus: fetched.status,
        title: extracted.title,
        outcome: fetched.truncated ? 'truncated' : null,
      },
      links,
      children: childPages(page.crawl, page.depth, links.map((link) => link.url)),
    });
    if (planned) {
      await queues.enqueueChecks(page.crawlId, planned.newTargets);
      await queues.enqueuePages(planned.newPages);
      log.debug({ links: links.length, targets: planned.newTargets.length, pages: planned.newPages.length }, 'page crawled');
    }
    await finishIfDone(db, page.crawlId);
  };
}

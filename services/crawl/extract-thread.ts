// Runs in the parse pool's threads (piscina calls the default export once per task): extractPage, or for
// a page whose full read was given up scanPage, off the main thread so that a pathological page cannot
// stall the event loop every job of the process shares; the pool terminates this thread when a parse
// overruns its time or heap.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { extractPage, type ExtractedPage } from './extract.js';
import { scanPage } from './scan-page.js';
import { pageTerms } from './relevance.js';

export interface ParseTask {
  /** The pool's number for this attempt, echoed in the ParseStarted message. */
  id: number;
  html: string;
  url: string;
  /** Read with the linear scan: the full read of this page was given up. */
  linear: boolean;
}

/** Sent when a task begins, so that the pool's time limit counts the parse and not the wait for it. */
export interface ParseStarted {
  parseStarted: number;
}

export default function parse({ id, html, url, linear }: ParseTask): ExtractedPage {
  // Posted only once this module is loaded and the task is running here: a thread's start-up (130 ms or
  // more, seconds on a busy machine or through a TypeScript loader) and the task's time in the queue do not count.
  parentPort!.postMessage({ parseStarted: id } satisfies ParseStarted);
  // The digest that finds the page's twins is taken here too, off the main thread.
  const digest = createHash('sha256').update(html).digest('base64url');
  if (linear) return { ...scanPage(html, url), terms: null, digest };
  // The page's words for its relevance are read here too (stemming is CPU work); its text stays here.
  const { content, ...page } = extractPage(html, url);
  const terms = content ? pageTerms({ title: page.title, headings: content.headings, text: content.text, declaredLang: page.lang }) : null;
  return { ...page, terms, digest };
}

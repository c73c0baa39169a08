// Runs extractPage (or, for a page whose DOM parse was given up, scanPage) in a worker thread so a
// pathological page cannot stall the worker's event loop; the pool terminates this thread when a parse
// overruns its time.
import { parentPort } from 'node:worker_threads';
import { extractPage } from './extract.js';
import { scanPage } from './scan-page.js';

parentPort!.on('message', ({ id, html, url, linear }: { id: number; html: string; url: string; linear: boolean }) => {
  try {
    parentPort!.postMessage({ id, page: linear ? scanPage(html, url) : extractPage(html, url) });
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message ?? String(error) });
  }
});

// Modules are loaded: the pool may send work (its time limit must not count the thread's start-up).
parentPort!.postMessage({ ready: true });

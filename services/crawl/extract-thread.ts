// Runs extractPage in a worker thread so a pathological page cannot stall the worker's event loop;
// the pool terminates this thread when a parse overruns its time.
import { parentPort } from 'node:worker_threads';
import { extractPage } from './extract.js';

parentPort!.on('message', ({ id, html, url }: { id: number; html: string; url: string }) => {
  try {
    parentPort!.postMessage({ id, page: extractPage(html, url) });
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message ?? String(error) });
  }
});

// Modules are loaded: the pool may send work (its time limit must not count the thread's start-up).
parentPort!.postMessage({ ready: true });

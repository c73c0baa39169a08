import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ExtractedPage } from './extract.js';

/** A parse given up because it overran its time or its memory; `code` says which. */
export class ParseAbortedError extends Error {
  constructor(
    readonly code: 'parse_timeout' | 'parse_memory',
    message: string,
  ) {
    super(message);
  }
}

// A thread's V8 heap: plenty for a capped page, and a hard stop for pathological ones.
const THREAD_HEAP_MB = 192;

export interface ParsePool {
  /**
   * Extracts a page in a worker thread. When building its DOM overruns time or memory, the page is read
   * again by the linear scan (scanPage), in a thread and under the same time limit, and resolves with
   * `fallback` set to why; rejects with that ParseAbortedError only when the scan fails too.
   */
  parse(html: string, url: string): Promise<ExtractedPage>;
  close(): Promise<void>;
}

interface Task {
  id: number;
  html: string;
  url: string;
  resolve(page: ExtractedPage): void;
  reject(error: Error): void;
  /** Set on the linear re-read of a page whose DOM parse was given up: why it was. */
  givenUp?: ParseAbortedError;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task: Task | null;
  timer?: NodeJS.Timeout;
}

// Same extension as this module: .ts under the test runner, .js from dist/.
const THREAD_URL = new URL(`./extract-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
// Threads get the process's module-loading flags (a TypeScript loader under the test runner) and no
// others: V8 flags such as --expose-gc are refused in a worker's execArgv.
const THREAD_EXEC_ARGV = process.execArgv.filter((arg) =>
  /^--(?:import|loader|experimental-loader|require|conditions|enable-source-maps)\b/.test(arg),
);

/**
 * A few worker threads that parse HTML. Parsing deeply nested HTML is quadratic in htmlparser2, so a
 * parse that overruns timeoutMs, or its thread's heap limit, has its thread terminated (and replaced)
 * instead of holding the event loop that every job of the process shares, or its memory; the page's
 * links are then read by the linear scan, in a thread too, so that such a page still yields them.
 */
export function createParsePool(options: { threads: number; timeoutMs: number }): ParsePool {
  const queue: Task[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (): Slot => {
    const worker = new Worker(THREAD_URL, {
      execArgv: THREAD_EXEC_ARGV,
      resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB, maxYoungGenerationSizeMb: 32 },
    });
    const slot: Slot = { worker, ready: false, task: null };
    slot.worker.on('message', (message: { id: number; page?: ExtractedPage; error?: string; ready?: boolean }) => {
      if (message.ready) {
        slot.ready = true;
        return dispatch();
      }
      const task = slot.task;
      if (!task || task.id !== message.id) return;
      finish(slot);
      if (message.page) task.resolve(task.givenUp ? { ...message.page, fallback: task.givenUp.code } : message.page);
      else task.reject(task.givenUp ?? new Error(`parse failed: ${message.error}`));
    });
    slot.worker.on('error', (error: Error & { code?: string }) => {
      const task = slot.task;
      replace(slot);
      if (!task) return;
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        giveUp(task, new ParseAbortedError('parse_memory', `parsing needed more than ${THREAD_HEAP_MB} MB`));
      } else task.reject(task.givenUp ?? error);
    });
    // A new thread starts out not holding the process; dispatch() refs it when there is work.
    slot.worker.unref();
    return slot;
  };
  const slots = Array.from({ length: options.threads }, spawn);

  // Threads keep the process alive only while there is parsing to do.
  const busy = () => queue.length > 0 || slots.some((slot) => slot.task !== null);
  function holdProcess() {
    for (const slot of slots) {
      if (busy()) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  function finish(slot: Slot) {
    clearTimeout(slot.timer);
    slot.task = null;
    dispatch();
  }

  function replace(slot: Slot) {
    clearTimeout(slot.timer);
    slot.task = null;
    void slot.worker.terminate();
    if (!closed) slots[slots.indexOf(slot)] = spawn();
    dispatch();
  }

  // The DOM parse of `task` was given up: read the page again with the linear scan, ahead of the queue
  // (its caller has waited long enough); if that was the scan, the page is lost.
  function giveUp(task: Task, error: ParseAbortedError) {
    if (task.givenUp || closed) return task.reject(task.givenUp ?? error);
    queue.unshift({ ...task, id: nextId++, givenUp: error });
    dispatch();
  }

  function dispatch() {
    holdProcess();
    for (const slot of slots) {
      if (queue.length === 0) break;
      if (slot.task || !slot.ready) continue;
      const task = queue.shift()!;
      slot.task = task;
      slot.timer = setTimeout(() => {
        replace(slot);
        giveUp(task, new ParseAbortedError('parse_timeout', `parsing took longer than ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      slot.worker.postMessage({ id: task.id, html: task.html, url: task.url, linear: Boolean(task.givenUp) });
    }
    holdProcess();
  }

  return {
    parse(html, url) {
      if (closed) return Promise.reject(new Error('parse pool is closed'));
      return new Promise((resolve, reject) => {
        queue.push({ id: nextId++, html, url, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const task of queue.splice(0)) task.reject(new Error('parse pool is closed'));
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}

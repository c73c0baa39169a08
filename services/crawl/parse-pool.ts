import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ExtractedPage } from './extract.js';
import type { ParseStarted, ParseTask } from './extract-thread.js';

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
// The linear fallback's time limit, as a multiple of the full read's.
const LINEAR_LIMIT_FACTOR = 4;

export interface ParsePool {
  /**
   * Extracts a page in a worker thread. When reading it in full overruns time or memory, the page is read
   * again by the linear scan (scanPage), in a thread and under the same time limit, and resolves with
   * `fallback` set to why; rejects with that ParseAbortedError only when the scan fails too.
   */
  parse(html: string, url: string): Promise<ExtractedPage>;
  close(): Promise<void>;
}

interface Waiting {
  html: string;
  url: string;
  resolve(page: ExtractedPage): void;
  reject(error: Error): void;
  /** Set on the linear re-read of a page whose full read was given up: why it was. */
  givenUp?: ParseAbortedError;
}

// Same extension as this module: .js from dist/, .ts through a TypeScript loader.
const THREAD_FILE = fileURLToPath(new URL(`./extract-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
// Threads get the process's module-loading flags (a TypeScript loader, a preload such as the bench's)
// and no others: V8 flags such as --expose-gc are refused in a worker's execArgv. A flag given as two
// words (`--import ./preload.js`) keeps its value.
const THREAD_EXEC_ARGV = process.execArgv.flatMap((arg, i, all) => {
  if (!/^--(?:import|loader|experimental-loader|require|conditions|enable-source-maps)\b/.test(arg)) return [];
  const takesValue = !arg.includes('=') && arg !== '--enable-source-maps';
  return takesValue && all[i + 1] !== undefined ? [arg, all[i + 1]!] : [arg];
});

const closedError = () => new Error('parse pool is closed');

/**
 * A few worker threads (a piscina pool) that parse HTML. Parsing deeply nested HTML is quadratic in
 * htmlparser2, so a parse that overruns timeoutMs, or its thread's heap limit, has its thread terminated
 * (piscina replaces it) instead of holding the event loop that every job of the process shares, or its
 * memory; the page's links are then read by the linear scan, in a thread too, so that such a page still
 * yields them.
 */
export function createParsePool(options: { threads: number; timeoutMs: number; heapMb?: number }): ParsePool {
  const heapMb = options.heapMb ?? THREAD_HEAP_MB;
  const piscina = new Piscina<ParseTask, ExtractedPage>({
    filename: THREAD_FILE,
    // A fixed set of threads, started now so that the first pages do not wait for one. A thread holds
    // the process only while it starts or runs a task: piscina refs its channel just for those.
    minThreads: options.threads,
    maxThreads: options.threads,
    execArgv: THREAD_EXEC_ARGV,
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 32 },
  });
  // Piscina reports a thread that fails while it has no task as an 'error' event (which would throw
  // unheard); it replaces the thread, and no page was lost, so there is nothing more to do.
  piscina.on('error', () => {});

  // The time limit of a task starts when its thread says it has begun (extract-thread.ts): piscina
  // hands tasks to threads that are still loading their modules (the first ones, and replacements),
  // so the moment of submission would count a start-up that takes seconds on a busy machine.
  const onStarted = new Map<number, () => void>();
  piscina.on('message', (message: ParseStarted) => onStarted.get(message.parseStarted)?.());

  // Our own queue in front of piscina, which is given a page only when one of its threads is free (or
  // being replaced): a page whose full read was given up goes back to the front, as its caller has
  // already waited a time limit. Piscina cannot be told that order: abortable tasks that find no free
  // thread go to an internal list that a custom taskQueue never sees.
  const queue: Waiting[] = [];
  let running = 0;
  let nextId = 1;
  let closed = false;

  /** One thread's go at a page; rejects with a ParseAbortedError when it overran time or heap. */
  async function attempt(html: string, url: string, linear: boolean): Promise<ExtractedPage> {
    const id = nextId++;
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // Aborting a running task makes piscina terminate its thread and start another.
    // The linear read costs time in proportion to the page (a capped body), never more: its limit only
    // guards against a machine too busy to give the thread its turns, so it is looser than the full read's, and
    // a big page on a loaded machine is still read rather than given up.
    const limitMs = linear ? LINEAR_LIMIT_FACTOR * options.timeoutMs : options.timeoutMs;
    onStarted.set(id, () => (timer = setTimeout(() => abort.abort(), limitMs)));
    try {
      return await piscina.run({ id, html, url, linear }, { signal: abort.signal });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
        throw new ParseAbortedError('parse_memory', `parsing needed more than ${heapMb} MB`);
      }
      if (abort.signal.aborted) throw new ParseAbortedError('parse_timeout', `parsing took longer than ${limitMs} ms`);
      throw error;
    } finally {
      clearTimeout(timer);
      onStarted.delete(id);
    }
  }

  function settle(task: Waiting, page: ExtractedPage | null, error?: unknown) {
    if (page) return task.resolve(task.givenUp ? { ...page, fallback: task.givenUp.code } : page);
    if (task.givenUp || closed) return task.reject(task.givenUp ?? closedError());
    if (error instanceof ParseAbortedError) return void queue.unshift({ ...task, givenUp: error });
    task.reject(new Error(`parse failed: ${(error as Error).message}`, { cause: error }));
  }

  function dispatch() {
    while (!closed && running < options.threads && queue.length > 0) {
      const task = queue.shift()!;
      running++;
      attempt(task.html, task.url, Boolean(task.givenUp))
        .then((page) => settle(task, page), (error: unknown) => settle(task, null, error))
        .finally(() => {
          running--;
          dispatch();
        });
    }
  }

  return {
    parse(html, url) {
      if (closed) return Promise.reject(closedError());
      return new Promise((resolve, reject) => {
        queue.push({ html, url, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const task of queue.splice(0)) task.reject(closedError());
      // Terminates the threads at once; a page being parsed is rejected as closed.
      await piscina.destroy();
    },
  };
}

import { readFileSync, readdirSync } from 'node:fs';

export interface TreeMemory {
  /** Sum of VmRSS over the process and its descendants, bytes. */
  total: number;
  /** VmRSS of the largest of them, bytes. */
  largest: number;
}

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process (or thread) ended between listing and reading
  }
};

/** The pid and its descendants, through /proc/<pid>/task/<tid>/children (only the tree is read, not all of /proc). */
function treePids(root: number): number[] {
  const pids: number[] = [];
  for (const queue = [root]; queue.length > 0; ) {
    const pid = queue.pop()!;
    pids.push(pid);
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      const children = read(`/proc/${pid}/task/${task}/children`) ?? '';
      for (const child of children.split(' ')) if (child.trim()) queue.push(Number(child));
    }
  }
  return pids;
}

function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? '');
  return match ? Number(match[1]) * 1024 : 0;
}

/** Resident memory of a process tree now, from /proc (Linux). */
export function treeMemory(root: number): TreeMemory {
  const sizes = treePids(root).map(rssBytes);
  return { total: sizes.reduce((sum, size) => sum + size, 0), largest: Math.max(0, ...sizes) };
}

export interface MemorySampler {
  /** Stops sampling; the peaks seen (the sum and the largest process are peaked separately). */
  stop(): TreeMemory;
}

/**
 * Samples a process tree's memory every `intervalMs` (150 ms: short enough to catch a burst, cheap
 * enough not to load the bench's own process, which also serves the fake web).
 */
export function sampleTreeMemory(root: number, intervalMs = 150): MemorySampler {
  const peak: TreeMemory = { total: 0, largest: 0 };
  const sample = () => {
    const now = treeMemory(root);
    peak.total = Math.max(peak.total, now.total);
    peak.largest = Math.max(peak.largest, now.largest);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { ...peak };
    },
  };
}

/** CPU seconds used so far, as /proc counts them. */
export interface CpuSeconds {
  /** The process and its descendants, every thread. */
  tree: number;
  /** The root process's main thread alone (where the event loop runs). */
  mainThread: number;
  /** Every PostgreSQL process of the machine (the backends serving the tree among them), and those that have exited. */
  postgres: number;
}

// The fields of /proc/<pid>/stat after the parenthesised command name (field 3 on).
const fieldsOf = (stat: string) => stat.slice(stat.lastIndexOf(')') + 2).split(' ');
// utime + stime, fields 14 and 15.
const ticksOf = (stat: string | null) => {
  if (!stat) return 0;
  const fields = fieldsOf(stat);
  return Number(fields[11]) + Number(fields[12]);
};
// cutime + cstime, fields 16 and 17: what the process's children that have exited used, once it reaped them.
const reapedTicksOf = (stat: string) => {
  const fields = fieldsOf(stat);
  return Number(fields[13]) + Number(fields[14]);
};
const TICKS_PER_SECOND = 100;

/**
 * Every PostgreSQL process's CPU, and that of the backends that have exited (the postmaster reaps
 * them), so that the count only grows: a backend that exits between two readings, such as another
 * client's disconnecting, does not take its time out of the difference.
 */
function postgresTicks(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = read(`/proc/${pid}/stat`);
    if (stat?.includes('(postgres)')) ticks += ticksOf(stat) + reapedTicksOf(stat);
  }
  return ticks;
}

/**
 * CPU time of a process tree, of its root's main thread and of PostgreSQL, now: the difference of two
 * readings is the work a run cost, which a busy machine changes much less than it changes wall time.
 */
export function cpuSeconds(root: number): CpuSeconds {
  const tree = treePids(root).reduce((sum, pid) => sum + ticksOf(read(`/proc/${pid}/stat`)), 0);
  return { tree: tree / TICKS_PER_SECOND, mainThread: ticksOf(read(`/proc/${root}/task/${root}/stat`)) / TICKS_PER_SECOND, postgres: postgresTicks() / TICKS_PER_SECOND };
}

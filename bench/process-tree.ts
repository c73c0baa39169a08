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

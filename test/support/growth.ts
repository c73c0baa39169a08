// CPU milliseconds that `calls` runs of `work` on `input` take: CPU time, not wall time, so that other
// work on a busy machine is not counted.
function cpuMs(work: (input: string) => unknown, input: string, calls: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) work(input);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1_000;
}

/**
 * The most `growth` may be for work that is linear: 8 in theory; a larger input also costs more garbage
 * collection and cache misses, so allow four times that. Quadratic work gives about 64.
 */
export const LINEAR_GROWTH_AT_MOST = 32;

/**
 * How much more `work` costs on the input made of 8n pieces than on the one of n: about 8 if it is
 * linear, 64 if quadratic. A ratio measured in one run, so it holds on a busy machine where an absolute
 * time would not.
 */
export function growth(work: (input: string) => unknown, make: (n: number) => string, n: number): number {
  const small = make(n);
  const large = make(8 * n);
  // Enough calls per sample that the clock's resolution cannot decide the ratio.
  let calls = 1;
  while (cpuMs(work, small, 8 * calls) < 20) calls *= 2;
  // Samples of equal length, alternated, the least disturbed of each kept: a pause (a collection, the
  // process descheduled) then weighs the same on both sides.
  let smallMs = Infinity;
  let largeMs = Infinity;
  for (let sample = 0; sample < 5; sample++) {
    smallMs = Math.min(smallMs, cpuMs(work, small, 8 * calls));
    largeMs = Math.min(largeMs, cpuMs(work, large, calls));
  }
  return (8 * largeMs) / smallMs;
}

import { writeFileSync } from 'node:fs';
import type { CeilingResult } from './ceiling.js';
import type { ServiceRun } from './crawl-run.js';
import type { ServedComparison } from './minimal-set.js';
import type { SiteCounts } from './niche-site.js';
import type { PeerResult } from './peer.js';
import type { TreeMemory } from './process-tree.js';
import type { ReadLoadResult } from './read-load.js';
import type { RouteLoad } from './read-load-client.js';

/** Everything measured on one size of the site. */
export interface SizeResult {
  size: number;
  site: SiteCounts;
  ceiling: CeilingResult;
  peer: PeerResult | null;
  runs: ServiceRun[];
}

const MIB = 1024 * 1024;
const fixed = (value: number, digits = 1) => value.toFixed(digits);
const memory = (peak: TreeMemory) => `${Math.round(peak.total / MIB)} / ${Math.round(peak.largest / MIB)}`;
const requests = (served: ServedComparison) => `${served.served} / ${served.minimal} (${fixed(served.ratio, 2)})`;
const times = (ours: number, theirs: number | undefined) => (theirs ? `${fixed(ours / theirs)}x` : '-');
/** CPU milliseconds per page or check. */
const msPerItem = (cpuSeconds: number, items: number) => (1000 * cpuSeconds) / items;

/** Columns padded to their widest cell; the first two left-aligned (names), the rest right-aligned (numbers). */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** Wall time against linkinator and the ceiling, per service run. */
export const wallRatios = (result: SizeResult, run: ServiceRun) => ({
  vsLinkinator: result.peer ? run.wallSeconds / result.peer.seconds : null,
  vsCeiling: run.wallSeconds / result.ceiling.seconds,
});

/** The compact table: one row per crawler and mode for each size. */
export function crawlTable(results: SizeResult[]): string {
  const header = ['size', 'run', 'wall s', 'pages/s', 'checks/s', 'peak RSS MiB tree / largest', 'requests served / minimal (x)',
    'dead pairs found / missed / false', 'wall vs linkinator', 'wall vs ceiling', 'politeness bound s (wall / bound)'];
  const rows = results.flatMap((result) => {
    const { ceiling, peer } = result;
    const size = `${result.size}x`;
    const rowsOfSize = [[size, 'ceiling (GET x64)', fixed(ceiling.seconds, 2), fixed(ceiling.pagesPerSecond), fixed(ceiling.checksPerSecond),
      memory(ceiling.memory), requests(ceiling.served), '-', '-', '1.0x', '-']];
    if (peer) {
      const { found, missed, falsePositives } = peer.accuracy;
      rowsOfSize.push([size, 'linkinator 7.6.1', fixed(peer.seconds, 2), fixed(peer.pagesPerSecond), fixed(peer.checksPerSecond),
        memory(peer.memory), requests(peer.served), `${found} / ${missed} / ${falsePositives}`, '1.0x', times(peer.seconds, ceiling.seconds), '-']);
    }
    for (const run of result.runs) {
      const { found, missed, falsePositives } = run.accuracy;
      const bound = run.politeness ? `${fixed(run.politeness.seconds)} (${fixed(run.politeness.wallOverBound, 2)})` : '-';
      rowsOfSize.push([size, `service ${run.mode}${run.warm ? ' warm' : ''}${run.status === 'completed' ? '' : ` [${run.status}]`}`, fixed(run.wallSeconds, 2),
        fixed(run.pagesPerSecond), fixed(run.checksPerSecond), memory(run.memory), requests(run.served),
        `${found} / ${missed} / ${falsePositives}`, times(run.wallSeconds, peer?.seconds), times(run.wallSeconds, ceiling.seconds), bound]);
    }
    return rowsOfSize;
  });
  return table(header, rows);
}

/** What each size's site holds, and the details behind the table's request and dead-pair columns. */
export function details(results: SizeResult[]): string {
  return results
    .flatMap((result) => {
      const { site, peer } = result;
      const lines = [
        `${result.size}x site: ${site.pages} pages, ${site.linkOccurrences} link occurrences (${site.externalOccurrences} external), ` +
          `${site.uniqueExternalUrls} unique external URLs on ${site.externalHosts} hosts (${site.nxdomainHosts} NXDOMAIN), ` +
          `dead: ${site.dead.not_found} x 404, ${site.dead.gone} x 410, ${site.dead.dns_failure} NXDOMAIN; ${site.knownDeadPairs} known dead pairs`,
      ];
      if (peer) {
        lines.push(`  linkinator: ${peer.pagesCrawled} pages, ${peer.externalChecked} external URLs checked, ${peer.skipped} skipped; ` +
          `broken URLs ${peer.brokenUrls} by status ${JSON.stringify(peer.brokenByStatus)} (no answer: ${JSON.stringify(peer.noAnswerCauses)}); requests ${JSON.stringify(peer.served.byMethod)}, ` +
          `repeats ${peer.served.repeats}, outside the minimal set ${peer.served.outside}, never asked ${peer.served.neverAsked}`);
        lines.push(`    CPU s: ${fixed(peer.cpuSeconds)}; ${fixed(msPerItem(peer.cpuSeconds, peer.pagesCrawled + peer.externalChecked), 2)} ms per page or check`);
      }
      const peerMs = peer ? msPerItem(peer.cpuSeconds, peer.pagesCrawled + peer.externalChecked) : null;
      for (const run of result.runs) {
        const items = run.stats.pagesCrawled + run.stats.linksChecked;
        const runMs = msPerItem(run.cpu.service + run.cpu.postgres + run.cpu.redis, items);
        // The stores' share alone, against the whole of linkinator's: a floor no change to the service's own code can go under.
        const storesMs = msPerItem(run.cpu.postgres + run.cpu.redis, items);
        lines.push(`  service ${run.mode}${run.warm ? ' warm' : ''}: ${run.stats.pagesCrawled} pages (${run.stats.pagesFailed} failed), ${run.stats.linksChecked} links checked, ` +
          `dead URLs ${run.stats.deadLinks}, prospects by reason ${JSON.stringify(run.prospectsByReason)}; requests ${JSON.stringify(run.served.byMethod)}, repeats ${run.served.repeats}, ` +
          `outside the minimal set ${run.served.outside}, never asked ${run.served.neverAsked}, archive lookups ${run.served.archiveLookups}; ` +
          `start-up ${fixed(run.startupSeconds)} s${run.error ? `; error: ${run.error}` : ''}`);
        lines.push(`    CPU s: service ${fixed(run.cpu.service)} (main thread ${fixed(run.cpu.mainThread)}), PostgreSQL ${fixed(run.cpu.postgres)}, ` +
          `Redis ${fixed(run.cpu.redis)}; ${fixed(runMs, 2)} ms per page or check${peerMs ? ` (${times(runMs, peerMs)} linkinator's)` : ''}, ` +
          `of which PostgreSQL and Redis ${fixed(storesMs, 2)} ms${peerMs ? ` (${times(storesMs, peerMs)} linkinator's)` : ''}`);
        if (run.accuracy.missed > 0) lines.push(`    missed, e.g. ${run.accuracy.missedExamples.join(', ')}`);
        if (run.accuracy.falsePositives > 0) lines.push(`    false, e.g. ${run.accuracy.falseExamples.join(', ')}`);
      }
      return lines;
    })
    .join('\n');
}

export function readLoadTable(result: ReadLoadResult): string {
  const header = ['route', 'seconds', 'requests/s', 'p50 ms', 'p99 ms', 'max ms', 'mean ms', 'requests', 'non-2xx', 'errors'];
  const row = (route: RouteLoad, seconds: string) => [route.route, seconds, fixed(route.requestsPerSecond), String(route.p50Ms), String(route.p99Ms),
    String(route.maxMs), fixed(route.meanMs), String(route.requests), String(route.non2xx), String(route.errors + route.timeouts)];
  const rows = [
    ...result.routes.map((route) => row(route, `${result.seconds} measured`)),
    ...result.warmUp.map((route) => row(route, `first ${result.warmUpSeconds} (warm-up)`)),
  ];
  const progress = (when: string, stats: ReadLoadResult['crawlBefore']) => `${when} ${stats.pagesCrawled} pages, ${stats.linksChecked} checks, ${stats.prospects} prospects`;
  return [
    `read API under load: ${result.size}x site, default mode, ${result.connections} connections while the crawl ran, ` +
      `${result.warmUpSeconds} s of warm-up then ${result.seconds} s measured (RATE_LIMIT_PER_MINUTE=${result.rateLimitPerMinute})`,
    table(header, rows),
    `crawl ${progress('before', result.crawlBefore)}; ${progress('after', result.crawlAfter)}; cancel -> ${result.statusAfterCancel}; ` +
      `peak RSS service ${memory(result.serviceMemory)} MiB, client ${memory(result.clientMemory)} MiB`,
  ].join('\n');
}

export function writeJson(path: string, data: unknown): void {
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}

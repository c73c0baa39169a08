// npm run bench: the service, as `npm start` runs it, crawls a synthetic gardening niche on loopback;
// beside it the same site is checked by linkinator (the peer) and by a bare replay of the minimal
// request set (the ceiling). Prints a table and writes artifacts/bench/*.json and *.svg.
// Knobs: BENCH_SIZES (default "1,5"), BENCH_MODES ("relaxed,default"), BENCH_DEFAULT_SIZES ("1": the
// default mode is politeness-bound and takes minutes), BENCH_READ_LOAD ("on"), BENCH_SKIP_PEER,
// BENCH_NODE_FLAGS (more node flags for the service process, say --cpu-prof), BENCH_LOG_LEVEL (the
// service's LOG_LEVEL, warn unless given; its log goes to artifacts/bench/<run>.service.log), BENCH_WARM
// (measure each service's second crawl of the site, see runServiceCrawl).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCeiling } from './ceiling.js';
import { timelineChart } from './chart.js';
import { MODES, runServiceCrawl, type Mode, type ServiceRun } from './crawl-run.js';
import { minimalRequestSet } from './minimal-set.js';
import { runPeer } from './peer.js';
import { runReadLoad, type ReadLoadResult } from './read-load.js';
import { crawlTable, details, readLoadTable, wallRatios, writeJson, type SizeResult } from './report.js';
import { dropLeftovers } from './service-process.js';
import { serveNicheSite } from './site-server.js';
import { createWorkspace, removeWorkspace, type Workspace } from './workspace.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT_DIR = join(ROOT, 'artifacts/bench');

const list = (name: string, fallback: string) => (process.env[name] || fallback).split(',').map((item) => item.trim()).filter(Boolean);
const flag = (name: string, fallback: boolean) => {
  const value = process.env[name]?.trim().toLowerCase();
  return value ? !['0', 'off', 'false', 'no'].includes(value) : fallback;
};

function readKnobs() {
  const sizes = list('BENCH_SIZES', '1,5').map(Number);
  const defaultSizes = list('BENCH_DEFAULT_SIZES', '1').map(Number);
  const modes = list('BENCH_MODES', MODES.join(','));
  const badSize = [...sizes, ...defaultSizes].find((size) => !Number.isInteger(size) || size < 1 || size > 40);
  if (badSize !== undefined) throw new Error(`BENCH_SIZES and BENCH_DEFAULT_SIZES take integers from 1 to 40, got ${badSize}`);
  const badMode = modes.find((mode) => !MODES.includes(mode as Mode));
  if (badMode) throw new Error(`BENCH_MODES takes ${MODES.join(', ')}, got '${badMode}'`);
  return {
    sizes, defaultSizes, modes: modes as Mode[], readLoad: flag('BENCH_READ_LOAD', true), skipPeer: flag('BENCH_SKIP_PEER', false),
    warm: flag('BENCH_WARM', false),
  };
}

/** Which code was measured: the commit, and how many files of the service differ from it (it is worked on). */
function gitState() {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  try {
    return { commit: git('rev-parse', 'HEAD'), changedServiceFiles: git('status', '--porcelain', '--', 'services', 'workers', 'migrations').split('\n').filter(Boolean).length };
  } catch {
    return null;
  }
}

const benchStarted = performance.now();
const elapsed = () => `${((performance.now() - benchStarted) / 1000).toFixed(0)} s`;
const log = (message: string) => console.error(`[bench ${elapsed()}] ${message}`);

/** Ceiling, peer and every service mode on one size of the site, each run's JSON and chart written as it ends. */
async function benchSize(
  size: number,
  knobs: ReturnType<typeof readKnobs>,
  workspace: Workspace,
): Promise<{ result: SizeResult; readLoad: ReadLoadResult | null }> {
  const served = await serveNicheSite(size, workspace.dir);
  try {
    const { site } = served;
    const minimal = minimalRequestSet(site);
    log(`${size}x: ${site.counts.pages} pages, ${site.counts.uniqueExternalUrls} external URLs, ${site.counts.knownDeadPairs} known dead pairs; ${minimal.length} minimal requests`);
    const ceiling = await runCeiling(served, minimal, workspace);
    log(`${size}x: ceiling ${ceiling.seconds.toFixed(2)} s`);
    const peer = knobs.skipPeer ? null : await runPeer(served, minimal, workspace);
    if (peer) log(`${size}x: linkinator ${peer.seconds.toFixed(2)} s, ${peer.brokenUrls} broken URLs`);
    const result: SizeResult = { size, site: site.counts, ceiling, peer, runs: [] };
    for (const mode of knobs.modes) {
      if (mode === 'default' && !knobs.defaultSizes.includes(size)) continue;
      log(`${size}x: service ${mode} ...`);
      const run = await runServiceCrawl({ served, minimal, size, mode, warm: knobs.warm, outDir: OUT_DIR, workspace });
      log(`${size}x: service ${mode} ${run.status} in ${run.wallSeconds.toFixed(2)} s, ${run.accuracy.found}/${run.accuracy.known} dead pairs`);
      writeJson(join(OUT_DIR, `${size}x-${mode}.json`), { ...run, ...wallRatios(result, run) });
      writeFileSync(join(OUT_DIR, `${size}x-${mode}.svg`), timelineChart(`blb-prospector, ${size}x site, ${mode} mode: pages/s and checks/s`, run.timeline));
      result.runs.push(run);
    }
    let readLoad: ReadLoadResult | null = null;
    if (knobs.readLoad && size === Math.min(...knobs.sizes)) {
      log(`${size}x: read load ...`);
      readLoad = await runReadLoad(served, size, OUT_DIR, workspace);
    }
    return { result, readLoad };
  } finally {
    await served.close();
  }
}

const withoutTimeline = ({ timeline: _timeline, ...run }: ServiceRun) => run;

async function main(): Promise<void> {
  const knobs = readKnobs();
  mkdirSync(OUT_DIR, { recursive: true });
  const startedAt = new Date().toISOString();
  const machine = { cpus: cpus().length, loadAverageAtStart: loadavg(), node: process.version };
  // Read as the bench's build is copied: what was built is what every run measures.
  const git = gitState();
  const workspace = createWorkspace();
  const leftovers = await dropLeftovers();
  if (leftovers.length > 0) log(`dropped ${leftovers.length} databases of interrupted benches`);
  const results: SizeResult[] = [];
  let readLoad: ReadLoadResult | null = null;
  try {
    for (const size of knobs.sizes) {
      const done = await benchSize(size, knobs, workspace);
      results.push(done.result);
      readLoad ??= done.readLoad;
    }
  } finally {
    removeWorkspace(workspace);
  }
  const benchSeconds = (performance.now() - benchStarted) / 1000;
  console.log(crawlTable(results));
  console.log();
  console.log(details(results));
  if (readLoad) console.log(`\n${readLoadTable(readLoad)}`);
  console.log(`\nwhole bench: ${benchSeconds.toFixed(0)} s on ${machine.cpus} CPUs (load average at start ${machine.loadAverageAtStart.map((load) => load.toFixed(2)).join(' ')}); artifacts in ${OUT_DIR}`);
  writeJson(join(OUT_DIR, 'summary.json'), {
    startedAt,
    benchSeconds,
    machine,
    git,
    knobs,
    sizes: results.map((result) => ({
      ...result,
      runs: result.runs.map((run) => ({ ...withoutTimeline(run), ...wallRatios(result, run) })),
    })),
    readLoad,
  });
}

await main();

#!/usr/bin/env node
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { callApi, CliError, type ApiTarget } from './api.js';
import { CRAWL_FIELD_NAMES, crawlRequest, KEY_FIELD_NAMES, WATCH_FIELD_NAMES, type Values } from './body-options.js';
import { table, when } from './format.js';
import { progressLine, type Crawl } from './progress.js';

const USAGE = `blb: crawl a niche for dead-link prospects from a terminal

  blb crawl <seed-url>... [--scope outward|site] [--depth N] [--max-pages N] [--no-robots] [--csv FILE]
  blb crawls list
  blb crawls show <crawl-id>
  blb prospects export --crawl <crawl-id> [--format csv|ndjson] [--out FILE]
  blb keys create <name> [--account <account-id>]
  blb watch create <seed-url>... --every hourly|daily|weekly|30m|6h|2d | --cron "0 6 * * 1" [--timezone Europe/Berlin]
                   [--name NAME] [--scope outward|site] [--depth N] [--max-pages N] [--no-robots] [--paused]
  blb watch list
  blb watch runs <watch-id> [<run-id>]   (with a run id: what that run changed)

Service and credentials: --url (BLB_URL, default http://localhost:3000), --key (BLB_API_KEY),
--admin-token (ADMIN_TOKEN, for keys create).`;

interface DiffCounts { new: number; reopened: number; gone: number; revived: number }
interface WatchRun { id: string; slotAt: string; status: string; crawlId: string | null; skipped: string | null; counts: DiffCounts }
interface DiffEntry { sourceUrl: string; deadUrl: string; resolution?: string }
interface Watch {
  id: string;
  name: string;
  schedule: { every: string | null; cron: string | null; timezone: string | null };
  paused: boolean;
  nextRunAt: string | null;
  lastRun: WatchRun | null;
}

const POLL_MS = Number(process.env.BLB_POLL_MS ?? 1_000);
const out = (text: string) => process.stdout.write(`${text}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv);
  const target: ApiTarget = {
    url: values.url ?? process.env.BLB_URL ?? 'http://localhost:3000',
    key: values.key ?? process.env.BLB_API_KEY,
    adminToken: values['admin-token'] ?? process.env.ADMIN_TOKEN,
  };
  const [command, sub, ...rest] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return values.help ? 0 : 2;
  }

  if (command === 'crawl') return crawl(target, [sub, ...rest].filter((s): s is string => !!s), values);
  if (command === 'crawls' && sub === 'list') {
    const { items } = await callApi<{ items: Crawl[] }>(target, '/v1/crawls?limit=50');
    out(table(
      [{ title: 'ID', width: 36 }, { title: 'STATUS', width: 9 }, { title: 'PAGES', width: 6 }, { title: 'DEAD', width: 5 }, { title: 'PROSPECTS', width: 9 }],
      items.map((c) => [c.id, c.status, c.stats.pagesCrawled, c.stats.deadLinks, c.stats.prospects]),
    ));
    return 0;
  }
  if (command === 'crawls' && sub === 'show' && rest[0]) {
    out(JSON.stringify(await callApi(target, `/v1/crawls/${encodeURIComponent(rest[0])}`), null, 2));
    return 0;
  }
  if (command === 'prospects' && sub === 'export') {
    if (!values.crawl) throw new CliError('prospects export needs --crawl <crawl-id>');
    await exportProspects(target, values.crawl, values.format ?? 'csv', values.out);
    return 0;
  }
  if (command === 'keys' && sub === 'create' && rest[0]) {
    const created = await callApi<{ key: string; accountId: string }>(target, '/admin/api/api-keys', {
      method: 'POST', admin: true, body: { name: rest[0], ...(values.account ? { accountId: values.account } : {}) }, fields: KEY_FIELD_NAMES,
    });
    out(`API key for account ${created.accountId} (shown once, keep it):\n${created.key}`);
    return 0;
  }
  if (command === 'watch' && sub === 'create') return createWatch(target, rest, values);
  if (command === 'watch' && sub === 'list') return listWatches(target);
  if (command === 'watch' && sub === 'runs') {
    if (!rest[0]) throw new CliError('watch runs needs a watch id: blb watch runs <watch-id> (blb watch list shows them)');
    return rest[1] ? showWatchRun(target, rest[0], rest[1]) : listWatchRuns(target, rest[0]);
  }
  throw new CliError(`unknown command '${positionals.join(' ')}'\n\n${USAGE}`);
}

/** The options and the words of a command line; a mistyped or incomplete option is a CliError, not a stack trace. */
function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' }, key: { type: 'string' }, 'admin-token': { type: 'string' },
        scope: { type: 'string' }, depth: { type: 'string' }, 'max-pages': { type: 'string' }, 'no-robots': { type: 'boolean' },
        csv: { type: 'string' }, crawl: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' },
        account: { type: 'string' }, every: { type: 'string' }, cron: { type: 'string' }, timezone: { type: 'string' },
        name: { type: 'string' }, paused: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    if (!String((error as { code?: string }).code).startsWith('ERR_PARSE_ARGS')) throw error;
    throw new CliError(`${(error as Error).message} (blb --help lists the commands and their options)`);
  }
}

async function crawl(target: ApiTarget, seeds: string[], values: Values): Promise<number> {
  if (seeds.length === 0) throw new CliError('crawl needs at least one seed URL: blb crawl https://example.com/');
  const created = await callApi<Crawl>(target, '/v1/crawls', {
    method: 'POST', body: crawlRequest(seeds, values), fields: CRAWL_FIELD_NAMES,
  });
  const follow = `blb crawls show ${created.id}`;
  process.once('SIGINT', () => {
    process.stderr.write(`\nStopped watching. Crawl ${created.id} keeps running; follow it with: ${follow}\n`);
    process.exit(130);
  });
  process.stderr.write(`Crawl ${created.id} started (Ctrl-C stops watching, not the crawl)\n`);

  const started = Date.now();
  let crawl = created;
  let lastLine = 0;
  let shown = 0;
  while (crawl.status === 'queued' || crawl.status === 'running') {
    await sleep(POLL_MS);
    crawl = await callApi<Crawl>(target, `/v1/crawls/${created.id}`);
    const { line, shown: fraction } = progressLine(crawl, shown, (Date.now() - started) / 1000);
    shown = fraction;
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${line}\x1b[K`); // \x1b[K: clear what a longer line before left
    } else if (Date.now() - lastLine > 5_000 || crawl.status !== 'running') {
      // Not a terminal (a log, CI): a line now and then instead of a bar redrawn in place.
      process.stderr.write(`${line}\n`);
      lastLine = Date.now();
    }
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  out(`Crawl ${crawl.id} ${crawl.status}${crawl.error ? `: ${crawl.error}` : ''}: ${crawl.stats.pagesCrawled} pages, ${crawl.stats.linksChecked} links checked, ${crawl.stats.prospects} prospects`);

  const { items } = await callApi<{ items: Record<string, string>[] }>(target, `/v1/prospects?crawlId=${crawl.id}&sort=score&limit=50`);
  if (items.length > 0) {
    out(table(
      [{ title: 'SCORE', width: 5 }, { title: 'REASON', width: 18 }, { title: 'DEAD URL', width: 45 }, { title: 'FOUND ON', width: 45 }, { title: 'ANCHOR', width: 24 }],
      items.map((p) => [p.score, p.reason, p.deadUrl, p.sourceUrl, p.anchorText]),
    ));
    if (crawl.stats.prospects > items.length) out(`… and ${crawl.stats.prospects - items.length} more: blb prospects export --crawl ${crawl.id}`);
  }
  if (typeof values.csv === 'string') await exportProspects(target, crawl.id, 'csv', values.csv);
  return crawl.status === 'completed' ? 0 : 1;
}

/** How a watch's schedule reads: every 1d, or cron 0 6 * * 1 Europe/Berlin. */
const describeSchedule = ({ every, cron, timezone }: Watch['schedule']) => (every ? `every ${every}` : `cron ${cron} ${timezone}`);
const countColumns = [{ title: 'NEW', width: 4 }, { title: 'REOPENED', width: 8 }, { title: 'GONE', width: 4 }, { title: 'REVIVED', width: 7 }];
const countCells = (counts: DiffCounts | undefined) => (counts ? [counts.new, counts.reopened, counts.gone, counts.revived] : []);

async function createWatch(target: ApiTarget, seeds: string[], values: Values): Promise<number> {
  const example = 'blb watch create https://example.com/ --every daily';
  if (seeds.length === 0) throw new CliError(`watch create needs at least one seed URL: ${example}`);
  const { every, cron, timezone, name } = values as Record<string, string | undefined>;
  if (every === undefined && cron === undefined) {
    throw new CliError(`watch create needs a schedule, --every (hourly, daily, weekly, 30m, 6h, 2d) or --cron "0 6 * * 1": ${example}`);
  }
  if (every !== undefined && cron !== undefined) throw new CliError('give watch create either --every or --cron, not both');
  if (timezone !== undefined && cron === undefined) throw new CliError('--timezone goes with --cron (an --every interval has no time zone)');
  const watch = await callApi<Watch>(target, '/v1/watches', {
    method: 'POST',
    body: {
      ...(name !== undefined ? { name } : {}),
      crawl: crawlRequest(seeds, values),
      schedule: every !== undefined ? { every } : { cron, ...(timezone !== undefined ? { timezone } : {}) },
      ...(values.paused ? { paused: true } : {}),
    },
    fields: WATCH_FIELD_NAMES,
  });
  out(`Watch ${watch.id} created: ${watch.name}, ${describeSchedule(watch.schedule)}`);
  if (watch.paused) out('Paused: no run until it is resumed');
  // An --every watch runs at once (its next slot is one interval later); a --cron one at its first matching time.
  else out(every !== undefined ? `First run: starting now; the next at ${when(watch.nextRunAt)}` : `Next run: ${when(watch.nextRunAt)}`);
  out(`Its runs: blb watch runs ${watch.id}`);
  return 0;
}

async function listWatches(target: ApiTarget): Promise<number> {
  const { items, nextCursor } = await callApi<{ items: Watch[]; nextCursor: string | null }>(target, '/v1/watches?limit=50');
  if (items.length === 0) {
    out('No watches yet. Create one with: blb watch create <seed-url> --every daily');
    return 0;
  }
  out(table(
    [{ title: 'ID', width: 36 }, { title: 'NAME', width: 24 }, { title: 'SCHEDULE', width: 30 }, { title: 'PAUSED', width: 6 },
      { title: 'NEXT RUN', width: 20 }, { title: 'LAST RUN', width: 9 }, ...countColumns],
    items.map((w) => [
      w.id, w.name, describeSchedule(w.schedule), w.paused ? 'yes' : 'no', when(w.nextRunAt), w.lastRun?.status ?? '-', ...countCells(w.lastRun?.counts),
    ]),
  ));
  if (nextCursor) out('… these are the newest 50 watches');
  return 0;
}

async function listWatchRuns(target: ApiTarget, watchId: string): Promise<number> {
  const { items, nextCursor } = await callApi<{ items: WatchRun[]; nextCursor: string | null }>(
    target, `/v1/watches/${encodeURIComponent(watchId)}/runs?limit=50`,
  );
  if (items.length === 0) {
    out(`No runs of watch ${watchId} yet.`);
    return 0;
  }
  out(table(
    [{ title: 'RUN ID', width: 36 }, { title: 'SLOT', width: 20 }, { title: 'STATUS', width: 9 }, { title: 'CRAWL ID', width: 36 }, ...countColumns],
    items.map((r) => [r.id, when(r.slotAt), r.status, r.crawlId ?? '-', ...countCells(r.counts)]),
  ));
  if (nextCursor) out('… these are the newest 50 runs');
  out(`What a run changed: blb watch runs ${watchId} <run-id>`);
  return 0;
}

async function showWatchRun(target: ApiTarget, watchId: string, runId: string): Promise<number> {
  const run = await callApi<WatchRun & { diff: Record<keyof DiffCounts, DiffEntry[]> }>(
    target, `/v1/watches/${encodeURIComponent(watchId)}/runs/${encodeURIComponent(runId)}`,
  );
  const { counts } = run;
  out(`Run ${run.id} for ${when(run.slotAt)}: ${run.status}${run.skipped ? ` (${run.skipped.replaceAll('_', ' ')})` : ''}${run.crawlId ? `, crawl ${run.crawlId}` : ''}`);
  out(`${counts.new} new, ${counts.reopened} reopened, ${counts.gone} gone, ${counts.revived} revived${run.status === 'queued' || run.status === 'running' ? ' so far (the diff fills in as the crawl goes)' : ''}`);
  for (const kind of ['new', 'reopened', 'gone', 'revived'] as const) {
    const entries = run.diff[kind];
    if (entries.length === 0) continue;
    out(`\n${kind.toUpperCase()} (${entries.length})`);
    out(table(
      [{ title: 'DEAD URL', width: 50 }, { title: 'FOUND ON', width: 50 }, ...(kind === 'gone' ? [{ title: 'RESOLUTION', width: 12 }] : [])],
      entries.map((e) => [e.deadUrl, e.sourceUrl, ...(kind === 'gone' ? [e.resolution ?? '-'] : [])]),
    ));
  }
  return 0;
}

async function exportProspects(target: ApiTarget, crawlId: string, format: string, file: string | undefined): Promise<void> {
  if (format !== 'csv' && format !== 'ndjson') throw new CliError(`--format must be csv or ndjson, not '${format}'`);
  const response = await callApi<Response>(target, `/v1/prospects/export?crawlId=${encodeURIComponent(crawlId)}&format=${format}&sort=score`, { raw: true });
  await pipeline(Readable.fromWeb(response.body as never), file ? createWriteStream(file) : process.stdout);
  if (file) process.stderr.write(`Prospects written to ${file}\n`);
}

// A reader that stops early (blb crawls list | head -1) closes the pipe: the rest has no one to read it,
// which is no failure of blb's.
const closedPipe = (error: unknown) => (error as { code?: unknown } | null)?.code === 'EPIPE';
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (!closedPipe(error)) throw error;
    process.exit(0);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (closedPipe(error)) process.exit(0);
    process.stderr.write(`blb: ${error instanceof CliError ? error.message : (error as Error).stack}\n`);
    process.exit(1);
  },
);

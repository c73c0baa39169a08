#!/usr/bin/env node
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { callApi, CliError, type ApiTarget } from './api.js';
import { bar, table } from './format.js';

const USAGE = `blb: crawl a niche for dead-link prospects from a terminal

  blb crawl <seed-url>... [--scope outward|site] [--depth N] [--max-pages N] [--no-robots] [--csv FILE]
  blb crawls list
  blb crawls show <crawl-id>
  blb prospects export --crawl <crawl-id> [--format csv|ndjson] [--out FILE]
  blb keys create <name> [--account <account-id>]

Service and credentials: --url (BLB_URL, default http://localhost:3000), --key (BLB_API_KEY),
--admin-token (ADMIN_TOKEN, for keys create).`;

interface Crawl {
  id: string;
  status: string;
  maxPages: number;
  error: string | null;
  stats: { pagesCrawled: number; pagesFailed: number; linksChecked: number; deadLinks: number; prospects: number };
}

const POLL_MS = Number(process.env.BLB_POLL_MS ?? 1_000);
const out = (text: string) => process.stdout.write(`${text}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' }, key: { type: 'string' }, 'admin-token': { type: 'string' },
      scope: { type: 'string' }, depth: { type: 'string' }, 'max-pages': { type: 'string' }, 'no-robots': { type: 'boolean' },
      csv: { type: 'string' }, crawl: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' },
      account: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  const target: ApiTarget = {
    url: values.url ?? process.env.BLB_URL ?? 'http://localhost:3000',
    key: values.key ?? process.env.BLB_API_KEY,
    adminToken: values['admin-token'] ?? process.env.ADMIN_TOKEN,
  };
  const [command, sub, ...rest] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return command ? 0 : 2;
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
      method: 'POST', admin: true, body: { name: rest[0], ...(values.account ? { accountId: values.account } : {}) },
    });
    out(`API key for account ${created.accountId} (shown once, keep it):\n${created.key}`);
    return 0;
  }
  throw new CliError(`unknown command '${positionals.join(' ')}'\n\n${USAGE}`);
}

async function crawl(target: ApiTarget, seeds: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  if (seeds.length === 0) throw new CliError('crawl needs at least one seed URL: blb crawl https://example.com/');
  const number = (flag: string) => (values[flag] === undefined ? undefined : Number(values[flag]));
  const created = await callApi<Crawl>(target, '/v1/crawls', {
    method: 'POST',
    body: {
      seeds, scope: values.scope, maxDepth: number('depth'), maxPages: number('max-pages'),
      ...(values['no-robots'] ? { respectRobots: false } : {}),
    },
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
  while (crawl.status === 'queued' || crawl.status === 'running') {
    await sleep(POLL_MS);
    crawl = await callApi<Crawl>(target, `/v1/crawls/${created.id}`);
    const { pagesCrawled, pagesFailed, linksChecked, deadLinks } = crawl.stats;
    const rate = (pagesCrawled / Math.max(1, (Date.now() - started) / 1000)).toFixed(1);
    const line = `${bar(pagesCrawled + pagesFailed, crawl.maxPages)} pages ${pagesCrawled}  links checked ${linksChecked}  dead ${deadLinks}  ${rate} pages/s`;
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${line}`);
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

async function exportProspects(target: ApiTarget, crawlId: string, format: string, file: string | undefined): Promise<void> {
  if (format !== 'csv' && format !== 'ndjson') throw new CliError(`--format must be csv or ndjson, not '${format}'`);
  const response = await callApi<Response>(target, `/v1/prospects/export?crawlId=${encodeURIComponent(crawlId)}&format=${format}&sort=score`, { raw: true });
  await pipeline(Readable.fromWeb(response.body as never), file ? createWriteStream(file) : process.stdout);
  if (file) process.stderr.write(`Prospects written to ${file}\n`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`blb: ${error instanceof CliError ? error.message : (error as Error).stack}\n`);
    process.exit(1);
  },
);

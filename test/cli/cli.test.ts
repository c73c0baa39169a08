import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { projectRoot as ROOT } from '../../services/project-root.js';
import { inCliWords } from '../../services/cli/field-words.js';
import { CRAWL_FIELD_NAMES, WATCH_FIELD_NAMES } from '../../services/cli/body-options.js';
import { crawlProgress, progressLine, type Crawl } from '../../services/cli/progress.js';
import { ADMIN_TOKEN } from '../support/environment.js';
import { REFUSING } from '../support/fake-web.js';
import { runProcess, startCliService } from '../support/cli-service.js';

const { niche, env, key, cliEnv, blb } = await startCliService();
const api = async (url: string) => (await env.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } })).json();
const PROGRESS = /^\[([#.]{24})\] pages \d+ {2}links checked \d+ {2}dead \d+ {2}[\d.]+ pages\/s$/gm;

t.test('blb crawl: progress, then the prospects as a table and a CSV', async (t) => {
  const csv = join(mkdtempSync(join(tmpdir(), 'blb-cli-')), 'prospects.csv');
  const run = await blb(['crawl', niche.seed, '--scope', 'site', '--csv', csv]);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stderr, /Crawl [0-9a-f-]{36} started/);
  const bars = [...run.stderr.matchAll(PROGRESS)].map((m) => m[1]!);
  t.ok(bars.length > 0, `a progress line: ${run.stderr}`);
  t.equal(bars.at(-1), '#'.repeat(24), 'the last progress line, once the crawl completed, is a full bar (3 pages of a 1000-page budget)');
  const filled = bars.map((b) => b.indexOf('.') < 0 ? 24 : b.indexOf('.'));
  t.same(filled, [...filled].sort((a, b) => a - b), 'the bar never goes back');
  t.match(run.stdout, /Crawl [0-9a-f-]{36} completed: 3 pages, \d+ links checked, 7 prospects/);
  t.match(run.stdout, /SCORE {2}REASON/);
  t.match(run.stdout, /not_found .*gone-shop\.test/);
  t.match(run.stdout, /dns_failure .*expired-domain\.test/);
  const lines = readFileSync(csv, 'utf8').trim().split('\r\n');
  t.equal(lines.length, 8, 'a header and the 7 prospects');
  t.match(lines[0], /^id,crawlId,status,score,reason/);
});

t.test('the bar measures the work the crawl knows of, never goes back and is full once the crawl completed', async (t) => {
  const crawl = (status: string, stats: Partial<Crawl['stats']>): Crawl => ({
    id: 'c', status, maxPages: 1000, error: null,
    stats: { pagesCrawled: 0, pagesFailed: 0, linksChecked: 0, deadLinks: 0, prospects: 0, ...stats },
  });
  t.equal(crawlProgress(crawl('running', { pagesCrawled: 8, pagesFailed: 2, pagesQueued: 10, linksChecked: 30, linksQueued: 50 })), 0.4, '40 requests made of 100 known');
  t.equal(crawlProgress(crawl('running', { pagesCrawled: 990, pagesQueued: 500, linksChecked: 0, linksQueued: 0 })), 0.99, 'pages past the budget are not counted');
  t.equal(crawlProgress(crawl('running', { pagesCrawled: 100 })), 0.1, 'without the queued counts: against the page budget');
  t.equal(crawlProgress(crawl('completed', { pagesCrawled: 3 })), 1);
  t.equal(crawlProgress(crawl('failed', { pagesCrawled: 3 })), 0.003, 'a failed crawl is not shown as done');
  const later = progressLine(crawl('running', { pagesCrawled: 10, pagesQueued: 90, linksChecked: 0, linksQueued: 0 }), 0.5, 1);
  t.equal(later.shown, 0.5, 'more work found holds the bar, not draws it back');
  t.match(later.line, /^\[#{12}\.{12}\] pages 10 /);
  t.match(progressLine(crawl('running', { pagesCrawled: 999, pagesQueued: 1, linksChecked: 0, linksQueued: 0 }), 0, 1).line, /^\[#{23}\.\]/, 'not full before it is done');
});

t.test('the README\'s way to run it: ./bin/blb from the checkout (dist/, built by npm ci)', async (t) => {
  const [help, list, elsewhere] = await Promise.all([
    runProcess('./bin/blb', ['--help'], { cwd: ROOT }),
    runProcess('./bin/blb', ['crawls', 'list'], { cwd: ROOT, env: cliEnv }),
    runProcess(join(ROOT, 'bin/blb'), ['--help'], { cwd: tmpdir() }),
  ]);
  t.equal(help.code, 0, help.stderr);
  t.match(help.stdout, /^blb: crawl a niche for dead-link prospects from a terminal/);
  t.equal(list.code, 0, list.stderr);
  t.match(list.stdout, /^ID +STATUS +PAGES[^]*completed/, 'a real call to the service');
  t.equal(elsewhere.code, 0, `from another directory: ${elsewhere.stderr}`);
  t.match(elsewhere.stdout, /^blb: crawl a niche/);
});

t.test('blb crawls list, keys create', async (t) => {
  const [list, created] = await Promise.all([blb(['crawls', 'list']), blb(['keys', 'create', 'second-terminal'], { ADMIN_TOKEN })]);
  t.equal(list.code, 0);
  t.match(list.stdout, /ID +STATUS +PAGES/);
  t.match(list.stdout, /completed/);
  t.equal(created.code, 0);
  t.match(created.stdout, /blb_live_[\w-]{40,}/);
  const { rows } = await env.runtime.db.query(`SELECT actor FROM admin_audit WHERE action = 'api_key.issue' AND detail->>'name' = 'second-terminal'`);
  t.match(rows, [{ actor: /^.+ \(blb cli\)$/ }], 'the audit log names the person at the terminal');
});

t.test('a closed pipe (blb crawls list | head -1) ends blb quietly', async (t) => {
  const [crawl] = (await api('/v1/crawls')).items;
  const runs = await Promise.all([
    blb(['crawls', 'list'], {}, undefined, { closeStdout: true }),
    blb(['prospects', 'export', '--crawl', crawl.id], {}, undefined, { closeStdout: true }),
    runProcess('sh', ['-c', './bin/blb crawls list | head -1'], { cwd: ROOT, env: cliEnv }),
  ]);
  for (const run of runs) {
    t.equal(run.code, 0, run.stderr);
    t.equal(run.stderr, '', 'no stack trace');
  }
  t.match(runs[2]!.stdout, /^ID +STATUS +PAGES +DEAD +PROSPECTS\n$/);
});

t.test('clear messages when something is wrong', async (t) => {
  const [down, badKey, badSeed, noKey, unknown, unknownOption] = await Promise.all([
    blb(['crawls', 'list'], { BLB_URL: `http://${REFUSING.address}:${REFUSING.port}` }),
    blb(['crawls', 'list'], { BLB_API_KEY: 'blb_live_wrong' }),
    blb(['crawl', 'ftp://example.com/']),
    blb(['keys', 'create', 'x'], { ADMIN_TOKEN: '' }),
    blb(['fly']),
    blb(['crawls', 'list', '--bogus']),
  ]);
  t.equal(down.code, 1);
  t.match(down.stderr, /blb: cannot reach blb-prospector at http:\/\/127\.0\.0\.3:1023 \(ECONNREFUSED\)\. Is it running\?/);
  t.match(badKey.stderr, /blb: the API key was refused/);
  t.equal(badSeed.code, 1);
  t.match(badSeed.stderr, /blb: seeds\[0\] 'ftp:\/\/example\.com\/' must use http or https/);
  t.match(noKey.stderr, /needs the admin token/);
  t.match(unknown.stderr, /unknown command 'fly'/);
  t.equal(unknownOption.code, 1);
  t.match(unknownOption.stderr, /^blb: Unknown option '--bogus'.*\(blb --help lists the commands and their options\)\n$/);
});

t.test('the API\'s limits are said in the CLI\'s words, naming its options', async (t) => {
  const contract = load(readFileSync(join(ROOT, 'openapi.yaml'), 'utf8')) as {
    components: { schemas: Record<string, { properties: Record<string, { maximum: number }> }> };
  };
  const { maximum } = contract.components.schemas.CreateCrawlRequest.properties.maxDepth;
  const depth = String(Math.max(40, maximum + 1));
  const before = (await api('/v1/crawls?limit=100')).items.length;
  const runs = await Promise.all([
    blb(['crawl', niche.seed, '--depth', depth]),
    blb(['crawl', niche.seed, '--max-pages', '0']),
    blb(['watch', 'create', niche.seed, '--every', 'daily', '--depth', depth]),
  ]);
  const expected = [`blb: --depth must be at most ${maximum}\n`, 'blb: --max-pages must be at least 1\n', `blb: --depth must be at most ${maximum}\n`];
  runs.forEach((run, i) => {
    t.equal(run.code, 1, run.stderr);
    t.equal(run.stderr, expected[i]);
  });
  t.equal((await api('/v1/crawls?limit=100')).items.length, before, 'no crawl was started');

  // Every option that sets a body field, at any depth of the body and in an array.
  t.equal(inCliWords('body.maxPages must be <= 100000', CRAWL_FIELD_NAMES), '--max-pages must be at most 100000');
  t.equal(inCliWords('body.scope must be one of: outward, site', CRAWL_FIELD_NAMES), '--scope must be one of: outward, site');
  t.equal(inCliWords('body.seeds.2 must NOT have more than 2048 characters', CRAWL_FIELD_NAMES), 'seed URL 3 must be at most 2048 characters long');
  t.equal(inCliWords('body.seeds must NOT have more than 100 items', CRAWL_FIELD_NAMES), 'give at most 100 seed URLs');
  t.equal(inCliWords('body.crawl.maxPages must be >= 1', WATCH_FIELD_NAMES), '--max-pages must be at least 1');
  t.equal(inCliWords('body.schedule.every must NOT have more than 20 characters', WATCH_FIELD_NAMES), '--every must be at most 20 characters long');
  t.equal(inCliWords("seeds[0] 'ftp://x/' must use http or https", CRAWL_FIELD_NAMES), "seeds[0] 'ftp://x/' must use http or https", 'other messages as they are');
});

t.test('Ctrl-C stops watching and leaves the crawl running', async (t) => {
  niche.web.setRoute('slow-seed.test', '/', (_req, res) => setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>slow</title>'), 1_500));
  let interrupted = false;
  const run = await blb(['crawl', niche.web.url('slow-seed.test', '/')], {}, (stderr, child) => {
    if (!interrupted && /started/.test(stderr)) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  t.equal(run.code, 130);
  const id = /Crawl ([0-9a-f-]{36}) keeps running; follow it with: blb crawls show \1/.exec(run.stderr)?.[1];
  t.ok(id, run.stderr);
  const crawl = (await api(`/v1/crawls/${id}`));
  t.not(crawl.status, 'cancelled', 'the crawl was not cancelled');
});

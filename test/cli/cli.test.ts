import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN } from '../support/environment.js';
import { REFUSING } from '../support/fake-web.js';
import { startCliService } from '../support/cli-service.js';

const { niche, env, key, blb } = await startCliService();

t.test('blb crawl: progress, then the prospects as a table and a CSV', async (t) => {
  const csv = join(mkdtempSync(join(tmpdir(), 'blb-cli-')), 'prospects.csv');
  const run = await blb(['crawl', niche.seed, '--scope', 'site', '--csv', csv]);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stderr, /Crawl [0-9a-f-]{36} started/);
  t.match(run.stderr, /\[[#.]{24}\] pages \d+ {2}links checked \d+ {2}dead \d+ {2}[\d.]+ pages\/s/, 'a progress line');
  t.match(run.stdout, /Crawl [0-9a-f-]{36} completed: 3 pages, \d+ links checked, 7 prospects/);
  t.match(run.stdout, /SCORE {2}REASON/);
  t.match(run.stdout, /not_found .*gone-shop\.test/);
  t.match(run.stdout, /dns_failure .*expired-domain\.test/);
  const lines = readFileSync(csv, 'utf8').trim().split('\r\n');
  t.equal(lines.length, 8, 'a header and the 7 prospects');
  t.match(lines[0], /^id,crawlId,status,score,reason/);
});

t.test('blb crawls list, keys create', async (t) => {
  const list = await blb(['crawls', 'list']);
  t.equal(list.code, 0);
  t.match(list.stdout, /ID +STATUS +PAGES/);
  t.match(list.stdout, /completed/);
  const created = await blb(['keys', 'create', 'second-terminal'], { ADMIN_TOKEN });
  t.equal(created.code, 0);
  t.match(created.stdout, /blb_live_[\w-]{40,}/);
  const { rows } = await env.runtime.db.query(`SELECT actor FROM admin_audit WHERE action = 'api_key.issue' AND detail->>'name' = 'second-terminal'`);
  t.match(rows, [{ actor: /^.+ \(blb cli\)$/ }], 'the audit log names the person at the terminal');
});

t.test('clear messages when something is wrong', async (t) => {
  const down = await blb(['crawls', 'list'], { BLB_URL: `http://${REFUSING.address}:${REFUSING.port}` });
  t.equal(down.code, 1);
  t.match(down.stderr, /blb: cannot reach blb-prospector at http:\/\/127\.0\.0\.3:1023 \(ECONNREFUSED\)\. Is it running\?/);
  const badKey = await blb(['crawls', 'list'], { BLB_API_KEY: 'blb_live_wrong' });
  t.match(badKey.stderr, /blb: the API key was refused/);
  const badSeed = await blb(['crawl', 'ftp://example.com/']);
  t.equal(badSeed.code, 1);
  t.match(badSeed.stderr, /blb: seeds\[0\] 'ftp:\/\/example\.com\/' must use http or https/);
  const noKey = await blb(['keys', 'create', 'x'], { ADMIN_TOKEN: '' });
  t.match(noKey.stderr, /needs the admin token/);
  const unknown = await blb(['fly']);
  t.match(unknown.stderr, /unknown command 'fly'/);
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
  const crawl = (await env.app.inject({ method: 'GET', url: `/v1/crawls/${id}`, headers: { authorization: `Bearer ${key}` } })).json();
  t.not(crawl.status, 'cancelled', 'the crawl was not cancelled');
});

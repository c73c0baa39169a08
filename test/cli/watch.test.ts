import t from 'tap';
import { startCliService } from '../support/cli-service.js';

const { niche, env, key, blb } = await startCliService();
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const MINUTE = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC';

const api = async (url: string) => (await env.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } })).json();

t.test('blb watch create, list, runs and a run\'s diff', async (t) => {
  const none = await blb(['watch', 'list']);
  t.equal(none.code, 0, none.stderr);
  t.match(none.stdout, /No watches yet\. Create one with: blb watch create <seed-url> --every daily/);

  const created = await blb(['watch', 'create', niche.seed, '--scope', 'site', '--every', 'daily', '--name', 'Gardening niche']);
  t.equal(created.code, 0, created.stderr);
  const id = new RegExp(`^Watch (${UUID}) created: Gardening niche, every 1d$`, 'm').exec(created.stdout)?.[1];
  t.ok(id, created.stdout);
  t.match(created.stdout, new RegExp(`^First run: starting now; the next at ${MINUTE}$`, 'm'));
  t.match(created.stdout, `Its runs: blb watch runs ${id}`);
  const watch = await api(`/v1/watches/${id}`);
  t.match(watch, { name: 'Gardening niche', paused: false, schedule: { everyMs: 86_400_000, cron: null }, crawl: { scope: 'site', seeds: [niche.seed] } });

  // With --every the first run starts at once: wait for its crawl of the niche to end.
  let run: { id: string; status: string } | undefined;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) {
    [run] = (await api(`/v1/watches/${id}/runs`)).items;
    if (run && run.status !== 'queued' && run.status !== 'running') break;
  }
  t.equal(run?.status, 'completed', 'the first run completed');

  const runs = await blb(['watch', 'runs', id!]);
  t.equal(runs.code, 0, runs.stderr);
  t.match(runs.stdout, /^RUN ID +SLOT +STATUS +CRAWL ID +NEW +REOPENED +GONE +REVIVED$/m);
  t.match(runs.stdout, new RegExp(`^${run!.id} +${MINUTE} +completed +${UUID} +7 +0 +0 +0$`, 'm'), 'the run found the niche\'s 7 prospects');
  t.match(runs.stdout, `What a run changed: blb watch runs ${id} <run-id>`);

  const diff = await blb(['watch', 'runs', id!, run!.id]);
  t.equal(diff.code, 0, diff.stderr);
  t.match(diff.stdout, new RegExp(`^Run ${run!.id} for ${MINUTE}: completed, crawl ${UUID}$`, 'm'));
  t.match(diff.stdout, /^7 new, 0 reopened, 0 gone, 0 revived$/m);
  t.match(diff.stdout, /^NEW \(7\)\nDEAD URL +FOUND ON$/m);
  t.match(diff.stdout, /gone-shop\.test.*blog-a\.test/);
  t.notMatch(diff.stdout, /REOPENED|GONE \(|REVIVED/, 'empty parts of the diff are left out');

  const paused = await blb(['watch', 'create', niche.seed, '--cron', '0 6 * * 1', '--timezone', 'Europe/Berlin', '--paused']);
  t.equal(paused.code, 0, paused.stderr);
  t.match(paused.stdout, new RegExp(`^Watch ${UUID} created: ${niche.seed.replaceAll('.', '\\.')}, cron 0 6 \\* \\* 1 Europe/Berlin$`, 'm'));
  t.match(paused.stdout, /^Paused: no run until it is resumed$/m);
  const cron = await blb(['watch', 'create', niche.seed, '--cron', '0 6 * * 1', '--name', 'Mondays']);
  t.equal(cron.code, 0, cron.stderr);
  t.match(cron.stdout, new RegExp(`^Watch ${UUID} created: Mondays, cron 0 6 \\* \\* 1 UTC\nNext run: \\d{4}-\\d\\d-\\d\\d 06:00 UTC$`, 'm'), 'a cron watch runs first at its first matching time');

  const list = await blb(['watch', 'list']);
  t.equal(list.code, 0, list.stderr);
  t.match(list.stdout, /^ID +NAME +SCHEDULE +PAUSED +NEXT RUN +LAST RUN +NEW +REOPENED +GONE +REVIVED$/m);
  t.match(list.stdout, new RegExp(`^${id} +Gardening niche +every 1d +no +${MINUTE} +completed +7 +0 +0 +0$`, 'm'));
  t.match(list.stdout, new RegExp(`^${UUID} +http://blog-a\\.test:\\S+ +cron 0 6 \\* \\* 1 Europe/Berlin +yes +- +-$`, 'm'), 'a paused watch, never run');

  const empty = await blb(['watch', 'runs', (await api('/v1/watches')).items[0].id]);
  t.equal(empty.code, 0, empty.stderr);
  t.match(empty.stdout, /^No runs of watch \S+ yet\.$/m);
});

t.test('bad input: one line saying what to fix, exit code 1, nothing created', async (t) => {
  const before = (await api('/v1/watches')).items.length;
  // The server's schedule messages are tested with the API (test/e2e/watches.test.ts, test/crawl/schedule.test.ts):
  // here, one relayed, and the CLI's own checks.
  const cases: [string[], RegExp][] = [
    [['--every', '5x'], /^blb: schedule: every '5x' is not hourly, daily, weekly or a count and a unit \(30m, 6h, 2d\)$/],
    [[], /^blb: watch create needs a schedule, --every \(hourly, daily, weekly, 30m, 6h, 2d\) or --cron "0 6 \* \* 1"/],
    [['--every', 'daily', '--cron', '0 6 * * 1'], /^blb: give watch create either --every or --cron, not both$/],
    [['--every', 'daily', '--max-pages', 'lots'], /^blb: --max-pages must be a whole number, not 'lots'$/],
    [['--evry', 'daily'], /^blb: Unknown option '--evry'.* \(blb --help lists the commands and their options\)$/],
  ];
  const runs = await Promise.all([
    ...cases.map(([flags]) => blb(['watch', 'create', niche.seed, ...flags])),
    blb(['watch', 'create', '--every', 'daily']),
    blb(['watch', 'create', 'ftp://example.com/', '--every', 'daily']),
    blb(['watch', 'runs']),
    blb(['watch', 'runs', 'no-such-watch']),
  ]);
  const expected = [
    ...cases.map(([, message]) => message),
    /^blb: watch create needs at least one seed URL: blb watch create https:\/\/example\.com\/ --every daily$/,
    /^blb: seeds\[0\] 'ftp:\/\/example\.com\/' must use http or https/,
    /^blb: watch runs needs a watch id: blb watch runs <watch-id> \(blb watch list shows them\)$/,
    /^blb: watch not found$/,
  ];
  runs.forEach((run, i) => {
    t.equal(run.code, 1, `exit code 1: ${run.stderr}`);
    t.match(run.stderr.trimEnd(), expected[i]!);
    t.equal(run.stderr.trimEnd().split('\n').length, 1, `one line: ${run.stderr}`);
    t.equal(run.stdout, '');
  });
  t.equal((await api('/v1/watches')).items.length, before, 'no watch was created');
});

t.test('--help shows the watch commands', async (t) => {
  const help = await blb(['--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /blb watch create <seed-url>\.\.\. --every hourly\|daily\|weekly\|30m\|6h\|2d \| --cron "0 6 \* \* 1" \[--timezone Europe\/Berlin\]/);
  t.match(help.stdout, /\[--name NAME\] \[--scope outward\|site\] \[--depth N\] \[--max-pages N\] \[--no-robots\] \[--paused\]/);
  t.match(help.stdout, /blb watch list\n/);
  t.match(help.stdout, /blb watch runs <watch-id> \[<run-id>\]/);
  const bare = await blb([]);
  t.equal(bare.code, 2, 'no command at all is a usage error');
});

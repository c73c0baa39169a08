import t from 'tap';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeadLink } from '../../examples/demo-site.mjs';
import { projectRoot as ROOT } from '../../services/project-root.js';
import { runProcess } from '../support/cli-service.js';
import { freePort } from '../support/own-services.js';
import { scratchStore } from '../support/scratch-store.js';

// README.md as a newcomer reads it: the walkthrough of "Try it on a local test site" run as written, in
// three terminals, and every command elsewhere that a reader would copy checked against the real thing.
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
// The demo site's own list of its dead links, from the file the README runs (tests run from dist/, where it is not).
const { deadLinks } = (await import(pathToFileURL(join(ROOT, 'examples/demo-site.mjs')).href)) as typeof import('../../examples/demo-site.mjs');

/** Every fenced code block of the README: its info string (`sh title=terminal-1`) and its text. */
const BLOCKS = [...README.matchAll(/^```([^\n]*)\n([^]*?)^```$/gm)].map((m) => ({ info: m[1]!.trim(), text: m[2]! }));
const SHELL_BLOCKS = BLOCKS.filter((block) => /^(sh|bash|shell)\b/.test(block.info));

/** The walkthrough's block for one terminal, found by its fence's info string, not by the prose around it. */
function terminalBlock(name: string): string {
  const found = BLOCKS.filter((block) => block.info === `sh title=${name}`);
  if (found.length !== 1) throw new Error(`README.md has ${found.length} blocks marked \`\`\`sh title=${name}, not one`);
  return found[0]!.text;
}

/** `text` with `from` replaced by `to`, where `from` must occur exactly once: a substitution that finds nothing is a failure. */
function substituteOnce(text: string, from: string, to: string): string {
  const parts = text.split(from);
  if (parts.length !== 2) throw new Error(`expected '${from}' once in the walkthrough, found it ${parts.length - 1} times`);
  return parts.join(to);
}

interface Terminal {
  /** stdout and stderr as they came, for a person to read. */
  output(): string;
  stdout(): string;
  exited: Promise<number | null>;
  /** Sends a signal to the whole process group, as Ctrl-C (SIGINT) in a terminal does. */
  signal(signal: NodeJS.Signals): void;
  /** Stops the whole process group (npm, sh and node under it): SIGTERM, then SIGKILL after a grace. */
  stop(): Promise<void>;
}

/** A shell as a terminal runs one: its own process group, in the checkout; what it prints is kept. */
function terminal(args: string[], env: NodeJS.ProcessEnv): Terminal {
  const child = spawn('bash', args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-200_000));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout = (stdout + chunk.toString()).slice(-200_000);
    keep(chunk);
  });
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  let ended = false;
  // Should the test process end without its teardown (an uncaught error), no service is left behind.
  const orphaned = () => signalGroup('SIGKILL');
  process.once('exit', orphaned);
  void exited.then(() => {
    ended = true;
    process.off('exit', orphaned);
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is gone already.
    }
  };
  return {
    output: () => output,
    stdout: () => stdout,
    exited,
    signal: signalGroup,
    async stop() {
      if (ended) return;
      signalGroup('SIGTERM');
      // The service finishes its jobs on SIGTERM (25 s at most); a hung group is killed.
      if (await Promise.race([exited.then(() => true), sleep(40_000, false, { ref: false })])) return;
      signalGroup('SIGKILL');
      await exited;
    },
  };
}

/** Waits for `check` to hold, giving up early when `terminal` has exited. Generous: the machine may be busy. */
async function waitFor(what: string, check: () => Promise<boolean>, term: Terminal, timeoutMs: number): Promise<void> {
  let exited = false;
  void term.exited.then(() => (exited = true));
  for (const started = Date.now(); Date.now() - started < timeoutMs; await sleep(250)) {
    if (await check().catch(() => false)) return;
    if (exited) throw new Error(`${what}: the process exited first. Its output:\n${term.output()}`);
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s. Output so far:\n${term.output()}`);
}

/**
 * The environment the test runner was started in, as a terminal would have it: without the runner's own
 * variables, among them NODE_OPTIONS carrying its loader, which would load into every node the shells start.
 */
function shellEnvironment(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(TAP|_TAPJS_)/.test(name)));
  if (env.NODE_OPTIONS?.includes('@tapjs/')) delete env.NODE_OPTIONS;
  return env;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const prospectKey = (p: Pick<DeadLink, 'sourceUrl' | 'deadUrl' | 'reason' | 'anchorText'>) => `${p.reason} ${p.deadUrl} on ${p.sourceUrl} (${p.anchorText})`;

t.test('the walkthrough "Try it on a local test site", run as written in three terminals', async (t) => {
  const [servicePort, demoPort] = [await freePort(), await freePort()];
  const store = scratchStore();
  // What the README says how to change (PORT with BLB_URL, DEMO_PORT), and a database and queue prefix of
  // the test's own so that it never touches a newcomer's `blb_prospector` or `blb:` keys. Nothing else.
  const env = {
    ...shellEnvironment(),
    PORT: String(servicePort),
    BLB_URL: `http://localhost:${servicePort}`,
    DEMO_PORT: String(demoPort),
    DATABASE_URL: store.databaseUrl,
    QUEUE_PREFIX: store.queuePrefix,
  };
  // The third terminal's URLs name the default ports; these two are the ones the README says are yours to choose.
  let thirdTerminal = terminalBlock('terminal-3');
  thirdTerminal = substituteOnce(thirdTerminal, 'export BLB_URL=http://localhost:3000 ', `export BLB_URL=http://localhost:${servicePort} `);
  thirdTerminal = substituteOnce(thirdTerminal, './bin/blb crawl http://127.0.0.1:8080/ ', `./bin/blb crawl http://127.0.0.1:${demoPort}/ `);

  const service = terminal(['-c', terminalBlock('terminal-1')], env);
  let site: Terminal | undefined;
  t.teardown(async () => {
    await Promise.all([site?.stop(), service.stop()]);
    await store.drop();
  });
  await waitFor('GET /healthz answers 200', async () => (await fetch(`http://localhost:${servicePort}/healthz`)).status === 200, service, 90_000);

  site = terminal(['-c', terminalBlock('terminal-2')], env);
  const demoSite = site;
  await waitFor('the test site listens', async () => /^Requests:$/m.test(demoSite.output()), demoSite, 30_000);
  const expected = deadLinks(demoPort);
  t.equal(expected.length, 4, 'the test site has four dead links: two to a 404, a 410 and a soft 404');
  for (const link of expected) {
    t.match(demoSite.stdout(), new RegExp(`^ +${link.reason} +${escape(link.deadUrl)} +on ${escape(link.sourceUrl)}$`, 'm'), `it prints ${link.reason} ${link.deadUrl}`);
  }

  const commands = terminal(['-e', '-c', thirdTerminal], env);
  // A crawl of a dozen URLs takes seconds; the rest is room for a busy machine, within tap's 300 s a file.
  if (!(await Promise.race([commands.exited.then(() => true), sleep(120_000, false, { ref: false })]))) {
    await commands.stop();
    t.fail("the third terminal's commands did not end within 120 s", { output: commands.output() });
    return;
  }
  const code = await commands.exited;
  // What was printed, shown when an assertion fails; stdout alone is matched (stderr has the progress bar).
  const seen = { output: commands.output() };
  const stdout = commands.stdout();
  t.equal(code, 0, "the third terminal's commands succeed", seen);
  t.match(stdout, new RegExp(`^Crawl [0-9a-f-]{36} completed: \\d+ pages, \\d+ links checked, ${expected.length} prospects$`, 'm'), 'the crawl completed with a prospect per dead link', seen);
  for (const link of expected) {
    t.match(stdout, new RegExp(`^\\d+ +${link.reason} +${escape(link.deadUrl)} +${escape(link.sourceUrl)} `, 'm'), `the CLI's table lists ${link.deadUrl} on ${link.sourceUrl}`, seen);
  }

  const json = stdout.slice(stdout.lastIndexOf('{"items":'));
  let listed: { items: DeadLink[]; nextCursor: string | null } | undefined;
  try {
    listed = JSON.parse(json);
  } catch {
    t.fail('the curl of the prospects prints their JSON last', seen);
    return;
  }
  t.same(listed!.items.map(prospectKey).sort(), expected.map(prospectKey).sort(), 'the prospects are exactly the dead links the test site says it has');
  t.equal(listed!.nextCursor, null, 'all of them on one page');

  demoSite.signal('SIGINT');
  t.equal(await Promise.race([demoSite.exited, sleep(30_000, 'still running', { ref: false })]), 0, 'Ctrl-C stops the test site');
});

t.test('every curl command in the README reaches the service at $BLB_URL', async (t) => {
  // Commands, not comments or output; a command continued with a backslash counts as one line.
  const commands = SHELL_BLOCKS.flatMap((block) => block.text.replace(/\\\n/g, ' ').split('\n')).filter((line) => line.trim() && !line.trim().startsWith('#'));
  const curls = commands.filter((line) => /\bcurl\b/.test(line));
  t.ok(curls.length > 40, `the README's curl commands are found (${curls.length})`);
  for (const line of curls) {
    const withoutComment = line.replace(/\s#\s.*$/, '');
    const serviceUrls = [...withoutComment.matchAll(/(\S*)(\/(?:v1|admin|healthz|readyz|metrics|openapi\.yaml|docs)\b[^\s"']*)/g)];
    for (const [, before, path] of serviceUrls) t.match(before, /\$BLB_URL$/, `${path} is reached through $BLB_URL in: ${line.trim()}`);
  }
  for (const line of commands) {
    if (/(localhost|127\.0\.0\.1):3000/.test(line)) t.match(line.trim(), /^export BLB_URL=http:\/\/localhost:3000\b/, `only BLB_URL's definition names the port: ${line.trim()}`);
  }
});

t.test('every ./bin/blb command the README names is in ./bin/blb --help', async (t) => {
  const help = await runProcess('./bin/blb', ['--help'], { cwd: ROOT });
  t.equal(help.code, 0, help.stderr);
  // A command is its words up to the first argument or option: `blb crawls list`, `blb keys create <name>`.
  const words = (text: string) => {
    const all = text.trim().split(/\s+/);
    const end = all.findIndex((word) => !/^[a-z][a-z-]*$/.test(word));
    return end < 0 ? all : all.slice(0, end);
  };
  const known = [...help.stdout.matchAll(/^ +blb ([^\n]+)$/gm)].map((m) => words(m[1]!)).filter((w) => w.length > 0);
  t.ok(known.some((w) => w.join(' ') === 'crawls list'), 'the help lists commands');
  // ./bin/blb, /path/to/blb-prospector/bin/blb and, in prose, `blb …` through a symlink.
  const named = [...README.matchAll(/(?:\bbin\/blb|`blb)((?: +[^\s`|;&)]+)*)/g)].map((m) => words(m[1]!)).filter((w) => w.length > 0);
  t.ok(named.length >= 10, `the README's blb commands are found (${named.length})`);
  for (const command of named) {
    const match = known.find((k) => k.every((word, i) => command[i] === word));
    t.ok(match, `blb ${command.join(' ')} is a command of ./bin/blb --help`);
  }
});

t.test('every link to a section of the README leads to one', async (t) => {
  // Headings and links outside code blocks (where `# …` is a comment). GitHub's anchors: the heading in
  // lower case, punctuation dropped, spaces as hyphens.
  const outsideBlocks = README.replace(/^```[^]*?^```$/gm, '');
  const anchors = new Set([...outsideBlocks.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-')));
  t.ok(anchors.has('try-it-on-a-local-test-site'));
  for (const [, anchor] of outsideBlocks.matchAll(/\]\(#([^)]+)\)/g)) t.ok(anchors.has(anchor!), `#${anchor} is a heading`);
});

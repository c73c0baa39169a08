import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startEnvironment, ADMIN_TOKEN } from '../support/environment.js';
import { startFakeWeb, htmlPage } from '../support/fake-web.js';
import { projectRoot } from '../../services/project-root.js';

// Debian's Chromium, driven by playwright-core (no browser download). .ci/run installs it and sets
// BLB_REQUIRE_BROWSER, so CI cannot skip this test; elsewhere a missing browser is a loud skip.
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(projectRoot, 'artifacts');

const skip = !existsSync(CHROMIUM) && !process.env.BLB_REQUIRE_BROWSER
  ? `the browser test needs Debian's Chromium at ${CHROMIUM} (apt-get install -y chromium)` : false;

t.test('an operator steers the fleet from the browser', { skip }, async (t) => {
  // A site whose robots.txt asks for a 20 s Crawl-delay: its crawl stays running while we look. And a
  // small one that completes, with two dead outbound links: its prospects.
  const web = await startFakeWeb({
    'slow.test': {
      '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nCrawl-delay: 20\n' },
      '/': { body: htmlPage('Slow garden', [['/a', 'a'], ['/b', 'b']]) },
      '/a': { body: htmlPage('A') },
      '/b': { body: htmlPage('B') },
    },
    'gone.test': { '/': { body: htmlPage('The host lives') } },
  });
  web.setRoute('quick.test', '/', { body: htmlPage('Quick garden', [['/a', 'page a'], [web.url('gone.test', '/x'), 'the lost guide']]) });
  web.setRoute('quick.test', '/a', { body: htmlPage('A', [[web.url('gone.test', '/y'), 'another lost page']]) });
  const env = await startEnvironment({ resolver: web.resolver, workers: true });
  const profile = mkdtempSync(join(tmpdir(), 'blb-chromium-'));
  let browser: BrowserContext | undefined;
  t.teardown(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
    await env.close();
    await web.close();
  });
  const base = await env.app.listen({ port: 0, host: '127.0.0.1' });
  const owner = await env.newApiKey('Browser Co');
  const clientHeaders = { authorization: `Bearer ${owner.key}` };
  const statusOf = async (id: string): Promise<string> => (await env.runtime.db.query('SELECT status FROM crawls WHERE id = $1', [id])).rows[0].status;
  const startCrawl = async (seed: string): Promise<{ id: string }> =>
    (await env.app.inject({ method: 'POST', url: '/v1/crawls', headers: clientHeaders, payload: { seeds: [seed], scope: 'site' } })).json();
  const quick = await startCrawl(web.url('quick.test'));
  for (let i = 0; i < 1200 && ['queued', 'running'].includes(await statusOf(quick.id)); i++) await sleep(100);
  t.equal(await statusOf(quick.id), 'completed', 'the small crawl completed');
  const crawl = await startCrawl(web.url('slow.test'));
  for (let i = 0; i < 300 && (await statusOf(crawl.id)) !== 'running'; i++) await sleep(100);

  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page: Page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  mkdirSync(ARTIFACTS, { recursive: true });
  const shot = async (name: string) => {
    const path = join(ARTIFACTS, `admin-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    t.same([...readFileSync(path).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], `screenshot kept: artifacts/admin-${name}.png`);
  };

  // Signing in.
  await page.goto(`${base}/admin`);
  t.match(page.url(), /\/admin\/login\?next=%2Fadmin$/, 'sent to the login page');
  await page.getByLabel('Your name').fill('Olivia Ops');
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/admin`);
  t.match(await page.locator('header .who').innerText(), /signed in as\s+Olivia Ops/);

  // The running crawl and the queues, on the fleet page.
  const crawlRow = page.locator(`#crawls tr[data-crawl="${crawl.id}"]`);
  t.match(await crawlRow.innerText(), /Browser Co\s+running/, 'the running crawl, with its account');
  t.match(await page.locator('#queues tr[data-queue="pages"]').innerText(), /pages\s+running/);
  t.equal(await page.locator('#queues tbody tr').count(), 8, 'every queue');
  await shot('fleet');

  // Pause and resume a queue on the queue board.
  await page.getByRole('link', { name: 'Queues' }).click();
  await page.getByRole('link', { name: 'pages' }).first().click();
  await page.waitForURL(/\/admin\/queues\/queue\/pages$/);
  // The queue's actions menu (the last menu button, right of the status tabs). The board is a React app
  // that renders in steps: until it has settled, the last menu button may be another one, so retry.
  const openQueueMenu = async (item: 'Pause' | 'Resume') => {
    await page.getByRole('link', { name: 'LATEST', exact: true }).waitFor();
    for (let attempt = 1; ; attempt++) {
      await page.locator('button[aria-haspopup="menu"]').last().click();
      const entry = page.getByRole('menuitem', { name: item });
      try {
        await entry.waitFor({ timeout: 2_000 });
        return entry;
      } catch (error) {
        if (attempt === 5) throw error;
        await page.keyboard.press('Escape');
      }
    }
  };
  const queueMenu = async (item: 'Pause' | 'Resume') => {
    await (await openQueueMenu(item)).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
  };
  const pausedState = async (want: boolean) => {
    for (let i = 0; i < 100 && (await env.runtime.queues.pages.isPaused()) !== want; i++) await sleep(100);
    return env.runtime.queues.pages.isPaused();
  };
  await queueMenu('Pause');
  t.equal(await pausedState(true), true, 'the pages queue is paused');
  t.ok(await (await openQueueMenu('Resume')).isVisible(), 'the board offers to resume it');
  await page.keyboard.press('Escape');
  await shot('queue-board');
  await queueMenu('Resume');
  t.equal(await pausedState(false), false, 'and running again');
  // The way back: a link of ours on every board screen (the board's own menu has one too).
  await page.locator('#blb-back-to-admin').click();
  await page.waitForURL(`${base}/admin`);

  // Revoke the account's key.
  await page.goto(`${base}/admin/accounts`);
  await page.getByRole('link', { name: 'Browser Co' }).click();
  const keyRow = page.locator('#keys tbody tr').first();
  t.match(await keyRow.innerText(), /active/);
  await keyRow.getByRole('button', { name: 'Revoke' }).click();
  t.match(await page.getByRole('status').innerText(), /Key Browser Co \(blb_live_[\w-]+…\) revoked/);
  t.match(await page.locator('#keys tbody tr').first().innerText(), /revoked/);
  const refused = await env.app.inject({ method: 'GET', url: '/v1/crawls', headers: clientHeaders });
  t.equal(refused.statusCode, 401, 'the revoked key is refused');

  // The completed crawl's page, from its id in the crawl list: its progress chart and its prospects.
  await page.getByRole('link', { name: 'Crawls', exact: true }).click();
  await page.locator(`#crawls tr[data-crawl="${quick.id}"] a[href="/admin/crawls/${quick.id}"]`).click();
  await page.waitForURL(`${base}/admin/crawls/${quick.id}`);
  const chart = page.locator('svg#progress');
  t.ok(await chart.isVisible(), 'the progress chart is drawn');
  t.ok((await chart.locator('circle.point.pages').count()) >= 1 && (await chart.locator('circle.point.links').count()) >= 1, 'with data points');
  const box = await chart.boundingBox();
  t.ok(box && box.width > 300 && box.height > 100, `and has a size on the page (${box?.width} x ${box?.height})`);
  t.equal(await page.locator('#prospects tbody tr').count(), 2, 'both prospects listed');
  t.match(await page.locator('#prospects').innerText(), /gone\.test:\d+\/x[\s\S]*the lost guide[\s\S]*not_found/);
  t.match(await page.locator('#prospect-count').innerText(), /1–2 of 2/);
  t.match(await page.locator('#verdicts').innerText(), /dead\s+not_found\s+2/);
  t.match(await page.locator('#not-cancellable').innerText(), /has ended \(completed\): there is nothing to cancel/);
  await shot('crawl');
  await page.goto(`${base}/admin/crawls/${quick.id}/cancel`);
  t.match(await page.getByRole('alert').innerText(), /already completed: there is nothing to cancel/, 'a finished crawl cannot be cancelled, and says so');

  // Cancel the running crawl from its page: a question first, then the answer.
  await page.goto(`${base}/admin/crawls/${crawl.id}`);
  await page.getByRole('button', { name: 'Cancel this crawl…' }).click();
  // A form that asks by GET: the URL may end in an empty query.
  await page.waitForURL(new RegExp(`/admin/crawls/${crawl.id}/cancel\\??$`));
  t.equal(await statusOf(crawl.id), 'running', 'asking cancels nothing');
  // The same question in a second tab, answered after the crawl has ended.
  const stale = await browser.newPage();
  await stale.goto(page.url());
  await page.getByRole('button', { name: 'Yes, cancel the crawl' }).click();
  await page.waitForURL(new RegExp(`/admin/crawls/${crawl.id}\\?notice=`));
  t.match(await page.getByRole('status').innerText(), /of Browser Co is cancelled/);
  t.match(await page.locator('#crawl-summary .tag').innerText(), /cancelled/);
  t.equal(await statusOf(crawl.id), 'cancelled');
  await stale.getByRole('button', { name: 'Yes, cancel the crawl' }).click();
  t.match(await stale.getByRole('alert').innerText(), /already ended \(cancelled\): there is nothing to cancel/, 'the second answer is told the crawl has ended');
  await stale.close();

  // Everything Olivia did, in the audit log.
  await page.getByRole('link', { name: 'Audit log' }).click();
  const rows = await page.locator('#audit tbody tr').allInnerTexts();
  const mine = rows.filter((row) => row.includes('Olivia Ops')).map((row) => row.split('\t')[2]);
  t.same(mine, ['crawl.cancel', 'api_key.revoke', 'queue.resume', 'queue.pause', 'login']);
  await shot('audit');
  await page.getByLabel('Who').fill('Olivia Ops');
  await page.getByLabel('What').fill('crawl');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/\/admin\/audit\?actor=Olivia\+Ops&action=crawl/);
  const filtered = await page.locator('#audit tbody tr').allInnerTexts();
  t.same(filtered.map((row) => row.split('\t')[2]), ['crawl.cancel'], 'the audit log filtered by who and what');
  await page.locator('#audit tbody tr').first().getByRole('link').click();
  await page.waitForURL(`${base}/admin/crawls/${crawl.id}`);

  // A phone's width: the page never scrolls sideways; wide tables scroll inside their own box.
  await page.setViewportSize({ width: 375, height: 800 });
  // A string, evaluated in the page: this file is compiled without the DOM's types.
  const sideways = () => page.evaluate<{ scroll: number; inner: number }>('({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })');
  for (const path of ['/admin/crawls', `/admin/crawls/${quick.id}`, '/admin/audit']) {
    await page.goto(`${base}${path}`);
    const { scroll, inner } = await sideways();
    t.ok(scroll <= inner + 1, `${path} fits 375 px (scrollWidth ${scroll}, innerWidth ${inner})`);
  }
  await page.goto(`${base}/admin/crawls`);
  const wrapper = await page.locator('.wide').first().evaluate((box) => ({ scroll: box.scrollWidth, client: box.clientWidth }));
  t.ok(wrapper.scroll > wrapper.client, `the crawl table scrolls inside its box (${wrapper.scroll} > ${wrapper.client})`);
  await page.goto(`${base}/admin/crawls/${quick.id}`);
  await shot('crawl-narrow');
});

import { html, type Html } from '../html.js';
import type { AdminCrawl } from '../operations.js';
import type { CrawlProgress } from '../../store/crawl-progress.js';
import type { Prospect } from '../../store/prospects.js';
import { when } from './layout.js';
import { cancelButton, errorList, isLive } from './crawls.js';
import { progressChart } from './progress-chart.js';

export interface CrawlPageState {
  crawl: AdminCrawl;
  progress: CrawlProgress | null;
  prospects: Prospect[];
  /** Where this page of prospects starts in the list (0 for the first). */
  prospectsOffset: number;
  nextProspectsHref: string | null;
}

const orElse = (value: string | number | null, otherwise: string) =>
  value === null ? html`<span class="muted">${otherwise}</span>` : html`${value}`;

/** A crawled URL as a link that tells the site nothing of the admin. */
const outbound = (url: string) =>
  /^https?:\/\//i.test(url) ? html`<a href="${url}" rel="noreferrer nofollow" class="url">${url}</a>` : html`<span class="url">${url}</span>`;

function settingsTable(crawl: AdminCrawl): Html {
  const rows: [string, Html][] = [
    ['Scope', html`${crawl.scope}`],
    ['Seeds', html`${crawl.seeds.map((seed) => html`<div>${outbound(seed)}</div>`)}`],
    ['Max depth', orElse(crawl.maxDepth, 'no cap')],
    ['Max pages', html`${crawl.maxPages}`],
    ['Max pages per host', orElse(crawl.maxPagesPerHost, 'no cap')],
    ['robots.txt', html`${crawl.respectRobots ? 'obeyed' : 'ignored'}`],
    ['Host concurrency', orElse(crawl.hostConcurrency, 'the service default')],
    ['Host interval', orElse(crawl.hostIntervalMs === null ? null : `${crawl.hostIntervalMs} ms`, 'the service default')],
  ];
  if (crawl.include.length) rows.push(['Include', html`${crawl.include.map((pattern) => html`<div><code>${pattern}</code></div>`)}`]);
  if (crawl.exclude.length) rows.push(['Exclude', html`${crawl.exclude.map((pattern) => html`<div><code>${pattern}</code></div>`)}`]);
  if (crawl.keywords.length) rows.push(['Keywords', html`${crawl.keywords.join(', ')}`]);
  if (crawl.minRelevance !== null) rows.push(['Min relevance', html`${crawl.minRelevance}`]);
  if (crawl.niche) rows.push(['Niche', html`${crawl.niche.lang ? html`<span class="tag">${crawl.niche.lang}</span> ` : ''}${crawl.niche.topTerms.join(', ')}`]);
  return html`<div class="wide"><table id="settings" class="pairs"><tbody>
${rows.map(([name, value]) => html`<tr><th scope="row">${name}</th><td>${value}</td></tr>`)}</tbody></table></div>`;
}

function statsTable(crawl: AdminCrawl): Html {
  const { stats, rate } = crawl;
  return html`<div class="wide"><table id="stats"><thead><tr><th class="num">Pages crawled</th><th class="num">Pages failed</th>
<th class="num">Links checked / found</th><th class="num">Dead links</th><th class="num">Prospects</th>
<th class="num">Pages/s</th><th class="num">Links/s</th><th>Errors</th></tr></thead><tbody><tr data-crawl="${crawl.id}">
<td class="num">${stats.pagesCrawled}</td><td class="num">${stats.pagesFailed}</td><td class="num">${stats.linksChecked} / ${stats.linksFound}</td>
<td class="num">${stats.deadLinks}</td><td class="num">${stats.prospects}</td>
<td class="num" title="${rate.over === 'last_minute' ? 'over the last minute' : 'over the whole run'}">${rate.pagesPerSecond}</td>
<td class="num">${rate.linksPerSecond}</td><td>${errorList(crawl)}</td></tr></tbody></table></div>`;
}

function verdictTable(crawl: AdminCrawl): Html {
  if (crawl.verdicts.length === 0) return html`<p class="muted">No link checked yet.</p>`;
  return html`<div class="wide"><table id="verdicts"><thead><tr><th>Verdict</th><th>Reason</th><th class="num">Links</th></tr></thead><tbody>
${crawl.verdicts.map((v) => html`<tr><td><span class="tag verdict-${v.verdict}">${v.verdict}</span></td><td>${v.reason ?? html`<span class="muted">—</span>`}</td>
<td class="num">${v.count}</td></tr>`)}</tbody></table></div>`;
}

function prospectTable(state: CrawlPageState): Html {
  const { prospects, prospectsOffset: offset, crawl } = state;
  if (prospects.length === 0) return html`<p class="muted">${offset ? 'No more prospects.' : 'No prospect yet.'}</p>`;
  return html`<p class="muted" id="prospect-count">${offset + 1}–${offset + prospects.length} of ${crawl.stats.prospects}, highest score first.</p>
<div class="wide"><table id="prospects"><thead><tr><th class="num">Score</th><th>Dead URL</th><th>Found on</th><th>Anchor</th><th>Reason</th></tr></thead><tbody>
${prospects.map((p) => html`<tr data-prospect="${p.id}"><td class="num">${p.score}</td><td>${outbound(p.deadUrl)}</td>
<td>${outbound(p.sourceUrl)}${p.sourceTitle ? html`<div class="muted">${p.sourceTitle}</div>` : ''}</td>
<td>${typeof p.anchorText === 'string' && p.anchorText ? p.anchorText : html`<span class="muted">—</span>`}</td>
<td>${p.reason}${typeof p.httpStatus === 'number' ? html` <span class="muted">(${p.httpStatus})</span>` : ''}</td></tr>`)}
</tbody></table></div>
${state.nextProspectsHref ? html`<p><a href="${state.nextProspectsHref}">More prospects →</a></p>` : ''}`;
}

/** One crawl: what it was asked to do, how it went over time, what it found, and a way to stop it. */
export function crawlPage(state: CrawlPageState): Html {
  const { crawl } = state;
  return html`<p id="crawl-summary"><span class="tag ${crawl.status}">${crawl.status}</span>
of <a href="/admin/accounts/${crawl.accountId}">${crawl.accountName}</a> · <code>${crawl.id}</code>
${crawl.watchId ? html` · a run of watch <code title="${crawl.watchId}">${crawl.watchId.slice(0, 8)}</code>` : ''}</p>
<p class="muted">Created ${when(crawl.createdAt)} · started ${when(crawl.startedAt)} · ended ${when(crawl.finishedAt)} (UTC)</p>
${crawl.error ? html`<div class="error" role="alert">${crawl.error}</div>` : ''}
<p>${isLive(crawl) ? cancelButton(crawl, 'Cancel this crawl…') : html`<span class="muted" id="not-cancellable">This crawl has ended (${crawl.status}): there is nothing to cancel.</span>`}</p>
<h2>Progress</h2>${progressChart(state.progress)}
${statsTable(crawl)}
<h2>Settings</h2>${settingsTable(crawl)}
<h2>Verdicts by reason</h2>${verdictTable(crawl)}
<h2>Prospects</h2>${prospectTable(state)}`;
}

/** The question before a crawl is cancelled; a crawl that has ended says so instead. */
export function cancelCrawlPage(crawl: AdminCrawl, endedMessage: string | null): Html {
  if (endedMessage) {
    return html`<div class="error" role="alert">${endedMessage}</div><p><a href="/admin/crawls/${crawl.id}">Back to the crawl</a></p>`;
  }
  return html`<p>Cancel crawl <code>${crawl.id}</code> of <strong>${crawl.accountName}</strong>? It has crawled
${crawl.stats.pagesCrawled} pages and checked ${crawl.stats.linksChecked} links; the pages and links it has not reached yet are left undone, and a cancelled crawl cannot be resumed.</p>
<form method="post" action="/admin/crawls/${crawl.id}/cancel" class="confirm"><input type="hidden" name="confirm" value="yes">
<button class="danger">Yes, cancel the crawl</button> <a href="/admin/crawls/${crawl.id}">No, keep it running</a></form>`;
}

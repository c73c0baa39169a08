import { html, type Html } from '../html.js';
import type { AdminCrawl } from '../operations.js';
import { when } from './layout.js';
import { LIVE_CRAWL_STATUSES } from '../../crawl/settings.js';

const STATUSES = ['running', 'queued', 'completed', 'cancelled', 'failed'];

export const isLive = (crawl: Pick<AdminCrawl, 'status'>) => LIVE_CRAWL_STATUSES.includes(crawl.status);

/** A crawl's short id, linked to its page. */
export const crawlLink = (id: string) => html`<a href="/admin/crawls/${id}"><code title="${id}">${id.slice(0, 8)}</code></a>`;

/** Cancelling asks first: this opens the confirmation, which works without JavaScript. */
export const cancelButton = (crawl: Pick<AdminCrawl, 'id'>, label = 'Cancel…') =>
  html`<form class="inline" method="get" action="/admin/crawls/${crawl.id}/cancel"><button>${label}</button></form>`;

function verdictList(crawl: AdminCrawl): Html {
  if (crawl.verdicts.length === 0) return html`<span class="muted">—</span>`;
  return html`${crawl.verdicts.map((v) => html`<div>${v.verdict}${v.reason ? html` <span class="muted">${v.reason}</span>` : ''}: ${v.count}</div>`)}`;
}

export function errorList(crawl: AdminCrawl): Html {
  if (!crawl.error && crawl.pageErrors.length === 0) return html`<span class="muted">—</span>`;
  return html`${crawl.error ? html`<div><strong>${crawl.error}</strong></div>` : ''}
${crawl.pageErrors.map((e) => html`<div>${e.outcome}: ${e.count} page${e.count === 1 ? '' : 's'}</div>`)}`;
}

export function crawlTable(crawls: AdminCrawl[]): Html {
  return html`<div class="wide"><table id="crawls"><thead><tr><th>Crawl</th><th>Account</th><th>Status</th><th>Seeds</th>
<th class="num">Pages</th><th class="num">Links checked</th><th class="num">Dead</th><th class="num">Prospects</th>
<th class="num">Pages/s</th><th class="num">Links/s</th><th>Verdicts by reason</th><th>Errors</th><th></th></tr></thead><tbody>
${crawls.map((crawl) => html`<tr data-crawl="${crawl.id}"><td>${crawlLink(crawl.id)}
<div class="muted">${when(crawl.createdAt)}</div></td>
<td><a href="/admin/accounts/${crawl.accountId}">${crawl.accountName}</a></td>
<td><span class="tag ${crawl.status}">${crawl.status}</span></td>
<td>${crawl.seeds.slice(0, 3).map((seed) => html`<div>${seed}</div>`)}${crawl.seeds.length > 3 ? html`<div class="muted">+${crawl.seeds.length - 3} more</div>` : ''}</td>
<td class="num">${crawl.stats.pagesCrawled}${crawl.stats.pagesFailed ? html` <span class="muted">(${crawl.stats.pagesFailed} failed)</span>` : ''}</td>
<td class="num">${crawl.stats.linksChecked} / ${crawl.stats.linksFound}</td><td class="num">${crawl.stats.deadLinks}</td>
<td class="num">${crawl.stats.prospects}</td>
<td class="num" title="${crawl.rate.over === 'last_minute' ? 'over the last minute' : 'over the whole run'}">${crawl.rate.pagesPerSecond}</td>
<td class="num">${crawl.rate.linksPerSecond}</td><td>${verdictList(crawl)}</td><td>${errorList(crawl)}</td>
<td>${isLive(crawl) ? cancelButton(crawl) : ''}</td></tr>`)}
</tbody></table></div>`;
}

export function crawlsPage(state: { crawls: AdminCrawl[]; status?: string; nextHref: string | null }): Html {
  return html`<nav class="filters">Show: <a href="/admin/crawls">all</a>
${STATUSES.map((status) => html`<a href="/admin/crawls?status=${status}">${status === state.status ? html`<strong>${status}</strong>` : status}</a>`)}</nav>
<p class="muted">Rates are over the last minute for running crawls, over the whole run for ended ones.</p>
${state.crawls.length > 0 ? crawlTable(state.crawls) : html`<p class="muted">No crawls.</p>`}
${state.nextHref ? html`<p><a href="${state.nextHref}">Older crawls →</a></p>` : ''}`;
}

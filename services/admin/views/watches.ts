import { html, type Html } from '../html.js';
import type { AdminWatch } from '../operations.js';
import { when } from './layout.js';
import { crawlLink } from './crawls.js';

function scheduleOf(watch: AdminWatch): Html {
  const { every, cron, timezone } = watch.schedule;
  return every !== null ? html`every ${every}` : html`cron <code>${cron}</code> <span class="muted">${timezone}</span>`;
}

function lastRunOf(watch: AdminWatch): Html {
  const run = watch.lastRun;
  if (!run) return html`<td colspan="3" class="muted">No run yet</td>`;
  const { counts } = run;
  return html`<td>${when(run.slotAt)} <span class="tag ${run.status}">${run.status}</span>
${run.skipped ? html`<div class="muted">${run.skipped}</div>` : ''}</td>
<td>${run.crawlId ? crawlLink(run.crawlId) : html`<span class="muted">—</span>`}</td>
<td class="num">${counts.new} / ${counts.reopened} / ${counts.gone} / ${counts.revived}</td>`;
}

export function watchTable(watches: AdminWatch[]): Html {
  return html`<div class="wide"><table id="watches"><thead><tr><th>Account</th><th>Watch</th><th>Schedule</th><th>State</th><th>Next run</th>
<th>Last run</th><th>Crawl</th><th class="num">Diff: new / reopened / gone / revived</th></tr></thead><tbody>
${watches.map((watch) => html`<tr data-watch="${watch.id}"><td><a href="/admin/accounts/${watch.accountId}">${watch.accountName}</a></td>
<td>${watch.name}<div class="muted"><code title="${watch.id}">${watch.id.slice(0, 8)}</code></div></td>
<td>${scheduleOf(watch)}</td>
<td>${watch.paused ? html`<span class="tag paused">paused</span>` : html`<span class="tag ok">active</span>`}</td>
<td>${watch.paused ? html`<span class="muted">—</span>` : when(watch.nextRunAt)}</td>
${lastRunOf(watch)}</tr>`)}
</tbody></table></div>`;
}

export function watchesPage(state: { watches: AdminWatch[]; nextHref: string | null }): Html {
  return html`<p class="muted">Each watch crawls its niche again on its schedule; a run's diff counts the prospects it found new,
reopened, saw gone and revived. Times are UTC.</p>
${state.watches.length > 0 ? watchTable(state.watches) : html`<p class="muted">No watches.</p>`}
${state.nextHref ? html`<p><a href="${state.nextHref}">Older watches →</a></p>` : ''}`;
}

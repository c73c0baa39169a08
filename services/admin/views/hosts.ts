import { html, type Html } from '../html.js';
import type { HostReport } from '../../politeness/host-activity.js';
import { when } from './layout.js';

const empty = (what: string) => html`<p class="muted">${what}</p>`;

export function hostsPage(report: HostReport): Html {
  return html`<h2>Busiest hosts <span class="muted">(jobs in the last ${report.busiestWindowMinutes} minutes)</span></h2>
${report.busiest.length === 0 ? empty('No host was fetched from recently.') : html`<div class="wide"><table id="busiest"><thead><tr><th>Host</th><th class="num">Jobs</th></tr></thead><tbody>
${report.busiest.map((entry) => html`<tr><td>${entry.host}</td><td class="num">${entry.jobs}</td></tr>`)}</tbody></table></div>`}
<h2>Backing off now</h2>
${report.backingOff.length === 0 ? empty('No host is holding us back.') : html`<div class="wide"><table id="backing-off"><thead><tr><th>Host</th><th>Why</th><th>Until</th></tr></thead><tbody>
${report.backingOff.map((entry) => html`<tr><td>${entry.host}</td><td>${entry.detail}</td><td>${when(entry.until)}</td></tr>`)}</tbody></table></div>`}
<h2>Blocking us <span class="muted">(verdicts judged blocked in the last 24 hours)</span></h2>
${report.blocking.length === 0 ? empty('No host blocked us.') : html`<div class="wide"><table id="blocking"><thead><tr><th>Host</th><th class="num">Blocked verdicts</th><th>Last reason</th></tr></thead><tbody>
${report.blocking.map((entry) => html`<tr><td>${entry.host}</td><td class="num">${entry.verdicts}</td><td>${entry.lastReason}</td></tr>`)}</tbody></table></div>`}`;
}

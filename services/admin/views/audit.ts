import { html, type Html } from '../html.js';
import type { AuditEntry } from '../../store/audit.js';
import { when } from './layout.js';

function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail).map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`).join(' · ');
}

export function auditPage(state: { entries: AuditEntry[]; nextHref: string | null }): Html {
  return html`<table id="audit"><thead><tr><th>When (UTC)</th><th>Who</th><th>What</th><th>On</th><th>Detail</th><th>From</th></tr></thead><tbody>
${state.entries.map((entry) => html`<tr><td>${when(entry.at)}</td><td>${entry.actor}</td><td><code>${entry.action}</code></td>
<td>${entry.target ?? ''}</td><td>${detailText(entry.detail)}</td><td class="muted">${entry.ip ?? ''}</td></tr>`)}
</tbody></table>${state.nextHref ? html`<p><a href="${state.nextHref}">Older entries →</a></p>` : ''}`;
}

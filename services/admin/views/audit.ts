import { html, type Html } from '../html.js';
import type { AuditEntry, AuditFilter } from '../../store/audit.js';
import { badRequest } from '../../errors.js';
import { isUuid } from '../../ids.js';
import { when } from './layout.js';
import { crawlLink } from './crawls.js';

/** The audit page's filters as the operator typed them: query parameters of /admin/audit. */
export interface AuditFilterFields {
  actor?: string;
  action?: string;
  target?: string;
  /** A UTC day, YYYY-MM-DD: entries from its start. */
  from?: string;
  /** A UTC day, YYYY-MM-DD: entries to its end. */
  to?: string;
}

const DAY = /^\d{4}-\d\d-\d\d$/;
/** The audit page's query as a store filter; a 400 for a day that is no day or text longer than the columns hold. */
export function auditFilterOf(fields: AuditFilterFields): Omit<AuditFilter, 'limit' | 'beforeId'> {
  const text = (name: 'actor' | 'action' | 'target', max: number) => {
    const value = fields[name]?.trim();
    if (value && value.length > max) throw badRequest('invalid_filter', `${name} is at most ${max} characters`);
    return value || undefined;
  };
  const day = (name: 'from' | 'to') => {
    const value = fields[name]?.trim();
    if (!value) return undefined;
    const start = new Date(`${value}T00:00:00Z`);
    if (!DAY.test(value) || Number.isNaN(start.getTime())) throw badRequest('invalid_filter', `${name} must be a day, YYYY-MM-DD`);
    return start;
  };
  const to = day('to');
  return {
    actor: text('actor', 64), action: text('action', 100), target: text('target', 200),
    since: day('from'), until: to && new Date(to.getTime() + 86_400_000),
  };
}

function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail).map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`).join(' · ');
}

/** What an entry was done to, linked to its page where the admin has one. */
function targetOf(entry: AuditEntry): Html | string {
  if (!entry.target) return '';
  if (entry.action.startsWith('crawl.') && isUuid(entry.target)) return crawlLink(entry.target);
  if (entry.action.startsWith('account.') && isUuid(entry.target)) return html`<a href="/admin/accounts/${entry.target}">${entry.target}</a>`;
  return entry.target;
}

function filterForm(filter: AuditFilterFields): Html {
  const field = (name: keyof AuditFilterFields, label: string, extra: Html = html``) =>
    html`<label>${label} <input name="${name}" value="${filter[name] ?? ''}" ${extra}></label>`;
  const filtered = Object.values(filter).some(Boolean);
  return html`<form method="get" action="/admin/audit" class="filters" id="audit-filters">
${field('actor', 'Who', html`maxlength="64" placeholder="name"`)}
${field('action', 'What', html`maxlength="100" placeholder="crawl.cancel or crawl"`)}
${field('target', 'On', html`maxlength="200" placeholder="id or queue"`)}
${field('from', 'From', html`type="date"`)}
${field('to', 'To', html`type="date"`)}
<button>Filter</button>${filtered ? html` <a href="/admin/audit">Clear</a>` : ''}</form>`;
}

export function auditPage(state: { entries: AuditEntry[]; filter: AuditFilterFields; nextHref: string | null }): Html {
  return html`${filterForm(state.filter)}
${state.entries.length === 0 ? html`<p class="muted" id="audit-empty">No entry matches.</p>` : ''}
<div class="wide"><table id="audit"><thead><tr><th>When (UTC)</th><th>Who</th><th>What</th><th>On</th><th>Detail</th><th>From</th></tr></thead><tbody>
${state.entries.map((entry) => html`<tr><td>${when(entry.at)}</td><td>${entry.actor}</td><td><code>${entry.action}</code></td>
<td>${targetOf(entry)}</td><td>${detailText(entry.detail)}</td><td class="muted">${entry.ip ?? ''}</td></tr>`)}
</tbody></table></div>${state.nextHref ? html`<p><a href="${state.nextHref}">Older entries →</a></p>` : ''}`;
}

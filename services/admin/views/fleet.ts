import { html, type Html } from '../html.js';
import type { QueueSummary } from '../queue-control.js';
import type { Readiness } from '../../readiness.js';
import type { AdminCrawl } from '../operations.js';
import { crawlTable } from './crawls.js';

export function queueTable(queues: QueueSummary[]): Html {
  return html`<div class="wide"><table id="queues"><thead><tr><th>Queue</th><th>State</th><th class="num">Waiting</th><th class="num">Active</th>
<th class="num">Delayed</th><th class="num">Failed</th><th class="num">Completed</th><th class="num">Oldest waiting</th></tr></thead><tbody>
${queues.map((queue) => html`<tr data-queue="${queue.name}"><td><a href="/admin/queues/queue/${queue.name}">${queue.name}</a></td>
<td><span class="tag ${queue.paused ? 'paused' : 'ok'}">${queue.paused ? 'paused' : 'running'}</span></td>
<td class="num">${queue.counts.waiting + queue.counts.prioritized + queue.counts.paused}</td><td class="num">${queue.counts.active}</td>
<td class="num">${queue.counts.delayed}</td><td class="num">${queue.counts.failed}</td><td class="num">${queue.counts.completed}</td>
<td class="num">${queue.oldestWaitingSeconds} s</td></tr>`)}
</tbody></table></div>`;
}

export function fleetPage(state: { readiness: Readiness; queues: QueueSummary[]; running: AdminCrawl[] }): Html {
  const { readiness } = state;
  const tag = (value: string) => html`<span class="tag ${value}">${value}</span>`;
  return html`<p>PostgreSQL ${tag(readiness.postgres)} · Redis ${tag(readiness.redis)} ·
workers taking jobs: <strong>${readiness.workers ?? '?'}</strong> · ${readiness.ready ? tag('ok') : tag('down')}
<span class="muted">(the same check as /readyz)</span></p>
<h2>Queues</h2>${queueTable(state.queues)}
<p class="muted">Jobs, their errors and retries: <a href="/admin/queues">the queue board</a>.</p>
<h2>Running crawls</h2>${state.running.length > 0 ? crawlTable(state.running) : html`<p class="muted">No crawl is running.</p>`}`;
}

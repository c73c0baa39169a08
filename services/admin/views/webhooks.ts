import { html, type Html } from '../html.js';
import type { TroubledEndpoint } from '../../store/webhooks.js';
import { when } from './layout.js';

export function webhooksPage(endpoints: TroubledEndpoint[]): Html {
  if (endpoints.length === 0) return html`<p class="muted">Every webhook endpoint is enabled and delivering.</p>`;
  return html`<div class="wide"><table id="endpoints"><thead><tr><th>Endpoint</th><th>Account</th><th>State</th><th class="num">Retrying</th>
<th class="num">Given up (24 h)</th><th>Last attempt</th></tr></thead><tbody>
${endpoints.map((endpoint) => html`<tr data-endpoint="${endpoint.id}"><td>${endpoint.url}</td>
<td><a href="/admin/accounts/${endpoint.accountId}">${endpoint.accountName}</a></td>
<td><span class="tag ${endpoint.state}">${endpoint.state}</span>
${endpoint.disabledReason ? html`<div class="muted">${endpoint.disabledReason} (${when(endpoint.disabledAt)})</div>` : ''}</td>
<td class="num">${endpoint.retryingDeliveries}</td><td class="num">${endpoint.failedDeliveriesLastDay}</td>
<td>${endpoint.lastAttempt ? html`${when(endpoint.lastAttempt.at)}: ${endpoint.lastAttempt.statusCode ?? endpoint.lastAttempt.error ?? ''}` : '—'}</td></tr>`)}
</tbody></table></div>`;
}

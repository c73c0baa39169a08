import { html, type Html } from '../html.js';
import type { AccountUsage } from '../operations.js';
import type { ApiKeyRecord } from '../../store/accounts.js';
import { when } from './layout.js';

type KeyRow = ApiKeyRecord & { revokedAt: Date | null; lastUsedAt: Date | null };

function usageCells(account: AccountUsage): Html {
  return html`<td class="num">${account.activeKeys}</td><td class="num">${account.crawls}
${account.runningCrawls ? html` <span class="muted">(${account.runningCrawls} running)</span>` : ''}</td>
<td class="num">${account.pagesCrawled}</td><td class="num">${account.linksChecked}</td><td class="num">${account.prospects}</td>
<td class="num">${account.requestsThisMinute}</td><td>${when(account.lastUsedAt)}</td>`;
}

const USAGE_HEADINGS = html`<th class="num">Active keys</th><th class="num">Crawls</th><th class="num">Pages crawled</th>
<th class="num">Links checked</th><th class="num">Prospects</th><th class="num">Requests this minute</th><th>Last request</th>`;

export function accountsPage(accounts: AccountUsage[]): Html {
  return html`<form method="post" action="/admin/accounts"><label>New account <input name="name" required maxlength="200" placeholder="Name"></label>
<button>Create account</button></form>
<h2>Accounts</h2>
<div class="wide"><table id="accounts"><thead><tr><th>Account</th><th>Created</th>${USAGE_HEADINGS}</tr></thead><tbody>
${accounts.map((account) => html`<tr data-account="${account.id}"><td><a href="/admin/accounts/${account.id}">${account.name}</a></td>
<td>${when(account.createdAt)}</td>${usageCells(account)}</tr>`)}
</tbody></table></div>`;
}

export function accountPage(state: { account: AccountUsage; keys: KeyRow[]; issuedKey?: string }): Html {
  const { account, keys, issuedKey } = state;
  return html`${issuedKey ? html`<div class="notice" role="status">New key, shown this once; copy it now:
<div><span class="secret" id="issued-key">${issuedKey}</span></div></div>` : ''}
<div class="wide"><table><thead><tr><th>Created</th>${USAGE_HEADINGS}</tr></thead><tbody><tr><td>${when(account.createdAt)}</td>${usageCells(account)}</tr></tbody></table></div>
<p><a href="/admin/crawls?account=${account.id}">This account's crawls</a> · <a href="/admin/watches?account=${account.id}">its watches</a></p>
<h2>API keys</h2>
<div class="wide"><table id="keys"><thead><tr><th>Name</th><th>Key</th><th>Created</th><th>Last used</th><th>State</th><th></th></tr></thead><tbody>
${keys.map((key) => html`<tr data-key="${key.id}"><td>${key.name}</td><td><code>${key.keyPrefix}…</code></td><td>${when(key.createdAt)}</td>
<td>${when(key.lastUsedAt)}</td>
<td>${key.revokedAt ? html`<span class="tag failed">revoked ${when(key.revokedAt)}</span>` : html`<span class="tag ok">active</span>`}</td>
<td>${key.revokedAt ? '' : html`<form class="inline" method="post" action="/admin/api-keys/${key.id}/revoke"><button>Revoke</button></form>`}</td></tr>`)}
</tbody></table></div>
<form method="post" action="/admin/accounts/${account.id}/api-keys"><label>Issue a key named <input name="name" required maxlength="200"></label>
<button>Issue key</button></form>`;
}

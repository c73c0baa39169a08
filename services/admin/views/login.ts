import { html, type Html } from '../html.js';
import { bare } from './layout.js';

export function loginPage(state: { next: string; error?: string; name?: string }): Html {
  return bare('Sign in to the admin', html`${state.error ? html`<div class="error" role="alert">${state.error}</div>` : ''}
<form method="post" action="/admin/login">
<input type="hidden" name="next" value="${state.next}">
<p><label>Your name (for the audit log)<br><input name="name" required maxlength="64" value="${state.name ?? ''}" autocomplete="username"></label></p>
<p><label>Admin token (ADMIN_TOKEN)<br><input name="token" type="password" required autocomplete="current-password"></label></p>
<p><button>Sign in</button></p></form>`);
}

export function disabledPage(): Html {
  return bare('The admin is disabled', html`<p>Set <code>ADMIN_TOKEN</code> in the service's environment and restart it to enable the admin.</p>`);
}

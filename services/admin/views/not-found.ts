import { html, type Html } from '../html.js';

/** The body of the admin's 404: what was not found, and the way back. */
export function notFoundBody(what: Html | string): Html {
  return html`<div class="error" role="alert">${what}</div>
<p><a href="/admin" id="admin-home">Back to the admin home</a> · <a href="/admin/crawls">Crawls</a> · <a href="/admin/audit">Audit log</a></p>`;
}

/** A path as the operator typed it, %-escapes decoded (the page escapes it again as HTML). */
export function readablePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

import { html, type Html } from '../html.js';

const NAV = [
  ['/admin', 'Fleet'],
  ['/admin/crawls', 'Crawls'],
  ['/admin/watches', 'Watches'],
  ['/admin/queues', 'Queues'],
  ['/admin/accounts', 'Accounts'],
  ['/admin/hosts', 'Hosts'],
  ['/admin/webhooks', 'Webhooks'],
  ['/admin/audit', 'Audit log'],
] as const;

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d232b; background: #f6f7f9; }
header { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; align-items: center; background: #1d2b3a; color: #fff; padding: .6rem 1.2rem; }
header a { color: #cfe3ff; text-decoration: none; } header a.current { color: #fff; font-weight: 600; }
header .who { margin-left: auto; display: flex; gap: .6rem; align-items: center; }
main { padding: 1rem 1.2rem; max-width: 1400px; box-sizing: border-box; overflow-wrap: anywhere; }
h1 { font-size: 1.3rem; margin: .2rem 0 1rem; } h2 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e3e6ea; vertical-align: top; }
th { background: #eef1f4; font-weight: 600; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.notice { background: #e7f6ea; border: 1px solid #9fd3aa; padding: .5rem .8rem; margin-bottom: 1rem; }
.error { background: #fdecec; border: 1px solid #f0a3a3; padding: .5rem .8rem; margin-bottom: 1rem; }
.secret { font-family: ui-monospace, monospace; font-size: 1rem; background: #fff8d6; padding: .2rem .4rem; }
.muted { color: #6b7580; } .tag { display: inline-block; padding: 0 .4rem; border-radius: 3px; background: #e8ecf0; }
.tag.running, .tag.ok { background: #dff3e4; } .tag.failed, .tag.down, .tag.disabled { background: #fbe0e0; }
.tag.paused, .tag.queued, .tag.failing { background: #fff1cc; }
form.inline { display: inline; } input, select, button { font: inherit; padding: .2rem .4rem; }
button { cursor: pointer; } nav.filters a { margin-right: .8rem; }
code { font-family: ui-monospace, monospace; font-size: .92em; }
.wide { overflow-x: auto; max-width: 100%; margin-bottom: .6rem; } .wide > table { min-width: 36rem; }
.wide > table.pairs { min-width: 0; } table.pairs th { width: 12rem; background: #f3f5f7; }
table { overflow-wrap: normal; } td .url { overflow-wrap: anywhere; } #prospects { min-width: 52rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .4rem .8rem; align-items: end; margin-bottom: 1rem; }
form.filters input { width: 10rem; max-width: 100%; }
button.danger { background: #b3261e; color: #fff; border: 1px solid #8c1d17; border-radius: 3px; }
figure.chart { margin: 0 0 .8rem; background: #fff; padding: .5rem; max-width: 760px; }
figure.chart svg { width: 100%; height: auto; display: block; }
svg .grid { stroke: #e3e6ea; } svg .axis { stroke: #9aa3ad; } svg text { fill: #4a535d; }
@media (max-width: 600px) { header { padding: .5rem .8rem; } main { padding: .8rem; } header .who { margin-left: 0; } }
`;

export interface PageOptions {
  title: string;
  actor: string;
  path: string;
  notice?: string;
}

/** Every admin page: the navigation, who is signed in, a one-line notice after an action. */
export function layout({ title, actor, path, notice }: PageOptions, body: Html): Html {
  const current = (href: string) => (href === '/admin' ? path === '/admin' : path.startsWith(href));
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · blb-prospector admin</title><style>${STYLE}</style></head>
<body><header><strong>blb-prospector</strong>
${NAV.map(([href, label]) => html`<a href="${href}" class="${current(href) ? 'current' : ''}">${label}</a>`)}
<span class="who">signed in as <strong>${actor}</strong>
<form class="inline" method="post" action="/admin/logout"><button>Sign out</button></form></span></header>
<main><h1>${title}</h1>${notice ? html`<div class="notice" role="status">${notice}</div>` : ''}${body}</main></body></html>`;
}

/** A page outside the signed-in area: the login form, "admin disabled". */
export function bare(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · blb-prospector admin</title><style>${STYLE}</style></head>
<body><main style="max-width: 28rem; margin: 4rem auto;"><h1>${title}</h1>${body}</main></body></html>`;
}

export const when = (date: Date | string | null | undefined) => (date ? new Date(date).toISOString().replace('T', ' ').slice(0, 19) : '—');

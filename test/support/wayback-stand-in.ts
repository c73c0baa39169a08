import { createHash } from 'node:crypto';
import type { FakeWeb, Route } from './fake-web.js';

/** One capture the stand-in holds: what the archive saw at `url` at `timestamp`. */
export interface StandInCapture {
  url: string;
  /** YYYYMMDDhhmmss, UTC. */
  timestamp: string;
  /** What the page answered when it was captured (the CDX `statuscode`); 200 unless said. */
  status?: number;
  mimetype?: string;
  body?: string;
}

export interface WaybackStandIn {
  /** What ARCHIVE_URL is set to. */
  baseUrl: string;
  add(...captures: StandInCapture[]): void;
  /** URLs whose CDX question is answered 503 (the archive in trouble); '*' for every URL. */
  failing: Set<string>;
  /** The CDX API answers this many milliseconds late (a slow archive). */
  delay: { ms: number };
  /** Every CDX question asked, in order. */
  queries: URLSearchParams[];
  /** The capture as people see it (what a found lookup records as its url). */
  link(capture: Pick<StandInCapture, 'url' | 'timestamp'>): string;
  /** The capture as it was captured, without the archive's toolbar: what the service reads. */
  rawLink(capture: Pick<StandInCapture, 'url' | 'timestamp'>): string;
}

const FIELDS = ['urlkey', 'timestamp', 'original', 'mimetype', 'statuscode', 'digest', 'length'] as const;
type Row = Record<(typeof FIELDS)[number], string>;

// The archive matches URLs as SURTs do: scheme and a leading www. do not count, the host's case does not
// either, a default port is dropped. The path and query are matched as they are.
function urlKey(raw: string): string {
  try {
    const url = new URL(raw.includes('://') ? raw : `http://${raw}`);
    const host = url.hostname.toLowerCase().replace(/^www\d*\./, '');
    const port = url.port && !['80', '443'].includes(url.port) ? `:${url.port}` : '';
    return `${host.split('.').reverse().join(',')}${port})${url.pathname}${url.search}`;
  } catch {
    return raw;
  }
}

/**
 * A Wayback Machine on a host of the fake web: the CDX API at /cdx/search/cdx with the query semantics
 * the service relies on (exact URL match as above, `from`/`to` with partial timestamps, any number of
 * `filter=[!]field:regex` matched whole, `collapse=field[:N]` of adjacent rows, `limit` with negative
 * values for the last N, `fl`, `output=json` with a header row and `[]` when nothing matches) and the
 * captures themselves at /web/<timestamp>id_/<original> (and /web/<timestamp>/<original>).
 */
export function serveWayback(web: FakeWeb, host = 'archive.test'): WaybackStandIn {
  const rows: Row[] = [];
  const failing = new Set<string>();
  const delay = { ms: 0 };
  const queries: URLSearchParams[] = [];
  const baseUrl = web.url(host, '').replace(/\/$/, '');
  const path = (capture: Pick<StandInCapture, 'url' | 'timestamp'>, raw: boolean) => `/web/${capture.timestamp}${raw ? 'id_' : ''}/${capture.url}`;

  const cdx: Route = (req, res) => {
    const query = new URL(req.url ?? '/', 'http://stand-in').searchParams;
    queries.push(query);
    const send = (status: number, body: string, type: string) =>
      setTimeout(() => res.writeHead(status, { 'content-type': type }).end(body), delay.ms);
    const asked = query.get('url') ?? '';
    if (failing.has('*') || failing.has(asked)) return send(503, 'The CDX server is overloaded', 'text/plain');

    let found = rows.filter((row) => row.urlkey === urlKey(asked)).sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    const from = query.get('from');
    const to = query.get('to');
    if (from) found = found.filter((row) => row.timestamp >= from.padEnd(14, '0'));
    if (to) found = found.filter((row) => row.timestamp <= to.padEnd(14, '9'));
    for (const filter of query.getAll('filter')) {
      const [, not, field, pattern] = /^(!?)(\w+):(.*)$/s.exec(filter) ?? [];
      const match = new RegExp(`^(?:${pattern})$`);
      found = found.filter((row) => match.test(row[field as keyof Row] ?? '') !== (not === '!'));
    }
    for (const collapse of query.getAll('collapse')) {
      const [field, chars] = collapse.split(':');
      const value = (row: Row) => (row[field as keyof Row] ?? '').slice(0, chars ? Number(chars) : undefined);
      found = found.filter((row, index) => index === 0 || value(row) !== value(found[index - 1]!));
    }
    const limit = Number(query.get('limit') ?? 0);
    if (limit > 0) found = found.slice(0, limit);
    if (limit < 0) found = found.slice(limit);
    const fields = (query.get('fl') ?? FIELDS.join(',')).split(',') as (keyof Row)[];
    const table = found.map((row) => fields.map((field) => row[field] ?? ''));
    if (query.get('output') === 'json') {
      return send(200, JSON.stringify(table.length === 0 ? [] : [fields, ...table]), 'application/json');
    }
    send(200, table.map((row) => `${row.join(' ')}\n`).join(''), 'text/plain');
  };
  web.setRoute(host, '/cdx/search/cdx', cdx);

  return {
    baseUrl,
    failing,
    delay,
    queries,
    add(...captures) {
      for (const capture of captures) {
        const status = capture.status ?? 200;
        const mimetype = capture.mimetype ?? 'text/html';
        const body = capture.body ?? '';
        rows.push({
          urlkey: urlKey(capture.url), timestamp: capture.timestamp, original: capture.url, mimetype, statuscode: String(status),
          digest: createHash('sha1').update(body).digest('hex').toUpperCase(), length: String(body.length),
        });
        const answer = { status, headers: { 'content-type': mimetype }, body };
        web.setRoute(host, path(capture, true), answer);
        web.setRoute(host, path(capture, false), answer);
      }
    },
    link: (capture) => `${baseUrl}${path(capture, false)}`,
    rawLink: (capture) => `${baseUrl}${path(capture, true)}`,
  };
}

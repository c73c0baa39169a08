import type { Job } from 'bullmq';
import type { Runtime } from '../services/runtime.js';
import type { Config } from '../services/config.js';
import type { ArchiveJob } from '../services/queues.js';
import { readCapture, type ArchiveBrief } from '../services/crawl/archive-brief.js';
import { pendingArchiveLookup, recordArchiveLookup } from '../services/store/archive.js';

// Five captures of four short fields in JSON: a few hundred bytes; anything near this cap is not a CDX answer.
const CDX_MAX_BYTES = 64 * 1024;
const CAPTURE_MAX_BYTES = 256 * 1024;
/**
 * Captures asked for, newest first. Each rejected one costs a fetch of a page from the archive, so a
 * URL whose last five distinct captures are all error pages comes out as `only_error_pages`.
 */
export const CAPTURES_TRIED = 5;

/** One row of the CDX API's answer: a capture of the URL that was 200 when it was made. */
export interface Capture {
  /** YYYYMMDDhhmmss, UTC. */
  timestamp: string;
  /** The URL as the archive captured it (its scheme, www. and port may differ from the one asked). */
  original: string;
}

/** YYYYMMDDhhmmss in UTC, as Wayback timestamps are written. */
export const waybackTimestamp = (date: Date) => date.toISOString().replace(/\D/g, '').slice(0, 14);

function waybackDate(timestamp: string): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(timestamp);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * The CDX API's question: the last CAPTURES_TRIED captures of `url` up to `before` (inclusive) that
 * answered 200, identical neighbours collapsed (a page captured daily unchanged counts once).
 */
export function cdxQuery(base: string, url: string, before: Date): string {
  const query = new URL(`${base}/cdx/search/cdx`);
  query.searchParams.set('url', url);
  query.searchParams.set('output', 'json');
  // Redirects (3xx) and errors are left out here; a 200 can still be an error page, which is verified.
  query.searchParams.set('filter', 'statuscode:200');
  query.searchParams.set('collapse', 'digest');
  query.searchParams.set('to', waybackTimestamp(before));
  // Negative: the last N (in ascending order); the newest come last.
  query.searchParams.set('limit', String(-CAPTURES_TRIED));
  query.searchParams.set('fl', 'timestamp,original,statuscode,digest');
  return query.href;
}

/**
 * Reads the CDX API's JSON (a header row of field names, then one row per capture; `[]` when there are
 * none) into captures, newest first. Throws on anything else: the archive answered, but not the CDX API.
 */
export function parseCdx(body: string): Capture[] {
  let rows: unknown;
  try {
    rows = JSON.parse(body);
  } catch {
    throw new Error('archive CDX API answered something that is not JSON');
  }
  if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) throw new Error('archive CDX API answered JSON that is not rows');
  if (rows.length === 0) return [];
  const [header, ...captures] = rows as unknown[][];
  const timestampAt = header!.indexOf('timestamp');
  const originalAt = header!.indexOf('original');
  const statusAt = header!.indexOf('statuscode');
  if (timestampAt < 0 || originalAt < 0) throw new Error('archive CDX API rows lack timestamp or original');
  return captures
    // A stand-in or mirror that ignores the filter must not hand us a redirect or a revisit record ('-').
    .filter((row) => statusAt < 0 || String(row[statusAt]) === '200')
    .map((row) => ({ timestamp: String(row[timestampAt]), original: String(row[originalAt]) }))
    .filter((capture) => waybackDate(capture.timestamp) !== null && /^https?:\/\//i.test(capture.original))
    .sort((a, b) => b.timestamp.localeCompare(a.timestamp))
    .slice(0, CAPTURES_TRIED);
}

/** What an archive lookup needs: the database, the outbound client, a logger and the archive's address. */
export type ArchiveDeps = Pick<Runtime, 'db' | 'http' | 'logger'> & { config: Pick<Config, 'archive'> };

type Reading =
  | { kind: 'page'; brief: ArchiveBrief | null }
  | { kind: 'rejected'; why: string }
  | { kind: 'unreadable'; why: string };

/**
 * Looks up what a dead URL was: the newest capture made before the URL was first seen dead that is the
 * page itself, verified (not a not-found page served with a 200, a bot challenge or a parking page),
 * with its brief. Runs on its own queue, so a slow or failing archive never delays a crawl or a
 * prospect; when the archive cannot be asked the job fails and BullMQ retries it, and when attempts
 * run out the lookup is recorded as unavailable.
 */
export function createArchiveProcessor(runtime: ArchiveDeps) {
  const { db, http, logger, config } = runtime;
  const base = config.archive.url ?? '';

  async function newestCaptures(url: string, before: Date): Promise<Capture[]> {
    const answer = await http.fetch({
      url: cdxQuery(base, url, before), readBody: () => true, maxBytes: CDX_MAX_BYTES, accept: 'application/json',
    });
    if (!answer.ok || answer.status !== 200 || answer.body === null) {
      throw new Error(`archive lookup failed: ${answer.ok ? `HTTP ${answer.status}` : answer.error}`);
    }
    return parseCdx(answer.body);
  }

  // `id_` asks for the page as it was captured, without the archive's toolbar or rewritten links.
  async function read(capture: Capture): Promise<Reading> {
    const page = await http.fetch({
      url: `${base}/web/${capture.timestamp}id_/${capture.original}`,
      readBody: (type) => type.includes('html'),
      maxBytes: CAPTURE_MAX_BYTES,
    });
    const at = capture.timestamp;
    if (!page.ok) return { kind: 'unreadable', why: `${at}: ${page.error}` };
    if (page.status >= 500 || page.status === 429) return { kind: 'unreadable', why: `${at}: HTTP ${page.status}` };
    if (page.status !== 200) return { kind: 'rejected', why: `${at}: HTTP ${page.status}` };
    // Not HTML (a PDF, an image): it was there, and there is nothing to verify or summarize.
    if (page.body === null) return { kind: 'page', brief: null };
    const reading = readCapture(page.body, capture.original, page.headers);
    return reading.problem ? { kind: 'rejected', why: `${at}: ${reading.problem}` } : { kind: 'page', brief: reading.brief };
  }

  return async function processArchive(job: Job<ArchiveJob>): Promise<void> {
    const { url } = job.data;
    const lookup = await pendingArchiveLookup(db, url);
    if (!lookup) return;
    // With ARCHIVE_URL=off no lookup is registered; one asked for before is settled as unavailable.
    if (config.archive.url === null) return recordArchiveLookup(db, url, { state: 'unavailable' });
    const captures = await newestCaptures(url, lookup.requestedAt);
    if (captures.length === 0) return recordArchiveLookup(db, url, { state: 'none', reason: 'no_capture' });
    const rejected: string[] = [];
    const unreadable: string[] = [];
    for (const capture of captures) {
      const reading = await read(capture);
      if (reading.kind !== 'page') {
        (reading.kind === 'rejected' ? rejected : unreadable).push(reading.why);
        continue;
      }
      const snapshot = {
        url: `${base}/web/${capture.timestamp}/${capture.original}`,
        timestamp: waybackDate(capture.timestamp)!,
        title: reading.brief?.title ?? null,
        outline: reading.brief?.outline ?? null,
        wordCount: reading.brief?.wordCount ?? null,
        firstParagraph: reading.brief?.firstParagraph ?? null,
      };
      // Which newer captures were passed over, and why: the first thing to look at when a brief surprises.
      if (rejected.length + unreadable.length > 0) {
        logger.info({ jobId: job.id, url, shown: capture.timestamp, rejected, unreadable }, 'archive capture chosen');
      }
      return recordArchiveLookup(db, url, { state: 'found', snapshot });
    }
    // Not one capture could be read: the archive is in trouble, which says nothing about the page. Tried
    // again later like a failed CDX question, rather than recorded for good as error pages.
    if (rejected.length === 0) throw new Error(`archive captures could not be read: ${unreadable.join('; ')}`);
    logger.info({ jobId: job.id, url, rejected, unreadable }, 'archive has only error pages of the URL');
    await recordArchiveLookup(db, url, { state: 'none', reason: 'only_error_pages' });
  };
}

/** After the last attempt: the archive could not be asked. */
export const giveUpArchiveLookup = (runtime: Pick<Runtime, 'db'>, job: Job<ArchiveJob>) =>
  recordArchiveLookup(runtime.db, job.data.url, { state: 'unavailable' });

import { isoTime } from './json-time.js';
import type { Queryable } from './db.js';
import type { OutlineHeading } from '../crawl/archive-brief.js';

/** The capture shown as what a dead page was, and its brief (null fields: not HTML, or looked up before briefs). */
export interface Snapshot {
  /** The capture as people see it in the archive. */
  url: string;
  timestamp: Date;
  title: string | null;
  outline: OutlineHeading[] | null;
  wordCount: number | null;
  firstParagraph: string | null;
}

/** Why no capture is shown: none was made with a 200 before the URL was seen dead, or each one tried was an error page. */
export type NoCaptureReason = 'no_capture' | 'only_error_pages';

export type ArchiveOutcome =
  | { state: 'found'; snapshot: Snapshot }
  | { state: 'none'; reason: NoCaptureReason }
  | { state: 'unavailable' };

/** Registers a dead URL for a Wayback Machine lookup; true when it is new (a job must be queued). */
export async function registerArchiveLookup(db: Queryable, url: string): Promise<boolean> {
  const { rowCount } = await db.query('/* archive.registerArchiveLookup */ INSERT INTO archive_snapshots (url) VALUES ($1) ON CONFLICT DO NOTHING', [url]);
  return rowCount === 1;
}

/**
 * A lookup still to do, with when its URL was first seen dead (registered): captures after that are not
 * the page. null when it is done already.
 */
export async function pendingArchiveLookup(db: Queryable, url: string): Promise<{ requestedAt: Date } | null> {
  const { rows } = await db.query<{ requestedAt: Date }>(
    `/* archive.pendingArchiveLookup */ SELECT requested_at AS "requestedAt" FROM archive_snapshots WHERE url = $1 AND state = 'pending'`,
    [url],
  );
  return rows[0] ?? null;
}

/** The lookup's outcome, once: the capture found, why none is shown, or the archive could not be asked. */
export async function recordArchiveLookup(db: Queryable, url: string, outcome: ArchiveOutcome): Promise<void> {
  const snapshot = outcome.state === 'found' ? outcome.snapshot : null;
  await db.query(
    `/* archive.recordArchiveLookup */ UPDATE archive_snapshots SET state = $2, snapshot_url = $3, snapshot_at = $4, title = $5,
       outline = $6::jsonb, word_count = $7, first_paragraph = $8, none_reason = $9, checked_at = now()
     WHERE url = $1 AND state = 'pending'`,
    [
      url, outcome.state, snapshot?.url ?? null, snapshot?.timestamp ?? null, snapshot?.title ?? null,
      snapshot?.outline ? JSON.stringify(snapshot.outline) : null, snapshot?.wordCount ?? null, snapshot?.firstParagraph ?? null,
      outcome.state === 'none' ? outcome.reason : null,
    ],
  );
}

/**
 * The `archive` object of a record, for a query that joins archive_snapshots as `alias`: null until the
 * dead URL is registered for a lookup. One definition for every record that shows it.
 */
export const archiveJson = (alias: string) =>
  `CASE WHEN ${alias}.url IS NULL THEN NULL ELSE json_build_object('state', ${alias}.state, 'url', ${alias}.snapshot_url,
    'timestamp', ${isoTime(`${alias}.snapshot_at`)}, 'title', ${alias}.title, 'outline', ${alias}.outline, 'wordCount', ${alias}.word_count,
    'firstParagraph', ${alias}.first_paragraph, 'reason', ${alias}.none_reason) END`;

/** Lookups pending for longer than minAgeMs, oldest first: the reconciler checks that each has a job. */
export async function pendingArchiveLookups(db: Queryable, minAgeMs: number, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ url: string }>(
    `/* archive.pendingArchiveLookups */ SELECT url FROM archive_snapshots WHERE state = 'pending' AND requested_at < now() - make_interval(secs => $1)
     ORDER BY requested_at LIMIT $2`,
    [minAgeMs / 1000, limit],
  );
  return rows.map((row) => row.url);
}

import type { Queryable } from './db.js';

export interface Snapshot {
  url: string;
  timestamp: Date;
  title: string | null;
}

/** Registers a dead URL for a Wayback Machine lookup; true when it is new (a job must be queued). */
export async function registerArchiveLookup(db: Queryable, url: string): Promise<boolean> {
  const { rowCount } = await db.query('/* archive.registerArchiveLookup */ INSERT INTO archive_snapshots (url) VALUES ($1) ON CONFLICT DO NOTHING', [url]);
  return rowCount === 1;
}

export async function archiveLookupPending(db: Queryable, url: string): Promise<boolean> {
  const { rows } = await db.query(`/* archive.archiveLookupPending */ SELECT 1 FROM archive_snapshots WHERE url = $1 AND state = 'pending'`, [url]);
  return rows.length === 1;
}

/** The lookup's outcome, once: the closest snapshot, none archived, or the archive could not be asked. */
export async function recordArchiveLookup(
  db: Queryable,
  url: string,
  outcome: { state: 'found'; snapshot: Snapshot } | { state: 'none' | 'unavailable' },
): Promise<void> {
  const snapshot = outcome.state === 'found' ? outcome.snapshot : null;
  await db.query(
    `/* archive.recordArchiveLookup */ UPDATE archive_snapshots SET state = $2, snapshot_url = $3, snapshot_at = $4, title = $5, checked_at = now()
     WHERE url = $1 AND state = 'pending'`,
    [url, outcome.state, snapshot?.url ?? null, snapshot?.timestamp ?? null, snapshot?.title ?? null],
  );
}

/** Lookups pending for longer than minAgeMs, oldest first: the reconciler checks that each has a job. */
export async function pendingArchiveLookups(db: Queryable, minAgeMs: number, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ url: string }>(
    `/* archive.pendingArchiveLookups */ SELECT url FROM archive_snapshots WHERE state = 'pending' AND requested_at < now() - make_interval(secs => $1)
     ORDER BY requested_at LIMIT $2`,
    [minAgeMs / 1000, limit],
  );
  return rows.map((row) => row.url);
}

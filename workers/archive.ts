import type { Job } from 'bullmq';
import type { Runtime } from '../services/runtime.js';
import type { Config } from '../services/config.js';
import type { ArchiveJob } from '../services/queues.js';
import { summarizeHtml } from '../services/crawl/html-summary.js';
import { MAX_TITLE_CHARS } from '../services/crawl/extract.js';
import { archiveLookupPending, recordArchiveLookup } from '../services/store/archive.js';

const API_MAX_BYTES = 64 * 1024;
const SNAPSHOT_MAX_BYTES = 256 * 1024;

/** Wayback timestamps are YYYYMMDDhhmmss in UTC. */
function waybackDate(timestamp: string): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?$/.exec(timestamp);
  if (!match) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00'] = match;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** What an archive lookup needs: the database, the outbound client and the archive's address. */
export type ArchiveDeps = Pick<Runtime, 'db' | 'http'> & { config: Pick<Config, 'archive'> };

/**
 * Looks up what a dead URL used to be: the closest Wayback Machine snapshot and, where it can be read,
 * its title. Runs on its own queue, so a slow or failing archive never delays a crawl or a prospect;
 * errors are retried by BullMQ and, when attempts run out, the lookup is recorded as unavailable.
 */
export function createArchiveProcessor(runtime: ArchiveDeps) {
  const { db, http, config } = runtime;

  return async function processArchive(job: Job<ArchiveJob>): Promise<void> {
    const { url } = job.data;
    if (!(await archiveLookupPending(db, url))) return;
    const api = new URL(config.archive.apiUrl);
    api.searchParams.set('url', url);
    const answer = await http.fetch({ url: api.href, readBody: () => true, maxBytes: API_MAX_BYTES, accept: 'application/json' });
    if (!answer.ok || answer.status !== 200 || answer.body === null) {
      throw new Error(`archive lookup failed: ${answer.ok ? `HTTP ${answer.status}` : answer.error}`);
    }
    let closest: { available?: boolean; url?: string; timestamp?: string } | undefined;
    try {
      closest = JSON.parse(answer.body)?.archived_snapshots?.closest;
    } catch {
      throw new Error('archive answered something that is not JSON');
    }
    const timestamp = closest?.timestamp ? waybackDate(closest.timestamp) : null;
    if (!closest?.available || !closest.url || !/^https?:\/\//.test(closest.url) || !timestamp) {
      return recordArchiveLookup(db, url, { state: 'none' });
    }
    // The title is a bonus: a snapshot that cannot be read still says when the page existed.
    const page = await http.fetch({ url: closest.url, readBody: (type) => type.includes('html'), maxBytes: SNAPSHOT_MAX_BYTES });
    const title = page.ok && page.status === 200 && page.body ? summarizeHtml(page.body).title.slice(0, MAX_TITLE_CHARS) || null : null;
    await recordArchiveLookup(db, url, { state: 'found', snapshot: { url: closest.url, timestamp, title } });
  };
}

/** After the last attempt: the archive could not be asked. */
export const giveUpArchiveLookup = (runtime: Pick<Runtime, 'db'>, job: Job<ArchiveJob>) =>
  recordArchiveLookup(runtime.db, job.data.url, { state: 'unavailable' });

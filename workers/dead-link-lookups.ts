import type { Runtime } from '../services/runtime.js';
import type { Config } from '../services/config.js';
import type { SettledVerdict } from '../services/crawl/verdict.js';
import { registerArchiveLookup } from '../services/store/archive.js';
import { registerDomainLookup } from '../services/store/domain-facts.js';
import { DOMAIN_FACT_REASONS, rdapDomainOf } from '../services/crawl/rdap.js';

/** What the side lookups of a dead link need. */
export type DeadLinkDeps = Pick<Runtime, 'db' | 'queues'> & { config: Pick<Config, 'archive'> };

/**
 * The side lookups of a URL judged dead, each on its own queue and never waited for: what the dead page
 * was (unless ARCHIVE_URL=off), and, for a domain that no longer resolves or serves a parking page,
 * whether it is for the taking (RDAP, asked once per domain). The caller waits for an insert and an
 * enqueue, never for the archive or RDAP.
 */
export async function lookUpDeadLink(runtime: DeadLinkDeps, url: string, verdict: SettledVerdict): Promise<void> {
  if (verdict.verdict !== 'dead') return;
  const { db, queues, config } = runtime;
  if (config.archive.url !== null && (await registerArchiveLookup(db, url))) await queues.enqueueArchiveLookup(url);
  const domain = DOMAIN_FACT_REASONS.has(verdict.reason ?? '') ? rdapDomainOf(url) : null;
  const lookup = domain ? await registerDomainLookup(db, domain) : null;
  if (lookup) await queues.enqueueDomainLookup(lookup);
}

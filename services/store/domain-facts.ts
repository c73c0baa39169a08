import { isoTime } from './json-time.js';
import type { Queryable } from './db.js';
import type { DomainFacts } from '../crawl/rdap.js';

/**
 * A domain's facts are asked for again once they are this old: registrations expire, lapse and are
 * taken, and a dead link's domain is worth most the day it becomes available. Thirty days keeps the
 * RDAP traffic to at most a dozen lookups per domain a year, however many crawls meet it.
 */
export const DOMAIN_FACTS_MAX_AGE_DAYS = 30;

/** A domain lookup asked for: the domain, and which asking of it this is (it names the job, see domainJobId). */
export interface DomainLookup {
  domain: string;
  refreshes: number;
}

/**
 * Registers a dead URL's registrable domain (lower case) for an RDAP lookup; the lookup when a job must
 * be queued, else null. A job is due when the domain is new, or when its facts are older than
 * DOMAIN_FACTS_MAX_AGE_DAYS: then they are cleared (a pending row never carries facts, old or new), the
 * row is pending again and the lookup is the next refresh. A domain pending or checked recently gives
 * null, so all the dead URLs of a domain cost one lookup.
 */
export async function registerDomainLookup(db: Queryable, domain: string): Promise<DomainLookup | null> {
  const { rows } = await db.query<DomainLookup>(
    `/* domainFacts.registerDomainLookup */ INSERT INTO domain_facts (domain) VALUES ($1)
     ON CONFLICT (domain) DO UPDATE SET state = 'pending', expires_at = NULL, registrar = NULL, checked_at = NULL, requested_at = now(),
       refreshes = domain_facts.refreshes + 1
     WHERE domain_facts.state <> 'pending' AND domain_facts.checked_at < now() - make_interval(days => $2)
     RETURNING domain, refreshes`,
    [domain.toLowerCase(), DOMAIN_FACTS_MAX_AGE_DAYS],
  );
  return rows[0] ?? null;
}

export async function domainLookupPending(db: Queryable, domain: string): Promise<boolean> {
  const { rows } = await db.query(
    `/* domainFacts.domainLookupPending */ SELECT 1 FROM domain_facts WHERE domain = $1 AND state = 'pending'`,
    [domain],
  );
  return rows.length === 1;
}

/** The lookup's outcome, once per request: what RDAP said, or unknown when it could not be asked. */
export async function recordDomainFacts(db: Queryable, domain: string, facts: DomainFacts): Promise<void> {
  await db.query(
    `/* domainFacts.recordDomainFacts */ UPDATE domain_facts SET state = $2, expires_at = $3, registrar = $4, checked_at = now()
     WHERE domain = $1 AND state = 'pending'`,
    [domain, facts.state, facts.expiresAt, facts.registrar],
  );
}

/** Lookups pending for longer than minAgeMs, oldest first: the reconciler checks that each has a job. */
export async function pendingDomainLookups(db: Queryable, minAgeMs: number, limit: number): Promise<DomainLookup[]> {
  const { rows } = await db.query<DomainLookup>(
    `/* domainFacts.pendingDomainLookups */ SELECT domain, refreshes FROM domain_facts
     WHERE state = 'pending' AND requested_at < now() - make_interval(secs => $1) ORDER BY requested_at LIMIT $2`,
    [minAgeMs / 1000, limit],
  );
  return rows;
}

/**
 * For the prospect record (`prospects r`): the join and the column that read a dead link's domain facts
 * as `{ state, expiresAt, registrar, checkedAt }`, keyed by the prospect's dead_domain (the registrable
 * domain the lookup is keyed by). NULL for prospects of other reasons, and for domains never looked up
 * (a private suffix no registry speaks for). The reasons are DOMAIN_FACT_REASONS (services/crawl/rdap.ts).
 */
export const DOMAIN_FACTS_JOIN = `LEFT JOIN domain_facts df ON df.domain = r.dead_domain AND r.reason IN ('dns_failure', 'parked_domain')`;
export const DOMAIN_FACTS_COLUMN = `CASE WHEN df.domain IS NULL THEN NULL ELSE json_build_object('state', df.state,
    'expiresAt', ${isoTime('df.expires_at')}, 'registrar', df.registrar, 'checkedAt', ${isoTime('df.checked_at')}) END AS "domainFacts"`;

/** A domain's facts as the prospect record shows them, or null when it was never looked up. */
export async function domainFactsOfDomain(
  db: Queryable,
  domain: string,
): Promise<{ state: string; expiresAt: Date | null; registrar: string | null; checkedAt: Date | null } | null> {
  const { rows } = await db.query(
    `/* domainFacts.domainFactsOfDomain */ SELECT state, expires_at AS "expiresAt", registrar, checked_at AS "checkedAt"
     FROM domain_facts WHERE domain = $1`,
    [domain.toLowerCase()],
  );
  return rows[0] ?? null;
}

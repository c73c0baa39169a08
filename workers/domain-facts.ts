import type { Job } from 'bullmq';
import type { Runtime } from '../services/runtime.js';
import type { Config } from '../services/config.js';
import type { DomainJob } from '../services/queues.js';
import { domainFactsOf, UNKNOWN_DOMAIN } from '../services/crawl/rdap.js';
import { domainLookupPending, recordDomainFacts } from '../services/store/domain-facts.js';

// A registry's answer for one domain is a few KiB (Verisign's .com: about 5); notices and remarks
// rarely double it.
const ANSWER_MAX_BYTES = 64 * 1024;

/**
 * One RDAP lookup a second from the whole fleet (BullMQ's limiter counts across workers): rdap.org, the
 * default bootstrap, answers 429 above 10 requests in 10 seconds per client.
 */
export const RDAP_RATE_LIMIT = { max: 1, duration: 1_000 };

/** What a domain lookup needs: the database, the outbound client and the RDAP service's address. */
export type DomainFactsDeps = Pick<Runtime, 'db' | 'http'> & { config: Pick<Config, 'rdap'> };

/**
 * Asks RDAP whether a dead link's domain is registered, and until when. Runs on its own queue, so a
 * slow or failing RDAP never delays a check or a prospect: the client's timeouts bound each request,
 * trouble (network errors, timeouts, 429, 5xx) is thrown for BullMQ to retry with backoff, and when the
 * attempts run out the failure handler settles the domain as unknown. Safe to run twice.
 */
export function createDomainFactsProcessor(runtime: DomainFactsDeps) {
  const { db, http, config } = runtime;
  const bootstrapHost = new URL(config.rdap.url).host;

  return async function processDomainLookup(job: Job<DomainJob>): Promise<void> {
    const { domain } = job.data;
    if (!(await domainLookupPending(db, domain))) return;
    // Redirects are followed: the bootstrap sends each query on to the registry's own server.
    const answer = await http.fetch({
      url: `${config.rdap.url}/domain/${encodeURIComponent(domain)}`,
      readBody: () => true,
      maxBytes: ANSWER_MAX_BYTES,
      accept: 'application/rdap+json, application/json',
    });
    if (!answer.ok) throw new Error(`RDAP lookup failed: ${answer.error} (${answer.message})`);
    // Answered by another server than the bootstrap: a registry spoke (a 404 there means the name is free).
    // A redirect within the bootstrap's own host (http to https) does not count.
    const fromRegistry = new URL(answer.finalUrl).host !== bootstrapHost;
    const facts = domainFactsOf(answer.status, answer.truncated ? null : answer.body, fromRegistry);
    if (facts === 'retry') throw new Error(`RDAP lookup failed: HTTP ${answer.status}`);
    await recordDomainFacts(db, domain, facts);
  };
}

/** After the last attempt: RDAP could not be asked, so nothing is known of the domain. */
export const giveUpDomainLookup = (runtime: Pick<Runtime, 'db'>, job: Job<DomainJob>) =>
  recordDomainFacts(runtime.db, job.data.domain, UNKNOWN_DOMAIN);

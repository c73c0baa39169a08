import { badRequest, notFound } from '../errors.js';
import type { Queryable } from '../store/db.js';
import { findCrawlRecord } from '../store/crawls.js';
import { findWatch } from '../store/watches.js';
import type { ProspectFilter } from '../store/prospects.js';
import { DEAD_REASONS, OUTREACH_STATUSES, PROSPECT_STATES } from '../crawl/vocabulary.js';
import type { Route } from '../web/contract.js';

const DOMAIN_STATES = ['available', 'registered', 'unknown', 'pending'] as const;

/** The filter parameters GET /v1/prospects shares with its export and GET /v1/dead-links (openapi.yaml). */
export type FilterQuery = Omit<Route<'listProspects'>['Querystring'], 'sort' | 'limit' | 'cursor'>;

/** A comma-separated query value checked against its allowed words, with a 400 that names the bad one. */
function listOf(name: string, value: string | undefined, allowed: readonly string[]): string[] | undefined {
  if (!value) return undefined;
  const words = value.split(',').map((word) => word.trim()).filter(Boolean);
  const bad = words.find((word) => !allowed.includes(word));
  if (bad) throw badRequest('invalid_request', `querystring.${name} '${bad}' is not one of: ${allowed.join(', ')}`);
  return words;
}

/** The list filters of GET /v1/prospects, /v1/dead-links and the export, from their query string. */
export function filterOf(query: FilterQuery): ProspectFilter {
  return {
    crawlId: query.crawlId,
    watchId: query.watchId,
    states: listOf('state', query.state, PROSPECT_STATES),
    reasons: listOf('reason', query.reason, DEAD_REASONS),
    statuses: listOf('status', query.status, OUTREACH_STATUSES),
    sourceDomain: query.sourceDomain,
    deadDomain: query.deadDomain,
    domainStates: listOf('domainAvailability', query.domainAvailability, DOMAIN_STATES),
    followedOnly: query.followedOnly,
    minScore: query.minScore,
    minRelevance: query.minRelevance,
    q: query.q,
  };
}

/** A filter naming another account's (or no) crawl or watch is a 404, as that crawl's or watch's own route would be. */
export async function checkFilterOwner(db: Queryable, accountId: string, filter: ProspectFilter): Promise<void> {
  if (filter.crawlId && !(await findCrawlRecord(db, { accountId }, filter.crawlId))) throw notFound('crawl');
  if (filter.watchId && !(await findWatch(db, { accountId }, filter.watchId))) throw notFound('watch');
}

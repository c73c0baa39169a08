/** Filters of the prospect list, the dead-link list and their exports. */
export interface ProspectFilter {
  /** Prospects a crawl saw (its own view), whether or not a later crawl saw them too. */
  crawlId?: string;
  /** Prospects any run of a watch saw. */
  watchId?: string;
  /** open or resolved. */
  states?: string[];
  reasons?: string[];
  statuses?: string[];
  sourceDomain?: string;
  deadDomain?: string;
  /** RDAP states of the dead domain (dns_failure and parked_domain prospects only). */
  domainStates?: string[];
  followedOnly?: boolean;
  minScore?: number;
  /** The source page's relevance to its crawl's niche, at least (pages never scored pass). */
  minRelevance?: number;
  /** Text search over the dead URL, source URL, source title and anchor text. */
  q?: string;
  /** Exactly these prospects (webhook events). */
  prospectIds?: number[];
}

/**
 * The WHERE clause of a filter over `prospects r JOIN pages p`, always scoped to the account ($1),
 * with its parameters. Values are passed as parameters, never spliced into the SQL.
 */
export function prospectWhere(accountId: string, filter: ProspectFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [accountId];
  const clauses = ['r.account_id = $1'];
  const add = (clause: (param: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(clause(`$${params.length}`));
  };
  if (filter.crawlId) add((p) => `EXISTS (SELECT 1 FROM prospect_sightings s WHERE s.crawl_id = ${p}::uuid AND s.prospect_id = r.id)`, filter.crawlId);
  if (filter.watchId) {
    add((p) => `EXISTS (SELECT 1 FROM prospect_sightings s JOIN crawls k ON k.id = s.crawl_id WHERE k.watch_id = ${p}::uuid AND s.prospect_id = r.id)`, filter.watchId);
  }
  if (filter.states?.length) add((p) => `r.state = ANY(${p}::text[])`, filter.states);
  if (filter.reasons?.length) add((p) => `r.reason = ANY(${p}::text[])`, filter.reasons);
  if (filter.statuses?.length) add((p) => `r.status = ANY(${p}::text[])`, filter.statuses);
  if (filter.sourceDomain) add((p) => `r.source_domain = ${p}`, filter.sourceDomain.toLowerCase());
  if (filter.deadDomain) add((p) => `r.dead_domain = ${p}`, filter.deadDomain.toLowerCase());
  if (filter.domainStates?.length) {
    add((p) => `EXISTS (SELECT 1 FROM domain_facts df WHERE df.domain = r.dead_domain AND r.reason IN ('dns_failure', 'parked_domain')
      AND df.state = ANY(${p}::text[]))`, filter.domainStates);
  }
  if (filter.followedOnly) clauses.push('r.followed');
  if (filter.prospectIds) add((p) => `r.id = ANY(${p}::bigint[])`, filter.prospectIds);
  if (filter.minScore !== undefined) add((p) => `r.score >= ${p}`, filter.minScore);
  if (filter.minRelevance !== undefined) add((p) => `coalesce(p.relevance, 1) >= ${p}`, filter.minRelevance);
  if (filter.q) {
    add(
      (p) => `(r.dead_url ILIKE ${p} OR coalesce(p.final_url, p.url) ILIKE ${p} OR p.title ILIKE ${p} OR r.anchor_text ILIKE ${p})`,
      `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    );
  }
  return { sql: clauses.join(' AND '), params };
}

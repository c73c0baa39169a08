// The service's public words, each list defined once. openapi.yaml's enums must say the same
// (services/web/contract.ts checks it at compile time); the database's CHECK constraints were written
// from these lists.

/** What a link's check concluded. Only `dead` links become prospects. */
export const LINK_STATES = ['alive', 'dead', 'blocked', 'unknown'] as const;
export type LinkState = (typeof LINK_STATES)[number];

/** Why a link is dead (see the README's verdict section). */
export const DEAD_REASONS = [
  'not_found', 'gone', 'client_error', 'dns_failure', 'parked_domain', 'connection_failed', 'too_many_redirects', 'soft_404',
] as const;
export type DeadReason = (typeof DEAD_REASONS)[number];

/** A page of a crawl: waiting for its job, or how its fetch ended. */
export const PAGE_STATES = ['queued', 'crawled', 'failed', 'skipped'] as const;
export type PageState = (typeof PAGE_STATES)[number];

/** A crawl's life: queued until its first page job runs, then running until nothing of it is pending. */
export const CRAWL_STATUSES = ['queued', 'running', 'completed', 'cancelled', 'failed'] as const;
export type CrawlStatus = (typeof CRAWL_STATUSES)[number];

/** Where the outreach writer stands with a prospect. */
export const OUTREACH_STATUSES = ['new', 'contacted', 'replied', 'won', 'lost', 'ignored'] as const;
export type OutreachStatus = (typeof OUTREACH_STATUSES)[number];

/** Whether a prospect's dead link was still on its source page when a crawl last looked (see the README's "Working a niche over time"). */
export const PROSPECT_STATES = ['open', 'resolved'] as const;
export type ProspectState = (typeof PROSPECT_STATES)[number];

/** rel tokens that stop a link passing authority: a prospect whose link carries one is worth less. */
export const UNFOLLOWED_RELS = ['nofollow', 'sponsored', 'ugc'] as const;
export type UnfollowedRel = (typeof UNFOLLOWED_RELS)[number];

/** Which of the unfollowed rel tokens a link's rel carries (rel: lower case, space separated). */
export function relFlags(rel: string): Record<UnfollowedRel, boolean> {
  const tokens = new Set(rel.split(/\s+/));
  return { nofollow: tokens.has('nofollow'), sponsored: tokens.has('sponsored'), ugc: tokens.has('ugc') };
}

/** Whether a link passes authority: none of nofollow, sponsored, ugc. */
export const isFollowed = (rel: string) => !Object.values(relFlags(rel)).some(Boolean);

import type { LinkPosition } from './link-context.js';

/**
 * The opportunity score of a prospect, 0 to 100: what makes a dead link worth an outreach email. Each
 * part is worth up to its points; counts grow logarithmically and are full at `fullAt` (README:
 * "Opportunity score").
 */
export const SCORE_PARTS = {
  /** Registrable domains in the crawl linking to the dead URL: the more sites lost it, the better our page. */
  referringDomains: { points: 30, fullAt: 10 },
  /** Pages in the crawl linking to the dead URL. */
  referringPages: { points: 20, fullAt: 20 },
  /** A followed link (no nofollow, sponsored, ugc) passes authority. */
  followed: 20,
  /** Where the link sits on its page: a link in the text is worth the most. */
  position: { content: 15, sidebar: 5, navigation: 3, footer: 2 } satisfies Record<LinkPosition, number>,
  /** The source page's weight in the crawled link graph: other crawled pages linking to it. */
  sourceInlinks: { points: 15, fullAt: 10 },
  /**
   * The source page's fit to the niche (0 to 1) scales the sum: a page wholly off the niche keeps this
   * share of its points, a page on it keeps them all (a page not scored counts as on it).
   */
  relevance: { floor: 0.6 },
} as const;

export interface ScoreInput {
  referringDomains: number;
  referringPages: number;
  followed: boolean;
  position: LinkPosition;
  sourceInlinks: number;
  /** The source page's relevance to the niche; null when it was not scored. */
  relevance?: number | null;
}

const logPart = (count: number, part: { points: number; fullAt: number }) =>
  part.points * Math.min(1, Math.log(1 + count) / Math.log(1 + part.fullAt));

/** The score; PostgreSQL computes the same from the same parts (services/store/score-function.ts). */
export function opportunityScore(input: ScoreInput): number {
  const { floor } = SCORE_PARTS.relevance;
  // Halves up, as the SQL twin rounds (floor(x + 0.5)).
  return Math.floor(0.5 +
    (logPart(input.referringDomains, SCORE_PARTS.referringDomains) +
      logPart(input.referringPages, SCORE_PARTS.referringPages) +
      (input.followed ? SCORE_PARTS.followed : 0) +
      (SCORE_PARTS.position[input.position] ?? SCORE_PARTS.position.footer) +
      logPart(input.sourceInlinks, SCORE_PARTS.sourceInlinks)) *
      (floor + (1 - floor) * (input.relevance ?? 1)),
  );
}

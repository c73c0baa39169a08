import type pg from 'pg';
import { SCORE_PARTS } from '../crawl/score.js';

/**
 * prospect_score(), the SQL twin of the domain's opportunityScore, written from the same SCORE_PARTS:
 * PostgreSQL scores prospects where their counts live (in bulk, and for sorting). The migration step
 * installs it, so a change to the parts reaches both; test/store/score-function.test.ts checks that they
 * agree. Both round halves up (floor(x + 0.5)): PostgreSQL's round() of a double rounds them to even.
 */
export function scoreFunctionSql(): string {
  const log = (arg: string, part: { points: number; fullAt: number }) => `${part.points} * least(1, ln(1 + ${arg}) / ln(${1 + part.fullAt}))`;
  const positions = Object.entries(SCORE_PARTS.position).map(([where, points]) => `WHEN '${where}' THEN ${points}`).join(' ');
  const { floor } = SCORE_PARTS.relevance;
  return `/* score-function.install */ CREATE OR REPLACE FUNCTION prospect_score(referring_domains bigint, referring_pages bigint, followed boolean, link_position text, source_inlinks bigint, relevance real)
RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT floor((
      ${log('referring_domains', SCORE_PARTS.referringDomains)}
    + ${log('referring_pages', SCORE_PARTS.referringPages)}
    + CASE WHEN followed THEN ${SCORE_PARTS.followed} ELSE 0 END
    + CASE link_position ${positions} ELSE ${SCORE_PARTS.position.footer} END
    + ${log('source_inlinks', SCORE_PARTS.sourceInlinks)}
  ) * (${floor} + ${1 - floor} * coalesce(relevance, 1)) + 0.5)::integer
$$`;
}

/** SQL expressions (column references or parameters) naming a prospect's parts, for crawlScoreSql. */
export interface ScoredLink {
  crawlId: string;
  deadUrl: string;
  sourcePageId: string;
  followed: string;
  position: string;
  relevance: string;
}

/**
 * The SQL of a prospect's score on its crawl's link graph: prospect_score() of how many of the crawl's
 * sites and pages link to the dead URL, the link's traits, and how many of the crawl's other pages link to
 * the source page (under its URL or its final URL). It is written into the statements that score, not
 * kept in a SQL function of its own: such a function (crawl_prospect_score, migration 015, dropped by
 * 019) was planned anew inside every statement that called it, which made scoring most of the cost of
 * recording a prospect.
 */
export function crawlScoreSql({ crawlId, deadUrl, sourcePageId, followed, position, relevance }: ScoredLink): string {
  return `prospect_score(
    (SELECT count(DISTINCT sp.domain) FROM links x JOIN pages sp ON sp.id = x.source_page_id WHERE x.crawl_id = ${crawlId} AND x.target_url = ${deadUrl}),
    (SELECT count(*) FROM links x WHERE x.crawl_id = ${crawlId} AND x.target_url = ${deadUrl}),
    ${followed}, ${position},
    (SELECT count(*) FROM links x JOIN pages sp ON sp.id = ${sourcePageId}
      WHERE x.crawl_id = ${crawlId} AND x.target_url = ANY (ARRAY[sp.url, sp.final_url]) AND x.source_page_id <> ${sourcePageId}),
    ${relevance})`;
}

/** Installs (or replaces) the SQL functions written from domain definitions. */
export async function installDomainFunctions(client: pg.PoolClient): Promise<void> {
  // Before migration 015 it took no relevance: that one goes, or calls with five arguments would be ambiguous.
  await client.query('/* score-function.install */ DROP FUNCTION IF EXISTS prospect_score(bigint, bigint, boolean, text, bigint)');
  await client.query(scoreFunctionSql());
}

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

/** Installs (or replaces) the SQL functions written from domain definitions. */
export async function installDomainFunctions(client: pg.PoolClient): Promise<void> {
  // Before migration 015 it took no relevance: that one goes, or calls with five arguments would be ambiguous.
  await client.query('/* score-function.install */ DROP FUNCTION IF EXISTS prospect_score(bigint, bigint, boolean, text, bigint)');
  await client.query(scoreFunctionSql());
}

import type pg from 'pg';
import { SCORE_PARTS } from '../crawl/score.js';

/**
 * prospect_score(), the SQL twin of the domain's opportunityScore, written from the same SCORE_PARTS:
 * PostgreSQL scores prospects where their counts live (in bulk, and for sorting). The migration step
 * installs it, so a change to the parts reaches both; test/crawl/score.test.ts checks that they agree.
 */
export function scoreFunctionSql(): string {
  const log = (arg: string, part: { points: number; fullAt: number }) => `${part.points} * least(1, ln(1 + ${arg}) / ln(${1 + part.fullAt}))`;
  const positions = Object.entries(SCORE_PARTS.position).map(([where, points]) => `WHEN '${where}' THEN ${points}`).join(' ');
  return `/* score-function.install */ CREATE OR REPLACE FUNCTION prospect_score(referring_domains bigint, referring_pages bigint, followed boolean, link_position text, source_inlinks bigint)
RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT round(
      ${log('referring_domains', SCORE_PARTS.referringDomains)}
    + ${log('referring_pages', SCORE_PARTS.referringPages)}
    + CASE WHEN followed THEN ${SCORE_PARTS.followed} ELSE 0 END
    + CASE link_position ${positions} ELSE ${SCORE_PARTS.position.footer} END
    + ${log('source_inlinks', SCORE_PARTS.sourceInlinks)}
  )::integer
$$`;
}

/** Installs (or replaces) the SQL functions written from domain definitions. */
export async function installDomainFunctions(client: pg.PoolClient): Promise<void> {
  await client.query(scoreFunctionSql());
}

import t from 'tap';
import { startEnvironment } from '../support/environment.js';
import { opportunityScore } from '../../services/crawl/score.js';
import type { LinkPosition } from '../../services/crawl/link-context.js';

// PostgreSQL's prospect_score() and the domain's opportunityScore() come from one definition: over a
// grid of every part's range, they give the same score.
const env = await startEnvironment();
t.teardown(() => env.close());

t.test('the SQL twin agrees with the domain function', async (t) => {
  const counts = [0, 1, 2, 3, 5, 9, 10, 11, 19, 20, 21, 100];
  const positions: LinkPosition[] = ['content', 'sidebar', 'navigation', 'footer'];
  const cases = counts.flatMap((domains) => counts.flatMap((pages) => [true, false].flatMap((followed) =>
    positions.flatMap((position) => [0, 1, 4, 10, 50].flatMap((inlinks) => [null, 0, 0.25, 0.5, 1].map((relevance) => ({
      referringDomains: domains, referringPages: pages, followed, position, sourceInlinks: inlinks, relevance,
    })))))));
  const { rows } = await env.runtime.db.query<{ score: number }>(
    `SELECT prospect_score(d, p, f, pos, i, r) AS score
     FROM unnest($1::bigint[], $2::bigint[], $3::boolean[], $4::text[], $5::bigint[], $6::real[]) WITH ORDINALITY AS c(d, p, f, pos, i, r, n) ORDER BY n`,
    [cases.map((c) => c.referringDomains), cases.map((c) => c.referringPages), cases.map((c) => c.followed),
      cases.map((c) => c.position), cases.map((c) => c.sourceInlinks), cases.map((c) => c.relevance)],
  );
  const disagreements = cases.filter((c, i) => rows[i]!.score !== opportunityScore(c));
  t.same(disagreements, [], `${cases.length} cases agree`);
});

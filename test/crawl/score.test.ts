import t from 'tap';
import { opportunityScore, SCORE_PARTS } from '../../services/crawl/score.js';

// The opportunity score as the README documents it, part by part.
const nothing = { referringDomains: 0, referringPages: 0, followed: false, position: 'footer' as const, sourceInlinks: 0 };

t.test('each part adds its points; a prospect with everything scores 100', async (t) => {
  t.equal(opportunityScore(nothing), 2, 'a nofollow footer link nobody else has: only its position');
  t.equal(opportunityScore({ ...nothing, followed: true }), 22, 'followed: +20');
  t.equal(opportunityScore({ ...nothing, position: 'content' }), 15, 'in the text: 15');
  t.equal(opportunityScore({ ...nothing, position: 'sidebar' }), 5);
  t.equal(opportunityScore({ ...nothing, position: 'navigation' }), 3);
  const full = { referringDomains: 10, referringPages: 20, followed: true, position: 'content' as const, sourceInlinks: 10 };
  t.equal(opportunityScore(full), 100, 'full at 10 domains, 20 pages, 10 inlinks');
  t.equal(opportunityScore({ ...full, referringDomains: 500, referringPages: 9_000, sourceInlinks: 70 }), 100, 'and no more beyond');
});

t.test('counts weigh logarithmically: the first few matter most', async (t) => {
  const domains = (n: number) => opportunityScore({ ...nothing, referringDomains: n }) - opportunityScore(nothing);
  t.equal(domains(1), Math.round(SCORE_PARTS.referringDomains.points * Math.log(2) / Math.log(11)), 'one other domain: 9 of 30');
  t.ok(domains(1) > domains(9) - domains(5), 'the first domain adds more than the sixth to the ninth together');
  t.equal(domains(10), 30);
});

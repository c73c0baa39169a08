import t from 'tap';
import { GONE_LANDINGS, isDeepUrl, landingKind, type LandingKind } from '../../services/crawl/landing.js';

const kind = (from: string, to: string) => landingKind(new URL(from), new URL(to));

// Each canonicalization beside the soft 404 it could be mistaken for: [requested, landed on, kind].
const table: Array<[string, string, LandingKind, string]> = [
  // Index files, AMP, page extensions: the same page.
  ['https://garden.example/guide/index.html', 'https://garden.example/guide/', 'canonical', 'an index file'],
  ['https://garden.example/guide/pruning', 'https://garden.example/guide/', 'parent', 'one level up, not a listing'],
  ['https://garden.example/post/amp', 'https://garden.example/post/', 'canonical', 'AMP suffix'],
  ['https://garden.example/amp/roses-in-winter', 'https://garden.example/roses-in-winter', 'canonical', 'AMP prefix'],
  ['https://garden.example/blog/roses-in-winter', 'https://garden.example/blog/', 'listing', 'a post sent to its blog'],
  ['https://garden.example/docs/page/index.php', 'https://garden.example/docs/page', 'canonical', 'index.php'],
  ['https://garden.example/docs/page/setup', 'https://garden.example/docs/', 'listing', 'two levels up'],
  ['https://garden.example/about-us.html', 'https://garden.example/about-us', 'canonical', 'an extension dropped'],
  ['https://garden.example/about-us.html', 'https://garden.example/index.html', 'root', 'sent to the home page'],
  // Letter case, trailing slash, scheme, www, tracking parameters, locale.
  ['http://Garden.example/Guides/Pruning-Roses', 'https://garden.example/guides/pruning-roses/', 'canonical', 'case, scheme, slash'],
  ['https://garden.example/guides/pruning-roses', 'https://www.garden.example/guides/pruning-roses', 'canonical', 'www added'],
  ['https://www.garden.example/guides/pruning-roses', 'https://garden.example/guides/pruning-roses', 'canonical', 'www dropped'],
  ['https://garden.example/guides/pruning-roses?utm_source=news&fbclid=x1', 'https://garden.example/guides/pruning-roses', 'canonical', 'tracking parameters'],
  ['https://garden.example/shop/pruner-x200?ref=blog', 'https://garden.example/shop/', 'listing', 'a removed product sent to the shop'],
  ['https://garden.example/guides/pruning-roses', 'https://garden.example/en/guides/pruning-roses', 'canonical', 'a locale prefix added'],
  ['https://garden.example/guides/pruning-roses', 'https://garden.example/en-gb/guides/pruning-roses/', 'canonical', 'a regional locale added'],
  ['https://garden.example/guides/pruning-roses', 'https://garden.example/en/', 'root', "the locale's home page"],
  ['https://garden.example/produkte/gartenschere-x', 'https://garden.example/de/produkte/gartenschere-x', 'canonical', 'German locale'],
  ['https://garden.example/produkte/gartenschere-x', 'https://garden.example/produkte', 'listing', 'German product listing'],
  // Moved content stays alive; a home page of any site does not.
  ['https://garden.example/guides/pruning-roses', 'https://garden.example/articles/how-to-prune-roses', 'moved', 'a renamed page'],
  ['https://old-garden.example/guides/pruning-roses', 'https://new-garden.example/guides/pruning-roses', 'moved', 'a site migration'],
  ['https://old-garden.example/guides/pruning-roses', 'https://buyer-media.example/', 'root', 'a blog folded into its buyer'],
  ['https://old-garden.example/guides/pruning-roses', 'https://buyer-media.example/?ref=old-garden', 'root', "the buyer's home with a tracking tag"],
  ['https://garden.example/?p=1234', 'https://garden.example/roses-in-winter/', 'moved', 'a WordPress post id to its permalink'],
  ['https://garden.example/?p=1234', 'https://garden.example/', 'root', 'a WordPress post id to the home page'],
  // Error and search pages.
  ['https://garden.example/guides/pruning-roses', 'https://garden.example/404', 'generic', 'an error page'],
  ['https://garden.example/guides/pruning-roses', 'https://garden.example/errors/not-found.aspx', 'generic', 'an ASP.NET error page'],
  ['https://garden.example/guides/pruning-roses', 'https://garden.example/?s=pruning+roses', 'generic', 'a WordPress search'],
  ['https://garden.example/guides/pruning-roses', 'https://garden.example/search?q=pruning-roses', 'generic', 'a site search'],
  ['https://garden.example/guides/pruning-roses', 'https://garden.example/guides/pruning-roses?page=2', 'moved', 'a query that selects content'],
  // Date archives and sections.
  ['https://garden.example/2019/05/roses-in-winter', 'https://garden.example/2019/05/', 'listing', 'a month archive'],
  ['https://garden.example/news/2019/roses', 'https://garden.example/news', 'listing', 'a news section'],
  ['https://garden.example/team/anna', 'https://garden.example/team', 'parent', "a team member's page merged into the team page"],
  // Found in review: a search parameter or an error or search word the request already had, docs about
  // errors or search, home and index pages under other names, slugs shaped like locales.
  ['https://twitter.com/NASA/status/1546968346734280704?s=20', 'https://x.com/NASA/status/1546968346734280704?s=20', 'moved', 'a share link to a renamed site'],
  ['https://support.google.com/webmasters/answer/35769', 'https://developers.google.com/search/docs/essentials', 'moved', 'docs about search'],
  ['https://stripe.com/docs/api/errors', 'https://docs.stripe.com/api/errors', 'moved', 'docs about errors'],
  ['https://httpstatuses.com/404', 'https://httpstatuses.io/404', 'moved', 'a page about the 404 code'],
  ['https://garden.example/guides/pruning', 'https://garden.example/search/pruning', 'generic', 'a path-based search'],
  ['https://garden.example/home', 'https://garden.example/', 'canonical', '/home is the home page'],
  ['https://garden.example/?lang=en', 'https://garden.example/en/', 'canonical', 'a language parameter'],
  ['https://garden.example/blog/old-post', 'https://garden.example/home', 'root', 'a post sent to /home'],
  ['https://garden.example/blog/old-post', 'https://garden.example/en/home/', 'root', 'a post sent to /en/home'],
  ['https://old.example/tools/seo-checker', 'https://newco.example/?from=old.example', 'root', "a tool sent to its buyer's home, tagged"],
  ['https://garden.example/blog/index', 'https://garden.example/blog/', 'canonical', 'an index page without extension'],
  ['https://garden.example/services/no-code', 'https://garden.example/no-code/', 'moved', 'a slug shaped like a locale'],
  ['https://garden.example/?p=123', 'https://garden.example/my-post/', 'moved', 'a shortlink to its post'],
  // Sign-in pages.
  ['https://garden.example/members/pruning-course', 'https://garden.example/login?next=/members/pruning-course', 'login', 'a login wall'],
  ['https://garden.example/members/pruning-course', 'https://sso.garden.example/auth/realms/x', 'login', 'a single sign-on host'],
  ['https://garden.example/de/kurs/rosen', 'https://garden.example/de/anmelden', 'login', 'a German sign-in page'],
];

t.test('where a deep URL landed: canonical URLs beside real soft 404s', async (t) => {
  for (const [from, to, expected, why] of table) t.equal(kind(from, to), expected, `${why}: ${from} -> ${to}`);
});

t.test('only home, error, search and listing pages mean the content is gone', async (t) => {
  t.same([...GONE_LANDINGS].sort(), ['generic', 'listing', 'root']);
  for (const [from, to, expected] of table) t.equal(GONE_LANDINGS.has(kind(from, to)!), ['root', 'generic', 'listing'].includes(expected));
});

t.test('a home page that redirects is not a soft 404, wherever it goes', async (t) => {
  t.equal(kind('http://garden.example/', 'https://www.garden.example/'), 'canonical');
  t.equal(kind('https://garden.example/', 'https://garden.example/en/'), 'canonical', 'a locale home');
  t.equal(kind('https://garden.example/index.html', 'https://new-garden.example/'), 'moved', 'a whole site moved');
  t.equal(kind('https://garden.example/', 'https://garden.example/login'), 'login', 'a private site');
  t.equal(kind('https://garden.example/a', 'https://garden.example/a'), null, 'no redirect at all');
});

t.test('deep URLs', async (t) => {
  for (const url of ['https://garden.example/guides/pruning', 'https://garden.example/?p=12', 'https://garden.example/en/roses']) t.ok(isDeepUrl(new URL(url)), url);
  for (const url of ['https://garden.example/', 'https://garden.example/index.php', 'https://garden.example/en/', 'https://garden.example/?utm_source=x']) {
    t.notOk(isDeepUrl(new URL(url)), url);
  }
});

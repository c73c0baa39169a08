import { registrableDomain } from './urls.js';

/**
 * What it means that a URL's redirects (or a zero-delay meta refresh) ended somewhere else:
 * - `canonical`: the same page under its canonical URL (scheme, www, letter case, trailing slash, index
 *   file, page extension, AMP, tracking parameters, an added locale prefix): alive.
 * - `moved`: another deep page, on the same site or another (a renamed post, a site migration): alive.
 * - `parent`: the page one level up that is not a listing (a section merged into its parent page): alive.
 * - `root`: the home page of the same site or of another registrable domain (a blog folded into its
 *   buyer's home page): for a deep URL, the content is gone.
 * - `generic`: an error or search page: the content is gone.
 * - `listing`: an ancestor that is clearly a listing (see isListing): a removed post or product sent to
 *   its blog or category: the content is gone.
 * - `login`: a sign-in page: the site refuses us, which says nothing about the page.
 */
export type LandingKind = 'canonical' | 'moved' | 'parent' | 'root' | 'generic' | 'listing' | 'login';

// Query parameters that track a visit or choose a language, and never select content.
const TRACKING_PARAM = /^(?:utm_\w+|gclid|gbraid|wbraid|fbclid|msclkid|yclid|dclid|mc_cid|mc_eid|_ga|_gl|igshid|ref|ref_src|src|source|campaign|from|amp|outputtype|lang|hl|locale|language|hslang)$/i;
// Parameters that name a search: a page that lands on /?s=old-post or /search?q=... shows search results.
const SEARCH_PARAM = /^(?:s|q|query|search|keyword|keywords|k)$/i;
const INDEX_FILE = /\/(?:index|default|home)\.(?:html?|php\d?|aspx?|jsp|cfm|shtml)$/i;
// A last segment that names its folder's index page (/blog/index), and, at the top, the home page (/home).
const INDEX_SEGMENT = /^(?:index|default)$/;
const HOME_SEGMENT = /^(?:home|welcome|startseite|accueil|inicio)$/;
const PAGE_EXTENSION = /\.(?:html?|php\d?|aspx?|jsp|cfm|shtml)$/i;
// A locale segment: an ISO 639-1 language, optionally a region (two letters or three digits) or a script.
// Slugs of the same shape (no-code, my-post) are not locales: their first part is no language or their
// second no region.
const LANGUAGES = new Set(('aa ab af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es ' +
  'et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ' +
  'ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ' +
  'ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi ' +
  'yo za zh zu').split(' '));
const LOCALE_SHAPE = /^([a-z]{2})(?:[-_](?:[a-z]{2}|\d{3}|hans|hant|latn|cyrl|arab))?$/i;
const isLocale = (segment: string) => LANGUAGES.has(LOCALE_SHAPE.exec(segment)?.[1]?.toLowerCase() ?? '');
const HOST_ALIAS = /^(?:www\d*|m|amp|mobile)\./i;
const ERROR_SEGMENTS = new Set(['404', '404.html', '404.htm', '404.php', 'error', 'errors', 'not-found', 'notfound', 'not_found', 'page-not-found', 'pagenotfound', 'fehler', 'erreur']);
const SEARCH_SEGMENTS = new Set(['search', 'suche', 'recherche', 'buscar', 'busqueda', 'cerca', 'zoeken', 'pesquisa', 'find']);
const LOGIN_SEGMENTS = new Set([
  'login', 'log-in', 'log_in', 'signin', 'sign-in', 'sign_in', 'logon', 'sso', 'auth', 'authenticate', 'wp-login',
  'servicelogin', 'anmelden', 'anmeldung', 'connexion', 'se-connecter', 'iniciar-sesion', 'accedi', 'inloggen', 'entrar',
]);
const LOGIN_HOST = /^(?:login|logon|signin|auth|sso|accounts?|id)\./i;
// The last segment of a page that lists others: blogs, news, categories and tags, shops and catalogues, in
// the languages we recognize not-found pages in. Where the line is drawn: an ancestor one level up whose
// name is not one of these (and that is not a date archive) may be the page its child was merged into,
// so it is `parent` (alive); an ancestor two or more levels up, or at the top of the site's sections
// under one of these names, is a listing (dead).
const LISTING_SEGMENTS = new Set([
  'blog', 'blogs', 'news', 'articles', 'article', 'posts', 'stories', 'magazine', 'journal', 'category', 'categories', 'cat', 'tag',
  'tags', 'topic', 'topics', 'archive', 'archives', 'products', 'product', 'shop', 'store', 'catalog', 'catalogue', 'collections',
  'collection', 'items', 'listings', 'events', 'resources', 'downloads', 'gallery', 'galleries', 'videos', 'podcasts', 'episodes',
  'recipes', 'reviews', 'guides', 'tutorials', 'jobs', 'careers', 'press', 'media', 'library',
  'artikel', 'beitraege', 'nachrichten', 'aktuelles', 'kategorie', 'produkte', 'rezepte', 'ratgeber',
  'actualites', 'categorie', 'produits', 'recettes', 'boutique', 'noticias', 'categoria', 'productos', 'recetas', 'tienda',
  'notizie', 'prodotti', 'ricette', 'nieuws', 'producten', 'recepten', 'produtos', 'receitas', 'loja',
]);
const DATE_SEGMENT = /^(?:19|20)\d\d$|^(?:0?[1-9]|1[0-2])$/;

interface Shape {
  host: string;
  site: string;
  segments: string[];
  /** The remaining query, sorted, without tracking parameters. */
  query: string;
  searches: boolean;
}

/** A URL reduced to what names its content: see `canonical` above. */
function shapeOf(url: URL): Shape {
  let path = decodeSafely(url.pathname).toLowerCase().replace(INDEX_FILE, '/').replace(PAGE_EXTENSION, '');
  path = path.replace(/\.amp$/, '');
  const segments = path.split('/').filter(Boolean);
  // AMP versions: /post/amp, /amp/post.
  if (segments.at(-1) === 'amp') segments.pop();
  if (segments[0] === 'amp' && segments.length > 1) segments.shift();
  // Index and home pages under another name: /blog/index is /blog/, /home and /en/home are home pages.
  if (INDEX_SEGMENT.test(segments.at(-1) ?? '')) segments.pop();
  const top = segments.length === 2 && isLocale(segments[0]!) ? 1 : 0;
  if (segments.length === top + 1 && HOME_SEGMENT.test(segments[top]!)) segments.pop();
  const params = [...url.searchParams].filter(([name]) => !TRACKING_PARAM.test(name));
  return {
    host: url.hostname.toLowerCase().replace(HOST_ALIAS, ''),
    site: registrableDomain(url),
    segments,
    query: params.map(([name, value]) => `${name.toLowerCase()}=${value}`).sort().join('&'),
    searches: params.some(([name, value]) => SEARCH_PARAM.test(name) && value.trim() !== ''),
  };
}

function decodeSafely(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

const sameSegments = (a: string[], b: string[]) => a.length === b.length && a.every((segment, i) => segment === b[i]);

/** Whether `landing` is `requested` with a locale added in front (/post -> /en/post, /post -> /en-us/post). */
const addsLocale = (requested: string[], landing: string[]) =>
  landing.length === requested.length + 1 && isLocale(landing[0]!) && sameSegments(landing.slice(1), requested);

/**
 * An error or search page's path: one that ends in an error or search segment (/404, /errors/not-found,
 * /search), or in a search segment and one term (/search/pruning), which the requested path did not have.
 * Such words deeper in a path name documentation about errors or search (/search/docs/essentials).
 */
function isErrorOrSearchPath(landing: string[], requested: string[]): boolean {
  const last = landing.at(-1) ?? '';
  const beforeLast = landing.at(-2) ?? '';
  const word = ERROR_SEGMENTS.has(last) || SEARCH_SEGMENTS.has(last) ? last : SEARCH_SEGMENTS.has(beforeLast) ? beforeLast : null;
  return word !== null && !requested.includes(word);
}

function isListing(ancestor: string[], requested: string[]): boolean {
  if (requested.length - ancestor.length >= 2) return true;
  if (ancestor.some((segment) => LISTING_SEGMENTS.has(segment))) return true;
  return ancestor.length > 0 && DATE_SEGMENT.test(ancestor.at(-1)!);
}

/** The path below the home page: none for a locale's home (/en/). */
const pathBelowHome = (shape: Shape) => (shape.segments.length === 1 && isLocale(shape.segments[0]!) ? [] : shape.segments);
const isDeep = (shape: Shape) => pathBelowHome(shape).length > 0 || shape.query !== '';

/** Whether a URL is deep: it names something below a site's home page (a path, or a query that selects content). */
export const isDeepUrl = (url: URL): boolean => isDeep(shapeOf(url));

/**
 * What a redirect (or zero-delay refresh) from `requestedUrl` to `landingUrl` means; null when they are
 * the same URL. Login pages are recognized for any URL; the other kinds describe where a deep URL went.
 */
export function landingKind(requestedUrl: URL, landingUrl: URL): LandingKind | null {
  if (requestedUrl.href === landingUrl.href) return null;
  const requested = shapeOf(requestedUrl);
  const landing = shapeOf(landingUrl);
  const isLogin = (shape: Shape, url: URL) => LOGIN_HOST.test(url.hostname) || shape.segments.some((segment) => LOGIN_SEGMENTS.has(segment));
  if (isLogin(landing, landingUrl) && !isLogin(requested, requestedUrl)) return 'login';

  const sameSite = requested.site === landing.site;
  if (sameSite && requested.host === landing.host && requested.query === landing.query) {
    if (sameSegments(requested.segments, landing.segments) || addsLocale(requested.segments, landing.segments)) return 'canonical';
  }
  if (!isDeep(requested)) return 'moved';

  const landingPath = pathBelowHome(landing);
  if ((landing.searches && !requested.searches) || isErrorOrSearchPath(landingPath, requested.segments)) return 'generic';
  if (landingPath.length === 0 && landing.query === '') return 'root';
  if (!sameSite) return 'moved';
  const isAncestor =
    landing.query === '' &&
    landingPath.length < requested.segments.length &&
    landingPath.every((segment, i) => segment === requested.segments[i]);
  if (!isAncestor) return 'moved';
  return isListing(landingPath, requested.segments) ? 'listing' : 'parent';
}

/** The kinds of landing that mean a deep URL's content is gone. */
export const GONE_LANDINGS: ReadonlySet<LandingKind> = new Set(['root', 'generic', 'listing']);

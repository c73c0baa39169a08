import { collapseSpaces, type HtmlSummary } from './html-summary.js';
import { registrableDomain } from './urls.js';

// Hosts that serve nothing but parked-domain landers: any page on them is one.
const LANDER_HOSTS = ['sedoparking.com', 'parkingcrew.net', 'parkingpage.namecheap.com'];
// Aftermarkets, parking companies and registrars: their home pages, blogs and help are real sites that a page
// may link to, so only their listing paths (LISTING_PATHS) or a forsale. subdomain say "this domain is for sale".
const MARKET_HOSTS = [
  'sedo.com', 'dan.com', 'afternic.com', 'hugedomains.com', 'undeveloped.com', 'sav.com', 'atom.com', 'buydomains.com',
  'domainmarket.com', 'bodis.com', 'above.com', 'parklogic.com', 'godaddy.com', 'namecheap.com', 'efty.com',
];
const LISTING_PATHS = [
  '/buy-domain/', '/forsale/', '/for-sale/', '/domain_profile.cfm', '/search/details', '/lander/', '/buynow/', '/buy-now/',
  '/name/', '/domain/', '/market/buynow/', '/listing/',
];
const LOCALE_PREFIX = /^\/[a-z]{2}(?:-[a-z]{2})?(?=\/)/;

// Parking networks and for-sale landers: no site of its own loads a script or frame from them. Registrars'
// own hosts are left out: GoDaddy's and Namecheap's trust seals are scripts on ordinary sites.
const CODE_HOSTS = [...LANDER_HOSTS, ...MARKET_HOSTS.filter((host) => host !== 'godaddy.com' && host !== 'namecheap.com')];
// Code that only parked pages load, from hosts that serve ordinary sites too: every AdSense page loads
// adsbygoogle.js, only Google's parked-domain ads (AFD) load /adsense/domains/caf.js; GoDaddy's CDN serves
// its site builder's pages, /parking-lander only its parked domains.
const CODE_PATHS = [{ host: '', path: '/adsense/domains/caf.js' }, { host: 'img1.wsimg.com', path: '/parking-lander' }];
// Only where a page loads code and frames from: an article about aftermarkets may show their logos (img) and
// link to them (a href), and must not count as parked.
const CODE_TAGS = ['script', 'iframe', 'frame'];
// The longest src value read: lander URLs are short, and a bound keeps a value that never closes cheap.
const MAX_SRC_CHARS = 512;

// Above this many visible characters (the whole body, title included) a page has content of its own, and
// its phrases are prose about domains, not a lander's. Parking landers (a title, a headline, a dozen
// "related links", a footer line) and for-sale or registrar placeholders stay well below 1,000; an article
// of even 250 words with its site's navigation is over 2,000. Markers and URLs count at any length.
const THIN_PAGE_CHARS = 1_500;

// Whole phrases, after normalize(): landers' buttons and headlines, registrars' and hosters' placeholders.
// "Parked domain" stands only in a sentence ("is a parked domain"): hosting plans list "parked domains".
// A bare "coming soon" or "under construction" is not here: a real business's page says that too, with its
// address and phone, and its site is on its way, not gone. Only wording about the domain itself (bought,
// registered, reserved, parked) or a hoster's stock sentence ("Hier entsteht eine neue Internetpräsenz",
// GoDaddy's "Future home of something quite cool") marks a placeholder, even with an address beside it.
// One language a group: English, German, French, Spanish (Portuguese's "comprar este domínio" too once accents
// are dropped), Italian, Dutch, Portuguese.
const PHRASES = [
  'buy this domain', 'make an offer on this domain', 'inquire about this domain', 'is a parked domain', 'domain parked',
  'parked free of charge', 'this domain has been registered', 'this domain name has been registered',
  'this domain was recently registered', 'this domain is registered at', 'this domain is registered with',
  'future home of something quite cool',
  'diese domain kaufen', 'ist eine geparkte domain', 'domain geparkt', 'hier entsteht eine neue internetprasenz',
  'diese domain ist bereits vergeben', 'diese domain ist reserviert', 'domain reserviert', 'diese domain wurde registriert',
  'acheter ce domaine', 'acheter ce nom de domaine', 'est un domaine parque', 'ce domaine a ete reserve',
  'ce nom de domaine a ete reserve', 'ce domaine a ete enregistre', 'ce nom de domaine a ete enregistre',
  'comprar este dominio', 'se vende este dominio', 'es un dominio aparcado', 'es un dominio estacionado',
  'este dominio ha sido registrado', 'este dominio ha sido reservado', 'este dominio esta reservado',
  'acquista questo dominio', 'compra questo dominio', 'e un dominio parcheggiato', 'questo dominio e stato registrato',
  'koop dit domein', 'koop deze domeinnaam', 'is een geparkeerd domein', 'is een geparkeerde domeinnaam', 'dit domein is geregistreerd',
  'deze domeinnaam is geregistreerd', 'dit domein is gereserveerd',
  'compre este dominio', 'e um dominio estacionado', 'este dominio foi registrado', 'este dominio foi reservado',
];
// "<subject> ... <predicate>": "the domain name example.com is for sale", "die Domain steht zum Verkauf",
// "example.com est à vendre". The page's own registrable domain is a subject too.
const SUBJECTS = ['domain', 'domein', 'dominio'];
const PREDICATES = [
  'is for sale', 'may be for sale', 'might be for sale', 'could be for sale', 'is available for purchase', 'is parked',
  'steht zum verkauf', 'ist zu verkaufen', 'ist kauflich', 'ist geparkt',
  'est a vendre', 'est en vente', 'est parque',
  'esta a la venta', 'esta en venta', 'esta aparcado', 'esta estacionado',
  'e in vendita', 'e parcheggiato',
  'is te koop', 'is geparkeerd',
  'esta a venda', 'esta disponivel para venda',
];
// How far before a predicate its subject may end: room for a long domain name and "name" or "nom de".
const MAX_SUBJECT_GAP = 64;
// What may stand between subject and predicate besides a domain name: the rest of the subject's word
// ("domaine", "domeinnaam"), "name", articles. Anything else ("my domain. This farm is for sale") is
// another sentence.
const BETWEEN_WORDS = new Set(['e', 'name', 'naam', 'nom', 'de', 'di', 'do', 'da', 'del', 'van']);
const QUOTES = /^["'“”«»‹›(:,]+|["'“”«»‹›),:]+$/g;

// html-summary decodes only &nbsp; &amp; &#39; &quot;, and older landers write accents as entities
// ("Internetpr&auml;senz"). Accents are dropped below, so a named one stands for its bare letter.
const ACCENT_ENTITY = /&([a-z])(?:uml|acute|grave|circ|tilde|cedil|ring);/gi;
const NUMERIC_ENTITY = /&#(?:x([0-9a-f]{1,6})|([0-9]{1,7}));/gi;
function fromNumeric(_: string, hex: string | undefined, decimal: string | undefined): string {
  const code = hex ? parseInt(hex, 16) : Number(decimal);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
}

/** Entities decoded, lower case, accents dropped, curly apostrophes straight, whitespace collapsed: all linear. */
const normalize = (text: string) =>
  collapseSpaces(text.replace(ACCENT_ENTITY, '$1').replace(NUMERIC_ENTITY, fromNumeric).normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .toLowerCase().replace(/[\u2018\u2019\u00b4`]/g, "'"));

// Letters and digits, accented letters too; punctuation (Latin-1's and U+2000-U+206F) ends a word.
const isWordChar = (c: number) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0xc0 && !(c >= 0x2000 && c <= 0x206f));

/** Where `word` next stands as whole words in `text` at or after `from`, or -1. */
function findWord(text: string, word: string, from: number): number {
  for (let at = text.indexOf(word, from); at >= 0; at = text.indexOf(word, at + 1)) {
    if (!isWordChar(text.charCodeAt(at - 1)) && !isWordChar(text.charCodeAt(at + word.length))) return at;
  }
  return -1;
}

const onHost = (host: string, domains: readonly string[]) => domains.find((domain) => host === domain || host.endsWith(`.${domain}`));

const parseUrl = (url: string, base?: string) => (URL.canParse(url, base) ? new URL(url, base) : null);

/** Which parking host or marketplace listing a URL is on, or null. */
function urlEvidence(url: string, base?: string): string | null {
  const parsed = parseUrl(url, base);
  if (!parsed) return null;
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  const lander = onHost(host, LANDER_HOSTS);
  if (lander) return lander;
  const market = onHost(host, MARKET_HOSTS);
  if (!market) return null;
  if (host.startsWith('forsale.') || host.startsWith('for-sale.')) return host;
  const path = parsed.pathname.toLowerCase().replace(LOCALE_PREFIX, '');
  const listing = LISTING_PATHS.find((prefix) => path.startsWith(prefix));
  return listing ? `${market}${listing}` : null;
}

/** The value of an attribute whose `=` ends just before `from`: quoted or not, at most MAX_SRC_CHARS. */
function attributeValue(head: string, from: number): string {
  const quote = head[from] === '"' || head[from] === "'" ? head[from] : null;
  const start = quote ? from + 1 : from;
  const limit = Math.min(head.length, start + MAX_SRC_CHARS);
  let end = start;
  while (end < limit) {
    const c = head[end]!;
    if (c === '>' || (quote ? c === quote : c === ' ' || c === '\t' || c === '\n' || c === '\r')) break;
    end++;
  }
  return head.slice(start, end);
}

/** The parking host or lander path a src value loads from, or null. */
function sourceMarker(value: string): string | null {
  let rest = value.trim();
  if (rest.startsWith('https:')) rest = rest.slice(6);
  else if (rest.startsWith('http:')) rest = rest.slice(5);
  let host = '';
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    host = authority.replace(/[?#:].*$/, '');
    rest = slash < 0 ? '/' : rest.slice(slash);
  }
  const network = host ? onHost(host, CODE_HOSTS) : undefined;
  if (network) return network;
  const code = CODE_PATHS.find((marker) => (marker.host === '' || host === marker.host) && rest.startsWith(marker.path));
  return code ? `${code.host}${code.path}` : null;
}

/** A parking network's script or frame among the `src=` of script, iframe and frame tags (landers are generated markup: no spaces around `=`). */
function codeSourceMarker(head: string): string | null {
  // The last '<' and '>' before the current src=, advanced alongside it so that the scan stays linear.
  let lt = -1;
  let nextLt = head.indexOf('<');
  let gt = -1;
  let nextGt = head.indexOf('>');
  for (let at = head.indexOf('src=', 0); at >= 0; at = head.indexOf('src=', at + 4)) {
    while (nextLt >= 0 && nextLt < at) nextLt = head.indexOf('<', (lt = nextLt) + 1);
    while (nextGt >= 0 && nextGt < at) nextGt = head.indexOf('>', (gt = nextGt) + 1);
    // Outside a tag (text, or code inside a script element): not where the page loads from.
    if (lt < 0 || gt > lt) continue;
    const tag = CODE_TAGS.find((name) => head.startsWith(name, lt + 1) && !isWordChar(head.charCodeAt(lt + 1 + name.length)));
    if (!tag) continue;
    const marker = sourceMarker(attributeValue(head, at + 4));
    if (marker) return marker;
  }
  return null;
}

/** Bodis's JavaScript lander: `window.park = "eyJ..."` (base64 JSON). A park's own site may set `window.park = {...}`. */
function setsWindowPark(head: string): boolean {
  for (let at = head.indexOf('window.park'); at >= 0; at = head.indexOf('window.park', at + 1)) {
    let next = at + 'window.park'.length;
    // Bounded: at most a few spaces around the '='.
    while (next < at + 16 && head[next] === ' ') next++;
    if (head[next] !== '=') continue;
    for (next++; next < at + 24 && head[next] === ' '; ) next++;
    if ((head[next] === '"' || head[next] === "'") && head.startsWith('eyj', next + 1)) return true;
  }
  return false;
}

/** Whether only names, the subject word's rest and articles stand between a subject and its predicate. */
function onlyNamesBetween(between: string): boolean {
  return between.split(' ').every((raw) => {
    const word = raw.replace(QUOTES, '');
    const dot = word.indexOf('.');
    return word === '' || BETWEEN_WORDS.has(word) || (dot > 0 && dot < word.length - 1);
  });
}

/** The subject standing closest before the predicate at `at`, within MAX_SUBJECT_GAP and the same clause. */
function subjectBefore(text: string, at: number, subjects: readonly string[]): string | null {
  const lower = Math.max(0, at - MAX_SUBJECT_GAP);
  // Searched in a slice so that no search runs back over the whole text: linear however many predicates.
  const window = text.slice(lower, at);
  let best: { subject: string; end: number } | null = null;
  for (const subject of subjects) {
    for (let i = window.lastIndexOf(subject); i >= 0; i = i > 0 ? window.lastIndexOf(subject, i - 1) : -1) {
      if (isWordChar(text.charCodeAt(lower + i - 1))) continue;
      if (!best || i + subject.length > best.end) best = { subject, end: i + subject.length };
      break;
    }
  }
  if (!best || !onlyNamesBetween(window.slice(best.end))) return null;
  // French "domaine" is also an estate or a vineyard ("le domaine est à vendre"): it names a domain name
  // only as "nom de domaine" or beside a dotted name.
  const rest = window.slice(best.end);
  if (best.subject === 'domain' && /^e\b/.test(rest)) {
    const before = window.slice(0, best.end - best.subject.length);
    if (!/nom d[e']\s*$/.test(before) && !/\S\.\S/.test(rest)) return null;
  }
  return best.subject;
}

/** A lander's or placeholder's wording, read on thin pages only. */
function textEvidence(summary: HtmlSummary, finalUrl: string): string | null {
  if (summary.textLength > THIN_PAGE_CHARS) return null;
  const text = normalize(summary.text);
  const phrase = PHRASES.find((candidate) => findWord(text, candidate, 0) >= 0);
  if (phrase) return `text:${phrase}`;
  const parsed = parseUrl(finalUrl);
  const site = parsed ? registrableDomain(parsed).toLowerCase() : '';
  const subjects = site.includes('.') ? [...SUBJECTS, site] : SUBJECTS;
  for (const predicate of PREDICATES) {
    for (let at = findWord(text, predicate, 0); at >= 0; at = findWord(text, predicate, at + 1)) {
      const subject = subjectBefore(text, at, subjects);
      if (subject) return `text:${subject} ... ${predicate}`;
    }
  }
  return null;
}

/**
 * Why an answer is a domain parking page, a "this domain is for sale" lander or a registrar's or hoster's
 * placeholder, or null when it is not one: such a host answers 200 and looks alive, but the linked
 * content is gone (dead reason `parked_domain`).
 *
 * From strongest: the final URL is a parking host or a marketplace's listing (`url:hugedomains.com/domain_profile.cfm`),
 * or a zero-delay meta refresh goes there (`refresh:...`); the page loads a parking network's script or
 * frame (`marker:sedoparking.com`, `marker:/adsense/domains/caf.js`, `marker:window.park`); on a thin page
 * only (at most 1,500 visible characters), lander or placeholder wording in English, German, French,
 * Spanish, Italian, Dutch or Portuguese (`text:buy this domain`, `text:domain ... is for sale`, shown lower-cased
 * without accents). With `summary` null (not HTML) only the URL counts. Linear in the summary's size.
 */
export function parkingEvidence(answer: { finalUrl: string; summary: HtmlSummary | null }): string | null {
  const { finalUrl, summary } = answer;
  const url = urlEvidence(finalUrl);
  if (url) return `url:${url}`;
  if (!summary) return null;
  const refresh = summary.refresh === null ? null : urlEvidence(summary.refresh, finalUrl);
  if (refresh) return `refresh:${refresh}`;
  const marker = codeSourceMarker(summary.head) ?? (setsWindowPark(summary.head) ? 'window.park' : null);
  if (marker) return `marker:${marker}`;
  return textEvidence(summary, finalUrl);
}

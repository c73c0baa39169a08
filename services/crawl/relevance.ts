import { stemmer as stemEnglish } from '@orama/stemmers/english';
import { stemmer as stemFrench } from '@orama/stemmers/french';
import { stemmer as stemGerman } from '@orama/stemmers/german';
import { stemmer as stemSpanish } from '@orama/stemmers/spanish';
import { stopwords as stopEnglish } from '@orama/stopwords/english';
import { stopwords as stopFrench } from '@orama/stopwords/french';
import { stopwords as stopGerman } from '@orama/stopwords/german';
import { stopwords as stopSpanish } from '@orama/stopwords/spanish';

// Topical relevance: how well a crawled page fits a niche, from the words both use.
//
// A page becomes a bag of word stems ("pruning", "pruned" and "prunes" all count as "prune"), without
// stop words ("the", "und", "les", "para", plus MORE_STOP below), a word in the title counting 3 times,
// in a heading 2 times. The niche's profile is the same kind of bag, summed over its seed pages (each seed
// scaled to the same size, so one long seed does not drown the others), plus the request's keywords at
// the top weight. A page's score is the cosine similarity of the two bags (1 + ln(count) per stem, so a
// word said 50 times does not count 50 times more than one said once), mapped to 0..1 by an S-shaped
// curve: the odd shared word counts little, a shared vocabulary counts fully. On the test fixtures an
// on-topic page scores 0.63 to 1, an unrelated one 0 to 0.06. Three corrections, each deliberate:
// - short pages (under SHORT_PAGE_WORDS content words) say too little to judge: their score is pulled
//   toward NEUTRAL, the more the shorter (an empty page scores exactly NEUTRAL);
// - a page in another language than the niche shares hardly any stems with it, so it already scores
//   low; its score is further multiplied by CROSS_LANGUAGE_FACTOR. Words both languages share (plant
//   names, brands, "mulch") still count, so it is seldom exactly 0;
// - a page or profile whose language is unknown (too few stop words to tell) keeps its words unstemmed,
//   and is stemmed in the other side's language when the two are compared, so it still matches (when
//   neither language is known, plain words and each of the four stemmers are tried: the best counts).
// An empty profile has nothing to measure against: every page scores 1.
// Words are runs of letters and digits; only 3+ character words with a letter count. The language is the
// declared html lang when it is one of the four, else the one whose own stop words occur most.

export const RELEVANCE_LANGUAGES = ['en', 'de', 'fr', 'es'] as const;
export type RelevanceLanguage = (typeof RELEVANCE_LANGUAGES)[number];

/** A page's weighted stems, in its language: at most MAX_PAGE_TERMS entries, [stem, weight] sorted by weight desc. */
export interface PageTerms {
  lang: RelevanceLanguage | null;
  terms: [string, number][];
  words: number;
  /** For display: the page's commonest word of each kept stem ('pruning' for 'prune'), when it differs from the stem. */
  shown?: Record<string, string>;
}
/** What a page offers the scorer: title, headings (h1-h3), main text (navigation etc. already removed by the caller), declared html lang (e.g. 'en-GB' or null). */
export interface PageText { title: string | null; headings: string[]; text: string; declaredLang: string | null }
/**
 * The niche's profile: weighted stems in the niche's language, built from the seed pages and the request's
 * keywords. langVotes counts the seeds per detected language (the profile's language is the majority); it
 * is absent from an empty profile and may be absent from one stored by hand ({ lang, terms } is enough).
 */
export interface NicheProfile {
  lang: RelevanceLanguage | null;
  terms: [string, number][];
  langVotes?: Partial<Record<RelevanceLanguage, number>>;
  /** For display: a word of each stem as the seeds or keywords wrote it, when it differs from the stem. */
  shown?: Record<string, string>;
}

export const MAX_PAGE_TERMS = 200;
export const MAX_PROFILE_TERMS = 60;
/** Weight of a word by where it stands on the page. */
const FIELD_WEIGHTS = { title: 3, headings: 2, text: 1 } as const;
/** Below this many content words a page's score is pulled toward NEUTRAL (linearly: 10 words keep a quarter of it). */
export const SHORT_PAGE_WORDS = 40;
/** The score of a page (or link) with nothing to judge it by. */
export const NEUTRAL = 0.35;
/** Multiplies the score of a page whose detected language differs from the niche's. */
export const CROSS_LANGUAGE_FACTOR = 0.5;
/**
 * The cosine at which the score reaches 0.63; the curve is 1 - exp(-(cosine / COSINE_SCALE)^2), so the odd
 * shared word (cosine 0.03: 0.03) counts little and a shared vocabulary (cosine 0.25: 0.91) counts fully.
 * Calibrated on the gardening fixtures of test/crawl/relevance.test.ts.
 */
const COSINE_SCALE = 0.16;
/** Profile weight (relative to its heaviest stem) a link must show to reach 63%. */
const LINK_SCALE = 0.8;
/** Below this many distinct content words (anchor and URL path together) a link's score is pulled toward NEUTRAL. */
export const SHORT_LINK_WORDS = 3;
/** Only the first this many characters of the main text (about 3,000 words) are read: bounds the cost of huge pages. */
const MAX_TEXT_CHARS = 20_000;

const STEMMERS: Record<RelevanceLanguage, (word: string) => string> = { en: stemEnglish, de: stemGerman, fr: stemFrench, es: stemSpanish };
/**
 * Common words the packaged stop-word lists miss (numbers, quantifiers, everyday adverbs and verbs, the
 * pieces of "don't" and "aujourd'hui"): they say nothing about a topic, and off-topic pages share them.
 */
const MORE_STOP: Record<RelevanceLanguage, string> = {
  en: `also just even still yet every many much often around back one two three four five six seven eight nine ten
    first second new well way like get gets got make makes made use uses used using need needs take takes put add
    see seen say says said know want look find give come going thing things lot lots really
    let don doesn didn isn aren wasn weren won can couldn shouldn wouldn haven hasn hadn`,
  de: `etwa immer mehr schon ganz dabei daher deshalb jedoch sowie bereits gut gute guten richtig geht gibt zwei drei vier
    fünf sechs sieben acht neun zehn erst erste ersten neu neue neuen dass beim lassen müssen sollten eigenen selber heute
    sehen siehe geben gehen kommen finden`,
  fr: `plus chaque après avant comme aussi très bien tout tous toute toutes peu encore entre sous vers quand comment
    faire fait mettre utiliser utilisez deux trois quatre cinq six sept huit neuf dix premier première premiers premières
    nouveau nouvelle nouveaux nouvelles ainsi dont donc alors où puis peut doit chez depuis selon aujourd hui voir`,
  es: `paso pasos nueve diez añade añadir necesitas necesita siempre cómo cada vez`,
};
const STOP: Record<RelevanceLanguage, Set<string>> = {
  en: new Set([...stopEnglish, ...MORE_STOP.en.trim().split(/\s+/)]),
  de: new Set([...stopGerman, ...MORE_STOP.de.trim().split(/\s+/)]),
  fr: new Set([...stopFrench, ...MORE_STOP.fr.trim().split(/\s+/)]),
  es: new Set([...stopSpanish, ...MORE_STOP.es.trim().split(/\s+/)]),
};
const ALL_STOP = new Set(RELEVANCE_LANGUAGES.flatMap((lang) => [...STOP[lang]]));
/** For detection: stop words of at least 2 letters that belong to one language only ("the", "und", "les" is not: fr and es). */
const TELLTALE = new Map<string, RelevanceLanguage>();
for (const lang of RELEVANCE_LANGUAGES) {
  for (const word of STOP[lang]) {
    if (word.length >= 2 && RELEVANCE_LANGUAGES.every((other) => other === lang || !STOP[other].has(word))) TELLTALE.set(word, lang);
  }
}
/** A language needs this many telltale stop words, and more than any other language, to be detected. */
const MIN_DETECTION_HITS = 3;

// Stemmers cost a few microseconds a word; pages repeat words, so stems are remembered (bounded).
const stemCache = new Map<RelevanceLanguage, Map<string, string>>(RELEVANCE_LANGUAGES.map((lang) => [lang, new Map()]));
function stem(word: string, lang: RelevanceLanguage | null): string {
  if (lang === null) return word;
  const cache = stemCache.get(lang)!;
  let stemmed = cache.get(word);
  if (stemmed === undefined) {
    if (cache.size >= 50_000) cache.clear();
    stemmed = STEMMERS[lang](word);
    cache.set(word, stemmed);
  }
  return stemmed;
}

/** Lower-case words: runs of Unicode letters and digits (apostrophes, hyphens, slashes split words). */
function words(text: string): string[] {
  if (/\p{M}/u.test(text)) text = text.normalize('NFC');
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The language whose telltale stop words occur most, with at least MIN_DETECTION_HITS and no tie; else null. */
function detectLanguage(occurrences: Iterable<[string, number]>): RelevanceLanguage | null {
  const hits: Record<RelevanceLanguage, number> = { en: 0, de: 0, fr: 0, es: 0 };
  for (const [token, count] of occurrences) {
    const lang = TELLTALE.get(token);
    if (lang) hits[lang] += count;
  }
  const ranked = [...RELEVANCE_LANGUAGES].sort((a, b) => hits[b] - hits[a]);
  const [first, second] = [hits[ranked[0]!], hits[ranked[1]!]];
  return first >= MIN_DETECTION_HITS && first > second ? ranked[0]! : null;
}

/** How often each word occurs. */
function occurrences(tokens: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

/** 'en-GB', 'de_AT', 'FR' to a supported language, else null. */
function declared(lang: string | null): RelevanceLanguage | null {
  const primary = lang?.trim().toLowerCase().split(/[-_]/)[0];
  return (RELEVANCE_LANGUAGES as readonly string[]).includes(primary ?? '') ? (primary as RelevanceLanguage) : null;
}

/** A word worth keeping: 3+ characters, some letter, not a stop word (of the language, or of all four when unknown). */
function contentWord(word: string, lang: RelevanceLanguage | null): boolean {
  return word.length >= 3 && !(lang ? STOP[lang] : ALL_STOP).has(word) && /\p{L}/u.test(word);
}

/** Heaviest first; equal weights by stem, so that every result is deterministic. */
const byWeight = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

export function pageTerms(page: PageText): PageTerms {
  // Each distinct word once: its occurrences (for the language and the word count) and its weight.
  const seen = new Map<string, [occurrences: number, weight: number]>();
  const fields: [string[], number][] = [
    [words(page.title ?? ''), FIELD_WEIGHTS.title],
    [page.headings.flatMap((heading) => words(heading)), FIELD_WEIGHTS.headings],
    [words(page.text.slice(0, MAX_TEXT_CHARS)), FIELD_WEIGHTS.text],
  ];
  for (const [tokens, weight] of fields) {
    for (const token of tokens) {
      const entry = seen.get(token);
      if (entry) [entry[0], entry[1]] = [entry[0] + 1, entry[1] + weight];
      else seen.set(token, [1, weight]);
    }
  }
  const lang = declared(page.declaredLang) ?? detectLanguage([...seen].map(([token, [count]]) => [token, count]));
  const counts = new Map<string, number>();
  // Each stem's heaviest word, to show.
  const surface = new Map<string, [word: string, weight: number]>();
  let kept = 0;
  for (const [token, [count, weight]] of seen) {
    if (!contentWord(token, lang)) continue;
    kept += count;
    const s = stem(token, lang);
    counts.set(s, (counts.get(s) ?? 0) + weight);
    const shownSoFar = surface.get(s);
    if (!shownSoFar || weight > shownSoFar[1] || (weight === shownSoFar[1] && token < shownSoFar[0])) surface.set(s, [token, weight]);
  }
  const terms = [...counts].sort(byWeight).slice(0, MAX_PAGE_TERMS);
  const shown = shownOf(terms, (term) => surface.get(term)?.[0]);
  return { lang, terms, words: kept, ...(Object.keys(shown).length > 0 ? { shown } : {}) };
}

/** Terms read in another language: an unknown-language (unstemmed) side is stemmed in `lang`, equal stems summed. */
function restem(terms: [string, number][], from: RelevanceLanguage | null, lang: RelevanceLanguage | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const [term, weight] of terms) {
    const s = from === null ? stem(term, lang) : term;
    out.set(s, (out.get(s) ?? 0) + weight);
  }
  return out;
}

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

/** The profile's language: the majority of the seeds' votes (a tie keeps the current language, else the first listed). */
function majority(votes: Partial<Record<RelevanceLanguage, number>>, current: RelevanceLanguage | null): RelevanceLanguage | null {
  let best: RelevanceLanguage | null = null;
  for (const lang of RELEVANCE_LANGUAGES) {
    if ((votes[lang] ?? 0) > (best ? votes[best] ?? 0 : 0)) best = lang;
  }
  if (best && current && (votes[current] ?? 0) === votes[best]) return current;
  return best;
}

/**
 * The profile after one more seed (and the keywords, optional). What it does, in order:
 * 1. the seed's language (if detected) is one more vote; the profile's language is the majority;
 * 2. the seed's stems get 1 + ln(weight) and are scaled so their squares sum to 1 (every seed weighs the
 *    same), then added to the profile's weights;
 * 3. each keyword's stems are raised to the profile's heaviest weight (raising, not adding: passing the
 *    same keywords with every seed changes nothing more);
 * 4. only the MAX_PROFILE_TERMS heaviest stems are kept, weights rounded to 4 decimals.
 * Because of step 4, a stem that falls out early cannot come back with its earlier weight: the result
 * can depend a little on the order of the seeds (the heavy, shared stems do not). buildProfile is exactly
 * this fold, so the two always agree. Pass the same keywords with every merge to keep them on top.
 * While the language is unknown the profile holds plain words; once a seed decides it, they are stemmed.
 * Should the majority later move to another language, the stems already kept stay as they are: a niche
 * is meant to be one language (seeds in another language only add their few shared words).
 */
export function mergeProfile(profile: NicheProfile, seed: PageTerms, keywords: string[] = []): NicheProfile {
  const votes = { ...profile.langVotes };
  if (seed.lang && seed.terms.length > 0) votes[seed.lang] = (votes[seed.lang] ?? 0) + 1;
  const keywordTokens = keywords.flatMap((keyword) => words(keyword));
  const lang = majority(votes, profile.lang) ?? profile.lang ?? detectLanguage(occurrences(keywordTokens));

  const weights = restem(profile.terms, profile.lang, lang);
  const seedTerms = restem(seed.terms, seed.lang, lang);
  const scaled = [...seedTerms].map(([term, weight]) => [term, 1 + Math.log(Math.max(1, weight))] as const);
  const norm = Math.hypot(...scaled.map(([, weight]) => weight));
  for (const [term, weight] of scaled) weights.set(term, (weights.get(term) ?? 0) + weight / norm);

  // Keywords alone (no seed yet) get the weight a stem has in a seed of MAX_PROFILE_TERMS equal stems,
  // so that they stay in scale with the seeds that come later.
  const top = Math.max(1 / Math.sqrt(MAX_PROFILE_TERMS), ...weights.values());
  for (const token of keywordTokens) {
    if (!contentWord(token, lang)) continue;
    const s = stem(token, lang);
    weights.set(s, Math.max(weights.get(s) ?? 0, top));
  }
  const terms = [...weights].map(([term, weight]): [string, number] => [term, round(weight, 4)]).sort(byWeight).slice(0, MAX_PROFILE_TERMS);
  // The word shown for a stem: the one shown before, else a keyword's, else the seed's.
  const keywordShown = new Map(keywordTokens.filter((token) => contentWord(token, lang)).map((token) => [stem(token, lang), token]));
  const shown = shownOf(terms, (term) => profile.shown?.[term] ?? keywordShown.get(term) ?? seed.shown?.[term]);
  return { lang, terms, langVotes: votes, ...(Object.keys(shown).length > 0 ? { shown } : {}) };
}

/** The words to show of the given terms, for those whose word is known and differs from the term. */
function shownOf(terms: [string, number][], wordOf: (term: string) => string | undefined): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [term] of terms) {
    const word = wordOf(term);
    if (word && word !== term) shown[term] = word;
  }
  return shown;
}

/** The profile of a niche: mergeProfile folded over the seeds in their order (keywords alone: a profile of them). */
export function buildProfile(seeds: PageTerms[], keywords: string[]): NicheProfile {
  const empty: NicheProfile = { lang: null, terms: [] };
  const none: PageTerms = { lang: null, terms: [], words: 0 };
  const profile = (seeds.length > 0 ? seeds : [none]).reduce((p, seed) => mergeProfile(p, seed, keywords), empty);
  return profile.terms.length > 0 ? profile : empty;
}

/** The profile as a lookup, per reading language (memoized: profiles are treated as immutable). */
const profileVectors = new WeakMap<NicheProfile, Map<RelevanceLanguage | null, { weights: Map<string, number>; norm: number; top: number }>>();
function profileVector(profile: NicheProfile, lang: RelevanceLanguage | null) {
  let byLang = profileVectors.get(profile);
  if (!byLang) profileVectors.set(profile, (byLang = new Map()));
  let vector = byLang.get(lang);
  if (!vector) {
    const weights = restem(profile.terms, profile.lang, lang);
    const values = [...weights.values()];
    vector = { weights, norm: Math.hypot(...values), top: Math.max(0, ...values) };
    byLang.set(lang, vector);
  }
  return vector;
}

/** The readings to try: the known language, or (neither side's language known) plain words and each of the four. */
const readings = (lang: RelevanceLanguage | null): (RelevanceLanguage | null)[] => (lang ? [lang] : [null, ...RELEVANCE_LANGUAGES]);

/** The topical fit of a page to the niche, 0 to 1 (3 decimals). */
export function relevance(profile: NicheProfile, page: PageTerms): number {
  if (profile.terms.length === 0) return 1;
  let cosine = 0;
  for (const lang of readings(profile.lang ?? page.lang)) {
    const niche = profileVector(profile, lang);
    let dot = 0;
    let squares = 0;
    for (const [term, count] of restem(page.terms, page.lang, lang)) {
      const weight = 1 + Math.log(Math.max(1, count));
      squares += weight * weight;
      dot += weight * (niche.weights.get(term) ?? 0);
    }
    if (squares > 0 && niche.norm > 0) cosine = Math.max(cosine, dot / (Math.sqrt(squares) * niche.norm));
  }
  let score = 1 - Math.exp(-((cosine / COSINE_SCALE) ** 2));
  if (page.words < SHORT_PAGE_WORDS) score = NEUTRAL + (score - NEUTRAL) * (page.words / SHORT_PAGE_WORDS);
  if (page.lang && profile.lang && page.lang !== profile.lang) score *= CROSS_LANGUAGE_FACTOR;
  return round(Math.min(1, Math.max(0, score)), 3);
}

/** The n heaviest stems (a crawl shows each as `shown` has it: store/crawls.ts). */
export function topTerms(profile: NicheProfile, n: number): string[] {
  return [...profile.terms].sort(byWeight).slice(0, Math.max(0, n)).map(([term]) => term);
}

/** Words of a URL's path ('/garden/pruning-roses.html' -> garden, pruning, roses), file extensions dropped. */
function pathWords(url: string): string {
  let path: string;
  try {
    path = new URL(url, 'http://relative.invalid').pathname;
  } catch {
    return '';
  }
  try {
    path = decodeURIComponent(path);
  } catch { /* keep it encoded */ }
  return path.replace(/\.(html?|php|aspx?|jsp)$/i, '');
}

/**
 * Relevance of a link before it is fetched, from its anchor text and URL path words (for steering a crawl).
 * Each distinct stem of the link that the profile holds adds its weight relative to the profile's heaviest
 * stem; the sum goes through a saturating curve (one top stem: 0.71, two: 0.92). Like a short page, a link
 * of fewer than SHORT_LINK_WORDS distinct words is pulled toward NEUTRAL; one without any ("click here"
 * minus its stop words is "click", /p?id=5 has none) scores NEUTRAL. An empty profile: 1.
 */
export function linkRelevance(profile: NicheProfile, link: { anchorText: string; url: string }): number {
  if (profile.terms.length === 0) return 1;
  const tokens = words(`${link.anchorText} ${pathWords(link.url)}`).filter((word) => contentWord(word, profile.lang));
  let hits = 0;
  let distinct = 0;
  for (const lang of readings(profile.lang)) {
    const niche = profileVector(profile, lang);
    const stems = new Set(tokens.map((word) => stem(word, lang)));
    let sum = 0;
    for (const s of stems) sum += (niche.weights.get(s) ?? 0) / (niche.top || 1);
    if (sum >= hits) [hits, distinct] = [sum, stems.size];
  }
  const score = 1 - Math.exp(-hits / LINK_SCALE);
  return round(distinct >= SHORT_LINK_WORDS ? score : NEUTRAL + (score - NEUTRAL) * (distinct / SHORT_LINK_WORDS), 3);
}

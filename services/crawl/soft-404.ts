import type { Hop } from '../http/client.js';
import type { HtmlSummary } from './html-summary.js';
import { registrableDomain } from './urls.js';

// Phrases that, standing alone in a title segment or heading, say "this page does not exist".
const NOT_FOUND_PHRASES = [
  'page not found', 'not found', 'file not found', 'nothing found', 'page cannot be found', 'page could not be found',
  'the page you requested could not be found', 'the page you are looking for could not be found',
  "this page doesn't exist", 'this page does not exist', 'page does not exist', "page doesn't exist",
  'seite nicht gefunden', 'nicht gefunden', 'seite wurde nicht gefunden',
  'page introuvable', 'page non trouvée', 'page non trouvee', "cette page n'existe pas",
  'página no encontrada', 'pagina no encontrada', 'no encontrado', 'página não encontrada', 'pagina nao encontrada',
  'pagina non trovata', 'pagina niet gevonden', 'niet gevonden', 'nie znaleziono strony', 'strona nie została znaleziona',
  'страница не найдена', 'sidan hittades inte', 'sidan kunde inte hittas', 'siden blev ikke fundet', 'sayfa bulunamadı',
  'ページが見つかりません', '页面不存在', '找不到页面', '页面未找到', '페이지를 찾을 수 없습니다',
];
// Words that often surround the phrase ("Oops! Error 404 - Page not found") and carry no meaning of their own.
const FILLER = /\b(?:oops|sorry|error|erreur|fehler|errore|erro|ошибка|błąd|hata|http)\b|404|[!.,:;·|–—\-()[\]"'«»]/giu;
// A page with more visible text than this is an article, even if its title is about 404s.
const THIN_TEXT_CHARS = 3_000;

const normalizePhrase = (text: string) => text.toLowerCase().replace(FILLER, ' ').replace(/\s+/g, ' ').trim();

function saysNotFound(text: string): boolean {
  if (!text) return false;
  const phrase = normalizePhrase(text);
  // Nothing but filler around a 404 ("Error 404", "Oops! 404.") says it as clearly as the phrases.
  if (phrase === '' && /\b404\b/.test(text)) return true;
  return NOT_FOUND_PHRASES.includes(phrase);
}

/**
 * A 200 page that is really a not-found page: a title segment ("Page not found | Site") or, on a thin
 * page, the main heading says so, in one of the common languages.
 */
export function isNotFoundPage(summary: HtmlSummary): boolean {
  const segments = summary.title.split(/\s[|–—·:\-]\s|\s[|–—·]|[|–—·]\s/);
  if (segments.some(saysNotFound)) return true;
  return summary.textLength <= THIN_TEXT_CHARS && saysNotFound(summary.h1);
}

const GENERIC_PATHS = /^\/(?:index\.(?:html?|php|aspx?)|home|default\.aspx|404(?:\.html?)?|not[-_]?found|page[-_]?not[-_]?found|error(?:\/404)?|errors?\/404)?\/?$/i;
const LOCALE_ROOT = /^\/[a-z]{2}(?:[-_][a-z]{2})?\/?$/i;
const segmentsOf = (path: string) => path.split('/').filter(Boolean);

/**
 * A deep URL whose redirects end on the same site's home page, an error page, or a page above it in
 * the path (a removed product sent to its category): the content is gone.
 */
export function isRedirectToGeneric(requestedUrl: string, finalUrl: string, redirects: Hop[]): boolean {
  if (redirects.length === 0) return false;
  const requested = new URL(requestedUrl);
  const final = new URL(finalUrl);
  const requestedSegments = segmentsOf(requested.pathname);
  if (requestedSegments.length === 0 || GENERIC_PATHS.test(requested.pathname)) return false;
  if (registrableDomain(requested) !== registrableDomain(final)) return false;
  if (GENERIC_PATHS.test(final.pathname) || LOCALE_ROOT.test(final.pathname)) return true;
  const finalSegments = segmentsOf(final.pathname);
  const isAncestor =
    finalSegments.length < requestedSegments.length &&
    finalSegments.every((segment, index) => segment.toLowerCase() === requestedSegments[index]!.toLowerCase());
  return isAncestor;
}

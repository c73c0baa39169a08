import type { HtmlSummary } from './html-summary.js';

// Phrases that, standing alone in a title segment or heading, say "this page does not exist".
const NOT_FOUND_PHRASES = [
  'page not found', 'not found', 'file not found', 'nothing found', 'page cannot be found', 'page could not be found',
  'the page you requested could not be found', 'the page you are looking for could not be found',
  "this page doesn't exist", 'this page does not exist', 'page does not exist', "page doesn't exist",
  "that page can't be found", "this page can't be found", "page can't be found", 'page cannot be found', "we can't find that page",
  "we couldn't find that page", "we couldn't find this page", 'the page you requested was not found',
  'seite nicht gefunden', 'nicht gefunden', 'seite wurde nicht gefunden',
  'page introuvable', 'page non trouvée', 'page non trouvee', "cette page n'existe pas",
  'página no encontrada', 'pagina no encontrada', 'no encontrado', 'página não encontrada', 'pagina nao encontrada',
  'pagina non trovata', 'pagina niet gevonden', 'niet gevonden', 'nie znaleziono strony', 'strona nie została znaleziona',
  'страница не найдена', 'sidan hittades inte', 'sidan kunde inte hittas', 'siden blev ikke fundet', 'sayfa bulunamadı',
  'ページが見つかりません', '页面不存在', '找不到页面', '页面未找到', '페이지를 찾을 수 없습니다',
];
// Words that often surround the phrase ("Oops! Error 404 - Page not found") and carry no meaning of their own.
const FILLER = /\b(?:oops|sorry|error|erreur|fehler|errore|erro|ошибка|błąd|hata|http)\b|404|[!.,:;·|–—\-()[\]"'«»]/giu;
// A page with more visible text than this is an article, even if its title or heading is about 404s
// ("404 | Fixing broken links", "Not Found - a short story"). A not-found page is a line or two of
// text inside the site's navigation and footer, which rarely come to 3,000 characters.
const THIN_TEXT_CHARS = 3_000;

// Curly apostrophes ("can’t") count as straight ones, which the filler turns into spaces like the rest.
const normalizePhrase = (text: string) => text.toLowerCase().replace(/[’‘]/g, "'").replace(FILLER, ' ').replace(/\s+/g, ' ').trim();
// The phrases as a title or heading reads once normalized ("doesn't" is "doesn t" then).
const NOT_FOUND = new Set(NOT_FOUND_PHRASES.map(normalizePhrase));

function saysNotFound(text: string): boolean {
  if (!text) return false;
  const phrase = normalizePhrase(text);
  // Nothing but filler around a 404 ("Error 404", "Oops! 404.") says it as clearly as the phrases.
  if (phrase === '' && /\b404\b/.test(text)) return true;
  return NOT_FOUND.has(phrase);
}

/**
 * A 200 page that is really a not-found page: on a thin page, a title segment ("Page not found | Site")
 * or the main heading says so, in one of the common languages.
 */
export function isNotFoundPage(summary: HtmlSummary): boolean {
  if (summary.textLength > THIN_TEXT_CHARS) return false;
  const segments = summary.title.split(/\s[|–—·:\-]\s|\s[|–—·]|[|–—·]\s/);
  return segments.some(saysNotFound) || saysNotFound(summary.h1);
}

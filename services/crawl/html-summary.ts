/** What verdict heuristics read of an HTML answer, without building a DOM. */
export interface HtmlSummary {
  title: string;
  h1: string;
  /** Characters of visible text (scripts, styles and tags removed, spaces collapsed). */
  textLength: number;
  /** Lower-cased start of the raw HTML, for marker searches. */
  head: string;
}

const MARKER_WINDOW = 64 * 1024;

const decodeEntities = (text: string) =>
  text.replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"');
const clean = (text: string | undefined) =>
  decodeEntities((text ?? '').replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();

/**
 * Reads title, first h1 and the amount of visible text with linear-time regexes: fast enough to run
 * on the main thread for a capped check body, and immune to pathological nesting.
 */
export function summarizeHtml(html: string): HtmlSummary {
  const title = clean(/<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1]);
  const h1 = clean(/<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1]);
  const text = html
    .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ');
  return { title, h1, textLength: text.trim().length, head: html.slice(0, MARKER_WINDOW).toLowerCase() };
}

/**
 * A body that decoded into mostly control or replacement characters is a binary file served as
 * text/html: not worth parsing.
 */
export function looksBinary(text: string): boolean {
  const sample = text.slice(0, 4_096);
  if (sample.length === 0) return false;
  const odd = sample.match(/[\u0000-\u0008\u000e-\u001a\ufffd]/g)?.length ?? 0;
  return odd / sample.length > 0.1;
}

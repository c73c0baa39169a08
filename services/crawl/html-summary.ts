/** What verdict heuristics read of an HTML answer, without building a DOM. */
export interface HtmlSummary {
  title: string;
  h1: string;
  /** Characters of visible text (scripts, styles and tags removed, spaces collapsed). */
  textLength: number;
  /** The start of that visible text (up to TEXT_START_CHARS), entities decoded, for phrase searches. */
  text: string;
  /** The target of a zero-delay meta refresh (`<meta http-equiv="refresh" content="0; url=...">`), as written; null when none. */
  refresh: string | null;
  /** Lower-cased start of the raw HTML, for marker searches. */
  head: string;
}

const MARKER_WINDOW = 64 * 1024;
export const TEXT_START_CHARS = 4_096;
// Source read of a title or h1. No real page has a longer one; a hostile one costs main-thread time
// (a 2 MiB title of "a | a | ..." took 0.4 s to clean and 0.15 s more in the soft-404 check).
const MAX_HEADING_SOURCE = 64 * 1024;

// Lazy regexes such as /<title[^>]*>([\s\S]*?)<\/title>/ and /<[^>]*>/g rescan to the end of the body for
// every opening tag never closed: a 256 KiB check body of unclosed <title> tags held the event loop for
// 1.6 s, of "<title" without ">" for 14 s, of "<" alone for 43 s. The scans below find each tag with literal
// searches and never look again past a point known to hold no match, so their cost is linear in the body.
// They read what those regexes read (titles and headings up to MAX_HEADING_SOURCE).
const TITLE = { open: /<title/i, close: /<\/title>/gi };
const H1 = { open: /<h1/i, close: /<\/h1>/gi };
const HIDDEN_OPEN = /<(script|style|noscript|template)\b/gi;
const HIDDEN_CLOSE: Record<string, RegExp> = {
  script: /<\/script\s*>/gi,
  style: /<\/style\s*>/gi,
  noscript: /<\/noscript\s*>/gi,
  template: /<\/template\s*>/gi,
};

// The named entities titles and headings use (WordPress writes "Page not found &#8211; Site"); numeric
// ones are decoded whatever they are.
const NAMED_ENTITIES: Record<string, string> = {
  nbsp: ' ', amp: '&', apos: "'", quot: '"', lt: '<', gt: '>', ndash: '–', mdash: '—', hellip: '…', middot: '·', bull: '•',
  rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', laquo: '«', raquo: '»', copy: '©', reg: '®', trade: '™',
};
const decodeEntities = (text: string) =>
  text.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]{2,8}));/gi, (entity, decimal?: string, hex?: string, name?: string) => {
    const code = decimal ? Number(decimal) : hex ? parseInt(hex, 16) : NaN;
    if (!Number.isNaN(code)) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    return NAMED_ENTITIES[name!.toLowerCase()] ?? entity;
  });
const clean = (text: string) => decodeEntities(stripTags(text)).replace(/\s+/g, ' ').trim();

/**
 * Whitespace runs as single spaces, as replace(/\s+/g, ' ') gives them; a text whose spaces are single
 * already (the usual case for a summary's text) is returned as it is, where that replace would copy it.
 */
export const collapseSpaces = (text: string) => (/\s\s|[^\S ]/.test(text) ? text.replace(/\s+/g, ' ') : text);

/** Calls `run` with each stretch of text outside tags (`<...>`, as /<[^>]*>/g finds them), in order. */
function eachTextRun(text: string, run: (start: number, end: number) => void): void {
  let from = 0;
  for (let lt = text.indexOf('<'); lt >= 0; lt = text.indexOf('<', from)) {
    const gt = text.indexOf('>', lt + 1);
    // No '>' after this '<' means none after any later '<' either: the rest is text.
    if (gt < 0) break;
    run(from, lt);
    from = gt + 1;
  }
  run(from, text.length);
}

/** Every tag replaced by a space. */
function stripTags(text: string): string {
  let out: string | null = null;
  eachTextRun(text, (start, end) => {
    out = out === null ? text.slice(start, end) : `${out} ${text.slice(start, end)}`;
  });
  return out ?? '';
}

// What /\s/ matches: ECMAScript's WhiteSpace (Unicode Zs among them) and LineTerminator.
const isSpace = (c: number) =>
  c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x80 && (c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff));

/**
 * The length of stripTags(text).replace(/\s+/g, ' ').trim(), counted in place (that replace allocates per
 * match, and a 2 MiB body of one-letter words took 400 ms in it), and its first `keep` characters, put
 * together a word at a time (a character at a time, the start of a small page cost 30 KB of garbage).
 */
function visibleText(text: string, keep: number): { length: number; start: string } {
  let length = 0;
  const kept: string[] = [];
  let keptLength = 0;
  const add = (piece: string) => {
    kept.push(piece);
    keptLength += piece.length;
  };
  eachTextRun(text, (from, end) => {
    for (let i = from; i < end; ) {
      while (i < end && isSpace(text.charCodeAt(i))) i++;
      if (i === end) break;
      let wordEnd = i + 1;
      while (wordEnd < end && !isSpace(text.charCodeAt(wordEnd))) wordEnd++;
      // Words are one space apart, a tag between them counting as a space.
      if (length > 0) {
        length++;
        if (keptLength < keep) add(' ');
      }
      length += wordEnd - i;
      if (keptLength < keep) add(text.slice(i, Math.min(wordEnd, i + keep - keptLength)));
      i = wordEnd;
    }
  });
  return { length, start: kept.join('') };
}

// <meta http-equiv="refresh" content="0; url=/next">, attributes in any order, quotes optional around the URL.
const META_OPEN = /<meta\b/gi;
const REFRESH_EQUIV = /\bhttp-equiv\s*=\s*["']?refresh\b/i;
const CONTENT = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i;
const ZERO_DELAY_TARGET = /^\s*0*(?:\.0*)?\s*[;,]\s*(?:url\s*=\s*)?['"]?(?!url\s*=\s*$)([^'"\s][^'"]*?)['"]?\s*$/i;

/** The text with each `<!-- ... -->` replaced by a space (an unclosed one runs to the end), in one pass. */
function withoutComments(html: string): string {
  let out = '';
  let copied = 0;
  for (let open = html.indexOf('<!--'); open >= 0; open = html.indexOf('<!--', copied)) {
    const close = html.indexOf('-->', open + 4);
    out += `${html.slice(copied, open)} `;
    copied = close < 0 ? html.length : close + 3;
    if (close < 0) break;
  }
  return out + html.slice(copied);
}

/** The target of the first zero-delay meta refresh in the marker window, or null. */
function zeroDelayRefresh(head: string): string | null {
  META_OPEN.lastIndex = 0;
  for (let open = META_OPEN.exec(head); open; open = META_OPEN.exec(head)) {
    // No '>' after this tag means none after a later one either (linear, as the scans above).
    const gt = head.indexOf('>', META_OPEN.lastIndex);
    if (gt < 0) return null;
    const tag = head.slice(open.index, gt + 1);
    // What follows inside this tag is not another tag.
    META_OPEN.lastIndex = gt + 1;
    if (!REFRESH_EQUIV.test(tag)) continue;
    const content = CONTENT.exec(tag);
    const target = content ? ZERO_DELAY_TARGET.exec(decodeEntities(content[1] ?? content[2] ?? '')) : null;
    return target ? target[1]!.trim() : null;
  }
  return null;
}

/** The raw content of the first element `<name ...>...</name>` (its first 64 KiB), '' when there is none. */
function firstElement(html: string, tag: { open: RegExp; close: RegExp }): string {
  const open = tag.open.exec(html);
  if (!open) return '';
  // A later opening tag could only find its '>' and closing tag further on: the first one decides.
  const gt = html.indexOf('>', open.index + open[0].length);
  if (gt < 0) return '';
  tag.close.lastIndex = gt + 1;
  const close = tag.close.exec(html);
  return close ? html.slice(gt + 1, Math.min(close.index, gt + 1 + MAX_HEADING_SOURCE)) : '';
}

/** The body with each script, style, noscript and template element (tags included) replaced by a space. */
function withoutHidden(html: string): string {
  // Per element name, the last closing-tag search: where it started and the match (null: none after there).
  const searched = new Map<string, { from: number; match: RegExpExecArray | null }>();
  const closeAfter = (name: string, from: number) => {
    const last = searched.get(name);
    if (last && last.from <= from && (last.match === null || last.match.index >= from)) return last.match;
    const close = HIDDEN_CLOSE[name]!;
    close.lastIndex = from;
    const match = close.exec(html);
    searched.set(name, { from, match });
    return match;
  };
  let out = '';
  let copied = 0;
  HIDDEN_OPEN.lastIndex = 0;
  for (let open = HIDDEN_OPEN.exec(html); open; open = HIDDEN_OPEN.exec(html)) {
    const close = closeAfter(open[1]!.toLowerCase(), HIDDEN_OPEN.lastIndex);
    if (!close) {
      // Unclosed: its content stays text, and the next opening tag may still be closed (as the regex retried).
      HIDDEN_OPEN.lastIndex = open.index + 1;
      continue;
    }
    out += `${html.slice(copied, open.index)} `;
    copied = HIDDEN_OPEN.lastIndex = close.index + close[0].length;
  }
  return out + html.slice(copied);
}

/**
 * Reads title, first h1 and the amount of visible text in time linear in the body: fast enough to run
 * on the main thread for a capped check body, and immune to unclosed or pathologically nested tags.
 */
export function summarizeHtml(html: string): HtmlSummary {
  const visible = visibleText(withoutHidden(html), TEXT_START_CHARS);
  const window = html.slice(0, MARKER_WINDOW);
  return {
    title: clean(firstElement(html, TITLE)),
    h1: clean(firstElement(html, H1)),
    textLength: visible.length,
    // The start's spaces are single already; an entity may decode to one (&nbsp;).
    text: collapseSpaces(decodeEntities(visible.start)),
    // A refresh inside <noscript> or a comment is not followed by a browser that runs scripts.
    refresh: zeroDelayRefresh(withoutComments(withoutHidden(window))),
    head: window.toLowerCase(),
  };
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

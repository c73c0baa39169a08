// What a dead page was, read from an archived capture of it, for a writer who recreates its content.
// Captures are old pages of every era (table layouts, unclosed tags), so this reads their tokens in one
// pass (tag-tokens.ts), as scan-page.ts does, rather than building a tree.
import type { IncomingHttpHeaders } from 'node:http';
import { isBotChallenge } from './bot-challenge.js';
import { MAX_TITLE_CHARS } from './extract.js';
import { summarizeHtml, type HtmlSummary } from './html-summary.js';
import { parkingEvidence } from './parked-domain.js';
import { CappedText, squeeze } from './scan-text.js';
import { isNotFoundPage } from './soft-404.js';
import { tagTokens } from './tag-tokens.js';

/** One h1-h3 heading of a capture, in document order. */
export interface OutlineHeading {
  level: 1 | 2 | 3;
  text: string;
}

/**
 * What a writer needs to recreate a dead page. Read from the page's article (else its main, else the
 * whole page), outside navigation, sidebars, forms and the site's own header and footer.
 */
export interface ArchiveBrief {
  title: string | null;
  /** The h1-h3 headings, in order (at most MAX_OUTLINE_HEADINGS). */
  outline: OutlineHeading[];
  /** Words of the visible text. */
  wordCount: number;
  /** The first paragraph of at least MIN_PARAGRAPH_WORDS words (MAX_PARAGRAPH_CHARS at most); null when none. */
  firstParagraph: string | null;
}

/** Why a capture is not shown as the page: it is an error page, not the content. */
export type CaptureProblem = 'not_found_page' | 'bot_challenge' | 'parked_page';

/** A capture read: either what was wrong with it, or its brief. */
export type CaptureReading = { problem: CaptureProblem; brief: null } | { problem: null; brief: ArchiveBrief };

export const MAX_OUTLINE_HEADINGS = 20;
export const MAX_HEADING_CHARS = 200;
export const MAX_PARAGRAPH_CHARS = 600;
// Fewer words is a caption, a byline or a date line, not the start of the content.
export const MIN_PARAGRAPH_WORDS = 8;
// A close tag is matched against at most this many open containers: unclosed markup cannot make it costly.
const CLOSE_SEARCH_DEPTH = 16;

/**
 * What is wrong with a capture, if anything: a not-found page served with a 200 when it was captured,
 * a bot challenge, or a parking page. `url` is the address that was captured.
 */
export function captureProblem(summary: HtmlSummary, url: string, headers: IncomingHttpHeaders = {}): CaptureProblem | null {
  if (isNotFoundPage(summary)) return 'not_found_page';
  if (isBotChallenge(200, headers, summary)) return 'bot_challenge';
  // The captured URL, not the archive's: a lander is known by its own address and markers.
  if (parkingEvidence({ finalUrl: url, summary })) return 'parked_page';
  return null;
}

/** Verifies a capture's HTML and, when it is the page itself, reads its brief. Linear in the HTML. */
export function readCapture(html: string, url: string, headers?: IncomingHttpHeaders): CaptureReading {
  const brief = readBrief(html);
  const summary = summarizeHtml(html);
  // The brief's title has every entity decoded (WordPress writes "Page not found &#8211; Site", which the
  // summary leaves as is) and its first h1 is not the site's name in its banner.
  const h1 = brief.outline.find((heading) => heading.level === 1)?.text;
  const problem = captureProblem({ ...summary, title: brief.title ?? summary.title, h1: h1 ?? summary.h1 }, url, headers);
  return problem ? { problem, brief: null } : { problem: null, brief };
}

// Elements whose text is never shown. The Tokenizer reads script, style, title, textarea and xmp as raw
// text up to their close tag; the others are skipped the same way.
const RAW = new Set(['script', 'style', 'title', 'textarea', 'xmp', 'iframe', 'noembed', 'noframes']);
// Containers tracked on a bounded stack, to know where a skipped one (or a sectioning one) ends.
const CONTAINERS = new Set(['div', 'section', 'article', 'main', 'nav', 'header', 'footer', 'aside', 'form', 'noscript', 'template', 'svg']);
const ALWAYS_SKIPPED = new Set(['nav', 'aside', 'form', 'noscript', 'template', 'svg']);
// ARIA landmarks say the same of older markup (`<div id="header" role="banner">`).
const SKIPPED_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search']);
// As in ARIA's implicit roles, a <header> or <footer> is the site's banner or footer only outside these
// (nav and aside are skipped whole); inside them it belongs to the content ("<article><header><h1>").
const SECTIONING = new Set(['article', 'main', 'section']);
const SECTIONING_ROLES = new Set(['main', 'article', 'region']);
// Tags that end a block of text: a paragraph or heading ends there, and words do not run across them.
const BLOCKS = new Set([
  'p', 'li', 'td', 'th', 'dd', 'dt', 'blockquote', 'figcaption', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'article', 'section',
  'div', 'body', 'main', 'nav', 'header', 'footer', 'aside', 'ul', 'ol', 'dl', 'table', 'tr', 'form', 'pre', 'hr',
]);
const HEADINGS = new Map<string, 1 | 2 | 3>([['h1', 1], ['h2', 2], ['h3', 3]]);
const SPACE = /\s/;
const WORD_CHAR = /[\p{L}\p{N}]/u;
// Chinese and Japanese are written without spaces: each character counts as a word, as word processors count.
const isIdeograph = (c: number) => (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff);

interface Open {
  tag: string;
  skipped: boolean;
  sectioning: boolean;
  zone: Zone;
}

// Where text stands: 0 anywhere shown, 1 inside a <main>, 2 inside an <article>. The brief is read from
// the innermost zone the page has, so an HTML5 page's article comes without the comments, related posts
// and widgets around it; a page without either (older markup) is read whole.
type Zone = 0 | 1 | 2;

/** What each zone holds, every zone counting what its inner zones hold. */
class Zones {
  readonly words = [0, 0, 0];
  readonly outlines: OutlineHeading[][] = [[], [], []];
  readonly paragraphs: (string | null)[] = [null, null, null];
  readonly fallbacks: (string | null)[] = [null, null, null];

  word(zone: Zone) {
    for (let z = 0; z <= zone; z++) this.words[z]!++;
  }
  heading(zone: Zone, heading: OutlineHeading) {
    for (let z = 0; z <= zone; z++) if (this.outlines[z]!.length < MAX_OUTLINE_HEADINGS) this.outlines[z]!.push(heading);
  }

  // A <p> is a paragraph; any other block of text (a table cell of an old layout) only stands in for one.
  block(zone: Zone, text: string, isParagraph: boolean) {
    for (let z = 0; z <= zone; z++) {
      if (isParagraph) this.paragraphs[z] ??= text;
      else this.fallbacks[z] ??= text;
    }
  }

  brief(title: string | null): ArchiveBrief {
    const zone = this.words[2]! > 0 ? 2 : this.words[1]! > 0 ? 1 : 0;
    const paragraph = this.paragraphs[zone] ?? this.fallbacks[zone] ?? null;
    return {
      title,
      outline: this.outlines[zone]!,
      wordCount: this.words[zone]!,
      firstParagraph: paragraph === null ? null : cut(paragraph, MAX_PARAGRAPH_CHARS),
    };
  }
}

/** The title, outline, word count and first paragraph of a page's HTML, in one linear pass. */
export function readBrief(html: string): ArchiveBrief {
  const open: Open[] = [];
  // How many of the open containers are skipped and sectioning; the innermost zone of those open.
  let skipped = 0;
  let sectioning = 0;
  const zoneDepth = [0, 0, 0];
  const zone = (): Zone => (zoneDepth[2]! > 0 ? 2 : zoneDepth[1]! > 0 ? 1 : 0);
  let raw: string | null = null;
  // The first <title> of the page (not of an inline SVG), its entities decoded.
  const title = new CappedText(MAX_TITLE_CHARS);
  let titleDone = false;
  const zones = new Zones();
  let heading: { level: 1 | 2 | 3; zone: Zone; text: CappedText } | null = null;
  // The text of the block being read (capped: only its start can be a first paragraph), its zone, and
  // whether it is a <p>.
  let block = new CappedText(MAX_PARAGRAPH_CHARS + 200);
  let blockZone: Zone | null = null;
  let blockIsParagraph = false;
  let inWord = false;
  let wordCounted = false;

  function endBlock() {
    inWord = false;
    if (heading) {
      const text = squeeze(heading.text.value, MAX_HEADING_CHARS);
      if (text) zones.heading(heading.zone, { level: heading.level, text });
      heading = null;
    }
    if (blockZone !== null) {
      const text = block.value.trim();
      if (countWords(text) >= MIN_PARAGRAPH_WORDS) zones.block(blockZone, text, blockIsParagraph);
      block = new CappedText(MAX_PARAGRAPH_CHARS + 200);
      blockZone = null;
    }
    blockIsParagraph = false;
  }

  function push(tag: string, attributes: ReadonlyMap<string, string>) {
    const role = attributes.get('role')?.trim().toLowerCase() ?? '';
    const entry: Open = {
      tag,
      skipped: ALWAYS_SKIPPED.has(tag) || SKIPPED_ROLES.has(role) || attributes.has('hidden') ||
        ((tag === 'header' || tag === 'footer') && sectioning === 0),
      sectioning: SECTIONING.has(tag) || SECTIONING_ROLES.has(role),
      zone: tag === 'article' || role === 'article' ? 2 : tag === 'main' || role === 'main' ? 1 : 0,
    };
    open.push(entry);
    skipped += Number(entry.skipped);
    sectioning += Number(entry.sectioning);
    zoneDepth[entry.zone]!++;
  }

  function pop(tag: string) {
    const stop = Math.max(0, open.length - CLOSE_SEARCH_DEPTH);
    let at = open.length - 1;
    while (at >= stop && open[at]!.tag !== tag) at--;
    // Not among the innermost few: a stray close tag, ignored as a browser would ignore most of them.
    if (at < stop) return;
    while (open.length > at) {
      const entry = open.pop()!;
      skipped -= Number(entry.skipped);
      sectioning -= Number(entry.sectioning);
      zoneDepth[entry.zone]!--;
    }
  }

  function opened(tag: string, attributes: ReadonlyMap<string, string>, selfClosing: boolean) {
    if (BLOCKS.has(tag)) endBlock();
    // A line break ends a word, not a paragraph.
    if (tag === 'br') text(' ');
    // `<x/>` opens nothing that a close tag must match, as the Tokenizer reads it (`<script/>` is not raw
    // text to it): an XHTML-style `<iframe/>` or `<nav/>` must not hide the rest of the page.
    if (selfClosing) return;
    if (RAW.has(tag)) raw = tag;
    if (CONTAINERS.has(tag)) push(tag, attributes);
    if (skipped > 0) return;
    if (tag === 'p') blockIsParagraph = true;
    const level = HEADINGS.get(tag);
    if (level) heading = { level, zone: zone(), text: new CappedText(MAX_HEADING_CHARS) };
  }

  function closed(tag: string) {
    if (raw === tag) raw = null;
    if (tag === 'title' && title.value) titleDone = true;
    if (BLOCKS.has(tag)) endBlock();
    if (CONTAINERS.has(tag)) pop(tag);
  }

  function text(chunk: string) {
    if (raw === 'title' && !titleDone && skipped === 0) title.add(chunk.replace(/\s+/g, ' '));
    if (raw !== null || skipped > 0) return;
    const here = zone();
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c <= 0x20 ? c === 0x20 || (c >= 0x09 && c <= 0x0d) : c >= 0x80 && SPACE.test(chunk[i]!)) {
        inWord = false;
      } else if (isIdeograph(c)) {
        zones.word(here);
        inWord = false;
      } else {
        if (!inWord) wordCounted = false;
        inWord = true;
        // A run of punctuation alone ("—", "|") is not a word.
        if (!wordCounted && isWordChar(c, chunk[i]!)) {
          zones.word(here);
          wordCounted = true;
        }
      }
    }
    // Both buffers are capped: a long run of text is collapsed only as far as they can take it.
    const collapsed = chunk.slice(0, MAX_PARAGRAPH_CHARS + 200).replace(/\s+/g, ' ');
    if (heading) {
      heading.text.add(collapsed);
    } else {
      blockZone ??= here;
      block.add(collapsed);
    }
  }

  const tokenizer = tagTokens(html, { wanted: (tag) => (CONTAINERS.has(tag) ? LANDMARK_ATTRIBUTES : null), opened, closed, text });
  tokenizer.write();
  tokenizer.end();
  endBlock();
  return zones.brief(squeeze(title.value, MAX_TITLE_CHARS) || null);
}

const LANDMARK_ATTRIBUTES: ReadonlySet<string> = new Set(['role', 'hidden']);

// ASCII letters and digits without a regex test: most of a page's characters are ASCII.
const isWordChar = (code: number, char: string) =>
  (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) ||
  (code >= 0x80 && WORD_CHAR.test(char));

/** Words of a short text (a paragraph candidate, already capped). */
function countWords(text: string): number {
  let words = 0;
  for (const run of text.split(/\s+/)) if (WORD_CHAR.test(run)) words++;
  return words;
}

/** At most `max` characters, cut at a word boundary with an ellipsis when it is longer. */
function cut(text: string, max: number): string {
  const squeezed = text.replace(/\s+/g, ' ').trim();
  if (squeezed.length <= max) return squeezed;
  const head = squeezed.slice(0, max - 1);
  const space = head.lastIndexOf(' ');
  return `${(space > max / 2 ? head.slice(0, space) : head).replace(/[\s,;:.]+$/, '')}…`;
}

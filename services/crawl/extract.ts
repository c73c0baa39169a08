import { Parser } from 'htmlparser2';
import type { PageTerms } from './relevance.js';
import { contactHints, type ContactHints, type PageAnchor } from './contacts.js';
import { isContextBlock, MAX_ANCESTORS, positionOf, sentenceAround, type LinkPosition } from './link-context.js';
import { PageHead } from './page-head.js';
import { CappedText, squeeze } from './scan-text.js';
import { normalizeUrl } from './urls.js';

export interface ExtractedLink {
  /** Normalized absolute http(s) URL. */
  url: string;
  anchorText: string;
  /** Lower-cased rel tokens, space separated ('' when none). */
  rel: string;
  /** The sentence around the link. */
  context: string;
  position: LinkPosition;
}

export interface ExtractedPage {
  title: string | null;
  description: string | null;
  /** The page's language as it declares it (html lang, or Content-Language meta), lower case. */
  lang: string | null;
  /** The URL its `<link rel="canonical">` names (resolved and normalized, http(s) only), or null. */
  canonical: string | null;
  links: ExtractedLink[];
  contacts: ContactHints;
  /**
   * Set when reading the page was given up (it overran its time or memory) and the links came from the
   * linear scan instead: the reason, kept as the page's outcome.
   */
  fallback?: 'parse_timeout' | 'parse_memory';
  /** The page's headings and content text (extractPage only: the parse thread turns them into `terms`). */
  content?: PageContent;
  /** The page's words for its niche relevance (crawl/relevance.ts), read in the parse thread; null when unread. */
  terms?: PageTerms | null;
  /** A digest of the page's bytes (SHA-256, base64url) for finding its twins (crawl/twins.ts), taken in the parse thread. */
  digest?: string;
}

/** The text a page's relevance is read from: its h1-h3 headings and the text of its content. */
export interface PageContent {
  headings: string[];
  text: string;
}

// The content's text read for relevance, at most: enough words to know what a page is about.
export const MAX_CONTENT_CHARS = 8_000;
// What is not the page's content: menus, sidebars, forms and what is never shown.
const NOT_CONTENT_TAGS = new Set(['nav', 'aside', 'form', 'script', 'style', 'noscript', 'template', 'svg']);
const NOT_CONTENT_ROLES = new Set(['navigation', 'complementary', 'search', 'banner', 'contentinfo']);
// Text never shown as such: its characters are no one's words.
const RAW_TEXT = new Set(['script', 'style']);
const MAX_HEADINGS = 30;
const MAX_HEADING_CHARS = 200;

export const MAX_ANCHOR_CHARS = 300;
export const MAX_TITLE_CHARS = 500;

/**
 * Reads what a page offers an outreach writer: title, meta description, language, canonical URL,
 * contact hints, the text its relevance is read from, and its links: only `<a href>` and `<area href>`,
 * resolved against `<base href>` (itself resolved against the page's final URL), normalized, http(s)
 * only, one entry per target URL (the first occurrence wins), at most maxLinks, each with its sentence
 * and its position on the page. One pass of htmlparser2's parser, which keeps the open elements as a
 * browser would close them; no document is built.
 */
export function extractPage(html: string, pageUrl: string, maxLinks = 5_000): ExtractedPage {
  const first = readPage(html, pageUrl, maxLinks, null);
  // A <base href> after the first links changes how those resolve: read again knowing it.
  return 'lateBase' in first ? (readPage(html, pageUrl, maxLinks, first.lateBase) as ExtractedPage) : first;
}

type Attributes = Record<string, string>;

/** A link waiting for its block's text, for its sentence. */
interface PendingContext {
  link: ExtractedLink;
  /** Where the link starts in its block's text (before that text is trimmed). */
  at: number;
}

/** An open `<a>` or `<area>`: its words as they arrive. */
interface OpenAnchor {
  link: ExtractedLink | null;
  anchor: PageAnchor | null;
  text: CappedText;
  alt: string | null;
  imgAlt: string | null;
}

/** An open element. */
interface Frame {
  tag: string;
  /** What it says about the position of the links inside it (positionOf). */
  position: LinkPosition | null;
  /** Its content is no page content (menus, forms, hidden parts, the site's banner and footer). */
  excluded: boolean;
  /** For a block: where its text starts (an index into the page's text parts, and a character offset). */
  firstPart: number;
  startsAt: number;
  /** For a block: its links, whose sentences are cut from its text once it closes. */
  contexts: PendingContext[] | null;
  anchor: OpenAnchor | null;
  heading: CappedText | null;
  root: ContentRoot | null;
}

/** An element the relevance text may come from: the first article, the first main, the body. */
interface ContentRoot {
  text: CappedText;
  headings: string[];
  open: boolean;
}

const newRoot = (): ContentRoot => ({ text: new CappedText(2 * MAX_CONTENT_CHARS), headings: [], open: true });

function readPage(html: string, pageUrl: string, maxLinks: number, knownBase: string | null): ExtractedPage | { lateBase: string } {
  let base = knownBase ?? pageUrl;
  let baseSeen = knownBase !== null;
  let lateBase: string | null = null;
  let sawHref = false;
  const links = new Map<string, ExtractedLink>();
  const anchors: PageAnchor[] = [];
  const head = new PageHead();
  let title = null as CappedText | null;
  let titleOpen = false;
  const stack: Frame[] = [];
  const openAnchors: OpenAnchor[] = [];
  // The page's text, whitespace runs collapsed, as parts (a string grown by += would be copied whole at each read).
  const parts: string[] = [];
  let length = 0;
  let endsInSpace = true;
  let rawText = 0;
  let excluded = 0;
  let heading: CappedText | null = null;
  const roots = { document: newRoot(), body: null as ContentRoot | null, main: null as ContentRoot | null, article: null as ContentRoot | null };

  const openRoots = () => [roots.document, roots.body, roots.main, roots.article].filter((root): root is ContentRoot => root?.open === true);

  function nearest<T>(pick: (frame: Frame) => T | null): T | null {
    for (let i = stack.length - 1, seen = 0; i >= 0 && seen < MAX_ANCESTORS; i--, seen++) {
      const found = pick(stack[i]!);
      if (found !== null) return found;
    }
    return null;
  }

  function addLink(tag: string, attributes: Attributes): OpenAnchor | null {
    const href = attributes.href;
    if (href === undefined) return null;
    sawHref = true;
    const anchor = tag === 'a' ? { href, rel: attributes.rel ?? null, text: '' } : null;
    if (anchor) anchors.push(anchor);
    let link: ExtractedLink | null = null;
    const url = links.size < maxLinks ? normalizeUrl(href, base) : null;
    if (url && !links.has(url)) {
      link = { url, anchorText: '', rel: squeeze(attributes.rel, 200).toLowerCase(), context: '', position: nearest((frame) => frame.position) ?? 'content' };
      links.set(url, link);
      const block = nearest((frame) => (frame.contexts ? frame : null));
      block?.contexts!.push({ link, at: length - block.startsAt });
    }
    return { link, anchor, text: new CappedText(MAX_ANCHOR_CHARS), alt: attributes.alt ?? null, imgAlt: null };
  }

  function readHead(tag: string, attributes: Attributes) {
    head.read(tag, (name) => attributes[name]);
    if (tag === 'title' && !title) {
      title = new CappedText(MAX_TITLE_CHARS);
      titleOpen = true;
    } else if (tag === 'base' && !baseSeen && attributes.href !== undefined) {
      baseSeen = true;
      base = (attributes.href && normalizeUrl(attributes.href, pageUrl)) || pageUrl;
      if (sawHref && base !== pageUrl) {
        lateBase = base;
        parser.pause();
      }
    }
  }

  function opened(tag: string, attributes: Attributes) {
    if (lateBase !== null) return;
    readHead(tag, attributes);
    for (const open of openAnchors) if (tag === 'img' && open.imgAlt === null && attributes.alt !== undefined) open.imgAlt = attributes.alt;
    const anchor = tag === 'a' || tag === 'area' ? addLink(tag, attributes) : null;
    const parent = stack[stack.length - 1];
    const role = attributes.role?.toLowerCase() ?? '';
    const frame: Frame = {
      tag,
      position: positionOf(tag, attributes),
      excluded: NOT_CONTENT_TAGS.has(tag) || NOT_CONTENT_ROLES.has(role) || attributes.hidden !== undefined
        || ((tag === 'header' || tag === 'footer') && parent?.tag === 'body'),
      firstPart: parts.length,
      startsAt: length,
      contexts: isContextBlock(tag) ? [] : null,
      anchor,
      heading: null,
      root: null,
    };
    if (frame.excluded) excluded++;
    if (RAW_TEXT.has(tag)) rawText++;
    if (anchor) openAnchors.push(anchor);
    if (excluded === 0) {
      if (tag === 'body' && !roots.body) frame.root = roots.body = newRoot();
      else if (tag === 'main' && !roots.main) frame.root = roots.main = newRoot();
      else if (tag === 'article' && !roots.article) frame.root = roots.article = newRoot();
      if ((tag === 'h1' || tag === 'h2' || tag === 'h3') && !heading) frame.heading = heading = new CappedText(2 * MAX_HEADING_CHARS);
    }
    stack.push(frame);
  }

  function closed() {
    const frame = stack.pop();
    if (!frame || lateBase !== null) return;
    if (frame.excluded) excluded--;
    if (RAW_TEXT.has(frame.tag)) rawText--;
    if (frame.tag === 'title') titleOpen = false;
    if (frame.root) frame.root.open = false;
    if (frame.heading) {
      heading = null;
      const text = squeeze(frame.heading.value, MAX_HEADING_CHARS);
      if (text) for (const root of openRoots()) if (root.headings.length < MAX_HEADINGS) root.headings.push(text);
    }
    if (frame.anchor) closeAnchor(frame.anchor);
    if (frame.contexts?.length) cutSentences(frame);
  }

  function closeAnchor(open: OpenAnchor) {
    openAnchors.splice(openAnchors.indexOf(open), 1);
    const text = squeeze(open.text.value, MAX_ANCHOR_CHARS);
    if (open.anchor) open.anchor.text = text;
    // An image link's words are its alt text; an <area>'s are its own alt.
    if (open.link) open.link.anchorText = text || squeeze(open.alt ?? open.imgAlt, MAX_ANCHOR_CHARS);
  }

  function cutSentences(block: Frame) {
    const joined = parts.slice(block.firstPart).join('');
    const whole = joined.trim();
    const leading = joined.length - joined.trimStart().length;
    for (const { link, at } of block.contexts!) {
      const { anchorText } = link;
      const anchorAt = anchorText ? whole.indexOf(anchorText, Math.max(0, at - leading - 1)) : -1;
      link.context = sentenceAround(whole, anchorAt, anchorText);
    }
  }

  function text(chunk: string) {
    if (rawText > 0 || lateBase !== null) return;
    const collapsed = chunk.replace(/\s+/g, ' ');
    const piece = endsInSpace && collapsed.startsWith(' ') ? collapsed.slice(1) : collapsed;
    if (!piece) return;
    parts.push(piece);
    length += piece.length;
    endsInSpace = piece.endsWith(' ');
    if (titleOpen) title!.add(collapsed);
    for (const open of openAnchors) open.text.add(collapsed);
    if (excluded > 0) return;
    heading?.add(collapsed);
    for (const root of openRoots()) root.text.add(collapsed);
  }

  const parser = new Parser({ onopentag: opened, onclosetag: closed, ontext: text }, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  parser.write(html);
  if (lateBase !== null) return { lateBase };
  parser.end();

  const root = roots.article ?? roots.main ?? roots.body ?? roots.document;
  return {
    title: squeeze(title?.value, MAX_TITLE_CHARS) || null,
    ...head.summary(base),
    links: [...links.values()],
    contacts: contactHints(anchors, head.author ?? null, pageUrl, base),
    content: { headings: root.headings, text: squeeze(root.text.value.slice(0, 2 * MAX_CONTENT_CHARS), MAX_CONTENT_CHARS) },
  };
}

// The fallback for pages that cannot be read in full in time (200k nested <div>s, 50k nested tables:
// htmlparser2's parser, which extractPage reads with, keeps open elements in a way that goes quadratic).
// It reads the page's tokens in one pass (tag-tokens.ts) and keeps only bounded state: no element stack,
// text buffers capped, at most two passes over the page.
import { MAX_ANCHOR_CHARS, MAX_TITLE_CHARS, type ExtractedLink, type ExtractedPage } from './extract.js';
import { noContacts } from './contacts.js';
import { PageHead } from './page-head.js';
import { sentenceAround } from './link-context.js';
import { BlockContexts, CappedText, squeeze } from './scan-text.js';
import { tagTokens } from './tag-tokens.js';
import { normalizeUrl } from './urls.js';

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
// Without a tree, a link's block is the text between the nearest of these tags before and after it.
const BLOCKS = new Set([
  'p', 'li', 'td', 'th', 'dd', 'dt', 'blockquote', 'figcaption', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'article', 'section',
  'div', 'body', 'head', 'html', 'main', 'nav', 'header', 'footer', 'aside', 'ul', 'ol', 'dl', 'table', 'tr', 'form', 'pre',
]);
const ATTRIBUTED = new Set(['a', 'area', 'base', 'img', 'meta', 'html', 'link']);
const WANTED = new Set(['href', 'rel', 'alt', 'name', 'property', 'http-equiv', 'content', 'lang']);
// Context is cut to one sentence of at most 300 characters (sentenceAround): this much either side is enough.
const BEFORE_CHARS = 300;
const AFTER_CHARS = MAX_ANCHOR_CHARS + 300;

type Attributes = ReadonlyMap<string, string>;

interface OpenAnchor {
  link: ExtractedLink;
  text: CappedText;
  alt: string | null;
  imgAlt: string | null;
  /** Elements opened inside the anchor and not yet closed: a close tag beyond them closes an ancestor. */
  depth: number;
}

/**
 * The links of a page in one linear pass, for when extractPage's full read was given up: `<a href>` and
 * `<area href>` resolved as extractPage resolves them (first `<base href>` against the page URL,
 * normalized, http(s) only, first occurrence per URL, at most maxLinks), with anchor text, rel and the
 * sentence around each link; the title, description and language too. Comments and script/style
 * contents are skipped. Positions are all 'content': telling a footer from an article needs the open elements.
 * Contact hints are left empty.
 */
export function scanPage(html: string, pageUrl: string, maxLinks = 5_000): ExtractedPage {
  const first = scan(html, pageUrl, maxLinks, null);
  // A <base href> after the first links changes how those resolve: read again knowing it.
  return first.page ?? scan(html, pageUrl, maxLinks, first.lateBase).page!;
}

type Scan = { page: ExtractedPage; lateBase: null } | { page: null; lateBase: string };

function scan(html: string, pageUrl: string, maxLinks: number, knownBase: string | null): Scan {
  let base = knownBase ?? pageUrl;
  let baseSeen = knownBase !== null;
  let lateBase = null as string | null;
  let sawHref = false;
  const links = new Map<string, ExtractedLink>();
  const contexts = new BlockContexts<ExtractedLink>(BEFORE_CHARS, AFTER_CHARS);
  let anchor: OpenAnchor | null = null;
  let title = null as CappedText | null;
  let inTitle = false;
  let titleDone = false;
  let rawText = false;
  const head = new PageHead();

  function endAnchor() {
    if (!anchor) return;
    anchor.link.anchorText = squeeze(anchor.text.value, MAX_ANCHOR_CHARS) || squeeze(anchor.alt ?? anchor.imgAlt, MAX_ANCHOR_CHARS);
    anchor = null;
  }

  function addLink(tag: string, attributes: Attributes) {
    const href = attributes.get('href');
    if (href === undefined) return;
    sawHref = true;
    if (links.size >= maxLinks) return;
    const url = normalizeUrl(href, base);
    if (!url || links.has(url)) return;
    const rel = squeeze(attributes.get('rel'), 200).toLowerCase();
    const link: ExtractedLink = { url, anchorText: '', rel, context: '', position: 'content' };
    links.set(url, link);
    contexts.mark(link);
    const alt = attributes.get('alt') ?? null;
    if (tag === 'area') link.anchorText = squeeze(alt, MAX_ANCHOR_CHARS);
    else anchor = { link, text: new CappedText(MAX_ANCHOR_CHARS), alt, imgAlt: null, depth: 0 };
  }

  function opened(tag: string, attributes: Attributes, selfClosing: boolean) {
    // A new <a> ends the open one, as in a browser (the HTML parser would nest it).
    if (tag === 'a') endAnchor();
    // `<x/>` opens nothing that a close tag must match (HTML ignores the slash; SVG and MathML honour it).
    if (anchor && !VOID.has(tag) && !selfClosing) anchor.depth++;
    if (anchor && tag === 'img' && anchor.imgAlt === null) anchor.imgAlt = attributes.get('alt') ?? null;
    if (BLOCKS.has(tag)) contexts.endBlock();
    if ((tag === 'script' || tag === 'style') && !selfClosing) rawText = true;
    if (tag === 'title' && !selfClosing) {
      inTitle = true;
      title ??= new CappedText(MAX_TITLE_CHARS);
    }
    if (tag === 'base' && !baseSeen && attributes.has('href')) {
      baseSeen = true;
      const href = attributes.get('href')!;
      base = (href && normalizeUrl(href, pageUrl)) || pageUrl;
      if (sawHref && base !== pageUrl) {
        lateBase = base;
        tokenizer.pause();
      }
    }
    if (tag === 'a' || tag === 'area') addLink(tag, attributes);
    head.read(tag, (name) => attributes.get(name));
  }

  function closed(tag: string) {
    if (tag === 'script' || tag === 'style') rawText = false;
    if (tag === 'title') {
      inTitle = false;
      titleDone = title !== null;
    }
    if (anchor && !VOID.has(tag)) {
      if (tag === 'a' || anchor.depth === 0) endAnchor();
      else anchor.depth--;
    }
    if (BLOCKS.has(tag)) contexts.endBlock();
  }

  function text(chunk: string) {
    if (rawText) return;
    const collapsed = chunk.replace(/\s+/g, ' ');
    if (inTitle) {
      if (!titleDone) title?.add(collapsed);
      return;
    }
    anchor?.text.add(collapsed);
    contexts.add(collapsed);
  }

  const tokenizer = tagTokens(html, { wanted: (tag) => (ATTRIBUTED.has(tag) ? WANTED : null), opened, closed, text });
  tokenizer.write();
  if (lateBase !== null) return { page: null, lateBase };
  tokenizer.end();
  endAnchor();
  contexts.endBlock();
  for (const [link, text] of contexts.texts) {
    const whole = squeeze(text, Infinity);
    link.context = sentenceAround(whole, link.anchorText ? whole.indexOf(link.anchorText) : -1, link.anchorText);
  }

  const page: ExtractedPage = {
    title: squeeze(title?.value, MAX_TITLE_CHARS) || null,
    ...head.summary(base),
    links: [...links.values()],
    contacts: noContacts(),
  };
  return { page, lateBase: null };
}

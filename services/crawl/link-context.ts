/** The slice of a DOM element these functions read (the project compiles without the DOM lib). */
export interface DomElement {
  tagName: string;
  textContent: string | null;
  parentElement: DomElement | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
}

export type LinkPosition = 'content' | 'navigation' | 'sidebar' | 'footer';

const MAX_CONTEXT_CHARS = 300;
const MAX_ANCESTORS = 25;
// Text either side of the anchor that can reach its context: MAX_CONTEXT_CHARS and a margin (see linkContext).
const REACH = MAX_CONTEXT_CHARS + 10;
const BLOCKS = new Set(['P', 'LI', 'TD', 'TH', 'DD', 'DT', 'BLOCKQUOTE', 'FIGCAPTION', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'ARTICLE', 'SECTION', 'DIV', 'BODY']);
const squeeze = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();
// A block's squeezed text, per block: the links of one block share it, and a page whose links sit straight in
// <body> would otherwise have its whole text read and squeezed again for each of thousands of links
// (800 links in 80 KB of body text took 1.5 s). The DOM is only read after parsing, so the text cannot change.
const blockTexts = new WeakMap<DomElement, string>();
const blockText = (block: DomElement) => {
  let text = blockTexts.get(block);
  if (text === undefined) blockTexts.set(block, (text = squeeze(block.textContent)));
  return text;
};
const classTokens = (element: DomElement) => `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`.toLowerCase();

/**
 * The sentence around a link, as a writer would quote it: the text of the nearest block (paragraph,
 * list item, cell...) cut to the sentence that holds the anchor text, at most 300 characters.
 */
export function linkContext(link: DomElement, anchorText: string): string {
  let block: DomElement | null = link.parentElement;
  for (let depth = 0; block && !BLOCKS.has(block.tagName.toUpperCase()) && depth < MAX_ANCESTORS; depth++) {
    block = block.parentElement;
  }
  const whole = block ? blockText(block) : '';
  if (!whole) return '';
  const found = anchorText ? whole.indexOf(anchorText) : -1;
  if (found < 0) return whole.slice(0, MAX_CONTEXT_CHARS);
  // A block can be a whole page of text. A sentence that starts more than 300 characters before the anchor,
  // or ends more than 300 after it, is cut to the same 300 characters around the anchor wherever exactly it
  // starts or ends: the text beyond cannot change the result, and leaving it out bounds the work per link.
  const cut = Math.max(0, found - REACH);
  const text = whole.slice(cut, found + anchorText.length + REACH);
  const at = found - cut;
  // After the last sentence end before the anchor. (The regex /[^.!?]*$/ found the same place by rescanning a
  // run of text without one from each of its positions: a 160k-character sentence before a link took 44 s.)
  const before = text.slice(0, at);
  const start = Math.max(before.lastIndexOf('.'), before.lastIndexOf('!'), before.lastIndexOf('?')) + 1;
  const afterEnd = text.slice(at + anchorText.length).search(/[.!?](\s|$)/);
  const end = afterEnd < 0 ? text.length : at + anchorText.length + afterEnd + 1;
  let sentence = text.slice(start, end).trim();
  if (sentence.length > MAX_CONTEXT_CHARS) {
    // Keep the anchor in view: centre the window on it.
    const anchorAt = sentence.indexOf(anchorText);
    const from = Math.max(0, Math.min(anchorAt - (MAX_CONTEXT_CHARS - anchorText.length) / 2, sentence.length - MAX_CONTEXT_CHARS));
    sentence = sentence.slice(from, from + MAX_CONTEXT_CHARS).trim();
  }
  return sentence;
}

/**
 * Where a link sits on its page, from its nearest telling ancestor: nav/header menus, aside sidebars
 * and widgets, footers; inside main or article it is content, and so is anything else.
 */
export function linkPosition(link: DomElement): LinkPosition {
  let element: DomElement | null = link.parentElement;
  for (let depth = 0; element && depth < MAX_ANCESTORS; depth++, element = element.parentElement) {
    const tag = element.tagName.toUpperCase();
    const role = (element.getAttribute('role') ?? '').toLowerCase();
    if (tag === 'MAIN' || tag === 'ARTICLE' || role === 'main') return 'content';
    if (tag === 'NAV' || tag === 'HEADER' || role === 'navigation' || role === 'banner') return 'navigation';
    if (tag === 'ASIDE' || role === 'complementary') return 'sidebar';
    if (tag === 'FOOTER' || role === 'contentinfo') return 'footer';
    const tokens = classTokens(element);
    if (/(?:^|[\s_-])(?:sidebar|side-bar|widget)/.test(tokens)) return 'sidebar';
    if (/(?:^|[\s_-])(?:footer|colophon|site-info)/.test(tokens)) return 'footer';
    if (/(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?)(?:$|[\s_-])/.test(tokens)) return 'navigation';
  }
  return 'content';
}

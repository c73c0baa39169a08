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
const BLOCKS = new Set(['P', 'LI', 'TD', 'TH', 'DD', 'DT', 'BLOCKQUOTE', 'FIGCAPTION', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'ARTICLE', 'SECTION', 'DIV', 'BODY']);
const squeeze = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();
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
  const text = squeeze(block?.textContent);
  if (!text) return '';
  const at = anchorText ? text.indexOf(anchorText) : -1;
  if (at < 0) return text.slice(0, MAX_CONTEXT_CHARS);
  const before = text.slice(0, at);
  const start = Math.max(before.search(/[^.!?]*$/), 0);
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

// What a link's surroundings say about it: the sentence it sits in and where on the page it is. Read by
// the page readers (extract.ts, scan-page.ts) from the elements and text around each link.

export type LinkPosition = 'content' | 'navigation' | 'sidebar' | 'footer';

/** A link's block and its telling ancestors are looked for this many elements up at most. */
export const MAX_ANCESTORS = 25;
const MAX_CONTEXT_CHARS = 300;
// Text either side of the anchor that can reach its context: MAX_CONTEXT_CHARS and a margin (see sentenceAround).
const REACH = MAX_CONTEXT_CHARS + 10;
const BLOCKS = new Set(['p', 'li', 'td', 'th', 'dd', 'dt', 'blockquote', 'figcaption', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'article', 'section', 'div', 'body']);

/** Whether an element (its lower-case tag) is a block whose text a link's sentence is taken from. */
export const isContextBlock = (tag: string) => BLOCKS.has(tag);

/**
 * The sentence around a link, as a writer would quote it: `whole` is the text of the link's nearest
 * block (paragraph, list item, cell...), whitespace squeezed; `anchorAt` is where the anchor text starts
 * in it (-1: not in it, and the block's start is the context). At most 300 characters.
 */
export function sentenceAround(whole: string, anchorAt: number, anchorText: string): string {
  if (!whole) return '';
  if (anchorAt < 0 || !anchorText) return whole.slice(0, MAX_CONTEXT_CHARS);
  // A block can be a whole page of text. A sentence that starts more than 300 characters before the anchor,
  // or ends more than 300 after it, is cut to the same 300 characters around the anchor wherever exactly it
  // starts or ends: the text beyond cannot change the result, and leaving it out bounds the work per link.
  const cut = Math.max(0, anchorAt - REACH);
  const text = whole.slice(cut, anchorAt + anchorText.length + REACH);
  const at = anchorAt - cut;
  // After the last sentence end before the anchor. (The regex /[^.!?]*$/ found the same place by rescanning a
  // run of text without one from each of its positions: a 160k-character sentence before a link took 44 s.)
  const before = text.slice(0, at);
  const start = Math.max(before.lastIndexOf('.'), before.lastIndexOf('!'), before.lastIndexOf('?')) + 1;
  const afterEnd = text.slice(at + anchorText.length).search(/[.!?](\s|$)/);
  const end = afterEnd < 0 ? text.length : at + anchorText.length + afterEnd + 1;
  let sentence = text.slice(start, end).trim();
  if (sentence.length > MAX_CONTEXT_CHARS) {
    // Keep the anchor in view: centre the window on it.
    const anchorInSentence = sentence.indexOf(anchorText);
    const from = Math.max(0, Math.min(anchorInSentence - (MAX_CONTEXT_CHARS - anchorText.length) / 2, sentence.length - MAX_CONTEXT_CHARS));
    sentence = sentence.slice(from, from + MAX_CONTEXT_CHARS).trim();
  }
  return sentence;
}

/**
 * What an element says about the position of the links inside it, or null when it says nothing: nav and
 * header menus, aside sidebars and widgets, footers; main and article are content. A link's position is
 * what its nearest telling ancestor says, and content when none does.
 */
export function positionOf(tag: string, attributes: Readonly<Record<string, string | undefined>>): LinkPosition | null {
  const role = (attributes.role ?? '').toLowerCase();
  if (tag === 'main' || tag === 'article' || role === 'main') return 'content';
  if (tag === 'nav' || tag === 'header' || role === 'navigation' || role === 'banner') return 'navigation';
  if (tag === 'aside' || role === 'complementary') return 'sidebar';
  if (tag === 'footer' || role === 'contentinfo') return 'footer';
  if (attributes.class === undefined && attributes.id === undefined) return null;
  const tokens = `${attributes.class ?? ''} ${attributes.id ?? ''}`.toLowerCase();
  if (/(?:^|[\s_-])(?:sidebar|side-bar|widget)/.test(tokens)) return 'sidebar';
  if (/(?:^|[\s_-])(?:footer|colophon|site-info)/.test(tokens)) return 'footer';
  if (/(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?)(?:$|[\s_-])/.test(tokens)) return 'navigation';
  return null;
}

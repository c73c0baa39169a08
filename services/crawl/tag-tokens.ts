// htmlparser2's Tokenizer as a stream of tags and text, for the linear readers of HTML (scan-page.ts,
// archive-brief.ts). Its Parser keeps open elements with Array#unshift and searches them on every close
// tag, which goes quadratic on deeply nested or unclosed markup; the Tokenizer alone is one pass.
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

/** What a reader of the token stream does with each token. Tag names come lower-cased. */
export interface TagHandlers {
  /** The attributes to read of an opening tag (null: none). The first of a repeated attribute counts, as in the DOM. */
  wanted(tag: string): ReadonlySet<string> | null;
  opened(tag: string, attributes: ReadonlyMap<string, string>, selfClosing: boolean): void;
  closed(tag: string): void;
  /** Text with entities decoded, in chunks. */
  text(chunk: string): void;
}

const NONE: ReadonlyMap<string, string> = new Map();
const IGNORED = { oncomment() {}, oncdata() {}, ondeclaration() {}, onprocessinginstruction() {}, onend() {} };

/** A tokenizer of `html` that calls `handlers`: write() reads it (until pause()), end() flushes what is left. */
export function tagTokens(html: string, handlers: TagHandlers): { write(): void; pause(): void; end(): void } {
  let tag = '';
  let wanted: ReadonlySet<string> | null = null;
  let attributes: Map<string, string> | null = null;
  let attributeName = '';
  let attributeValue = '';
  const callbacks: TokenizerCallbacks = {
    onopentagname(start, end) {
      tag = html.slice(start, end).toLowerCase();
      wanted = handlers.wanted(tag);
      attributes = wanted ? new Map() : null;
    },
    onattribname(start, end) {
      const name = html.slice(start, end).toLowerCase();
      attributeName = attributes && wanted!.has(name) && !attributes.has(name) ? name : '';
      attributeValue = '';
    },
    onattribdata(start, end) {
      if (attributeName) attributeValue += html.slice(start, end);
    },
    onattribentity(codePoint) {
      if (attributeName) attributeValue += String.fromCodePoint(codePoint);
    },
    onattribend() {
      if (attributeName) attributes!.set(attributeName, attributeValue);
      attributeName = '';
    },
    onopentagend: () => handlers.opened(tag, attributes ?? NONE, false),
    onselfclosingtag: () => handlers.opened(tag, attributes ?? NONE, true),
    onclosetag: (start, end) => handlers.closed(html.slice(start, end).toLowerCase()),
    ontext: (start, end) => handlers.text(html.slice(start, end)),
    ontextentity: (codePoint) => handlers.text(String.fromCodePoint(codePoint)),
    ...IGNORED,
  };
  const tokenizer = new Tokenizer({ decodeEntities: true }, callbacks);
  return { write: () => tokenizer.write(html), pause: () => tokenizer.pause(), end: () => tokenizer.end() };
}

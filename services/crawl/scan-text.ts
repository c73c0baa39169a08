// Text as the page readers (extract.ts, scan-page.ts) keep it. Text arrives in chunks whose whitespace runs
// are already collapsed to one space; these buffers keep only what will be used, so that a page's memory
// and time stay linear however long its text runs. They track "ends in a space" in a flag: endsWith() on a
// string built by += flattens it, which would copy the whole buffer on every chunk.

/** Text as a reader sees it: whitespace runs as one space, trimmed, at most `max` characters. */
export const squeeze = (text: string | null | undefined, max: number) =>
  (text ?? '').replace(/\s+/g, ' ').trim().slice(0, max);

/** The start of a text, up to `max` characters once squeezed. */
export class CappedText {
  private text = '';
  private endsInSpace = true;
  constructor(private readonly max: number) {}

  add(collapsed: string) {
    if (this.text.length > this.max) return;
    const piece = this.endsInSpace && collapsed.startsWith(' ') ? collapsed.slice(1) : collapsed;
    if (!piece) return;
    this.text += piece;
    this.endsInSpace = piece.endsWith(' ');
  }

  get value() {
    return this.text;
  }
}

/**
 * The text around each marked point of a block (where a link starts): up to `before` characters
 * ahead of it and `after` from it on, cut short where the block ends. Only the part of the block that
 * a marked point still needs is kept.
 */
export class BlockContexts<K> {
  /** The text found around each key, once settled. */
  readonly texts = new Map<K, string>();
  // The block's text from position `offset` on (positions count from the start of the block).
  private text = '';
  private offset = 0;
  private endsInSpace = true;
  private marks: { key: K; from: number; at: number }[] = [];
  /** Marks before this index are settled. */
  private next = 0;

  constructor(
    private readonly before: number,
    private readonly after: number,
  ) {}

  private get end() {
    return this.offset + this.text.length;
  }

  mark(key: K) {
    this.marks.push({ key, from: Math.max(this.offset, this.end - this.before), at: this.end });
  }

  add(collapsed: string) {
    const piece = this.endsInSpace && collapsed.startsWith(' ') ? collapsed.slice(1) : collapsed;
    if (!piece) return;
    this.text += piece;
    this.endsInSpace = piece.endsWith(' ');
    while (this.next < this.marks.length && this.end - this.marks[this.next]!.at >= this.after) this.settle();
    this.trim();
  }

  endBlock() {
    while (this.next < this.marks.length) this.settle();
    this.marks = [];
    this.next = 0;
    this.text = '';
    this.offset = 0;
    this.endsInSpace = true;
  }

  private settle() {
    const { key, from, at } = this.marks[this.next++]!;
    this.texts.set(key, this.text.slice(from - this.offset, at + this.after - this.offset));
  }

  // Drops what no mark needs, only once it is long, so each character is copied a bounded number of times.
  private trim() {
    const keepFrom = this.next < this.marks.length ? this.marks[this.next]!.from : this.end - this.before;
    if (keepFrom - this.offset > 4 * (this.before + this.after)) {
      this.text = this.text.slice(keepFrom - this.offset);
      this.offset = keepFrom;
    }
    if (this.next > 1_000 && this.next * 2 > this.marks.length) {
      this.marks = this.marks.slice(this.next);
      this.next = 0;
    }
  }
}

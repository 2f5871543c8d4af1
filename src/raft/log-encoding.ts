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
import { binArrayHeader, Frame, FramedRun, type EncodedArray } from './frame';
import type { Entry } from './messages';
import type { SavedBlock } from './state';

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

  /** A restarted peer's blocks as read from the persister, until the first save takes them (see keep). */
  private saved: readonly SavedBlock[] = [];

  /**
   * Keeps the complete blocks among `saved` (a restarted peer's log, as read from the persister)
   * as they are, so that the first save after a restart does not encode the whole log again. The
   * first save takes them, unless the log changes at its start or in the middle before.
   */
  keep(saved: readonly SavedBlock[]): void {
    this.saved = saved;
  }

  /** The log dropped `index` and every later entry (a conflict with the leader's). */
  dropFrom(index: number): void {
    this.completeBlocks.dropFrom(blockOf(index));
    this.entries.dropFrom(index);
    this.saved = [];
  }

  /** The log discarded its entries through `index` (compacted into a snapshot). */
  dropThrough(index: number): void {
    this.completeBlocks.dropBefore(blockOf(index) + 1);
    this.entries.dropBefore(index + 1);
    this.saved = [];
  }

  /** The log now starts after a snapshot, with no entries. */
  reset(): void {
    this.completeBlocks.clear();
    this.entries.clear();
    this.saved = [];
  }

  /** The held entries as an array of encoded blocks (decode each and concatenate); its pieces are views, valid until the log next changes. */
  blocks(log: HeldEntries, codec: Codec): EncodedArray {
    if (this.saved.length > 0) this.takeSaved(codec);
    const out: EncodedArray = { length: 0, elements: [] };
    let from = log.lastIncludedIndex + 1;
    // The block the snapshot cut, if any, is from..cutTo.
    const cutTo =
      from <= log.lastIndex && (from - 1) % PERSIST_BLOCK !== 0
        ? Math.min((blockOf(from) + 1) * PERSIST_BLOCK, log.lastIndex)
        : from - 1;
    const first = blockOf(cutTo + 1);
    const complete = Math.floor((log.lastIndex - cutTo) / PERSIST_BLOCK);
    if (complete > 0) this.completeBlocks.startAt(first);
    // Framed from entry encodings: the cut block, the complete blocks not kept yet, the last block.
    const keptThrough =
      complete > 0 ? first + Math.min(complete, this.completeBlocks.count) : first;
    // The entries' encodings are kept from the cut block on, or, when complete blocks are kept
    // that no entry encodings cover (after a restart), from after those: the cut block is then
    // encoded whole until a snapshot passes them.
    const cut = cutTo >= from;
    this.encodeEntries(
      log,
      codec,
      cut && keptThrough === first ? from : Math.max(cutTo + 1, keptThrough * PERSIST_BLOCK + 1),
    );
    if (cut) {
      const covered = this.entries.next - this.entries.count <= from;
      if (covered) this.addBlock(out, from, cutTo);
      else new Frame(codec).bin(codec.encode(log.slice(from, cutTo))).addTo(out);
      from = cutTo + 1;
    }
    if (complete > 0) {
      for (let b = this.completeBlocks.next; b < first + complete; b++) {
        const entries = this.entries.between(b * PERSIST_BLOCK + 1, (b + 1) * PERSIST_BLOCK + 1);
        this.completeBlocks.push(
          new Frame(codec).encoded(binArrayHeader(PERSIST_BLOCK, entries.length)).encoded(entries),
        );
      }
      if (complete === this.completeBlocks.count)
        out.run = { piece: out.elements.length, of: this.completeBlocks };
      out.elements.push(this.completeBlocks.head(complete));
      out.length += complete;
      from += complete * PERSIST_BLOCK;
    }
    // The unfinished last block.
    if (from <= log.lastIndex) this.addBlock(out, from, log.lastIndex);
    return out;
  }

  /** Puts the kept saved blocks that are complete and consecutive into the run of complete blocks. */
  private takeSaved(codec: Codec): void {
    for (const block of this.saved) {
      if (block.count !== PERSIST_BLOCK || (block.first - 1) % PERSIST_BLOCK !== 0) continue;
      const b = blockOf(block.first);
      if (this.completeBlocks.count === 0) this.completeBlocks.startAt(b);
      if (b !== this.completeBlocks.next) break;
      this.completeBlocks.push(new Frame(codec).bin(block.bytes));
    }
    this.saved = [];
  }

  /** Encodes the held entries from `from` on that the kept encodings do not cover yet. */
  private encodeEntries(log: HeldEntries, codec: Codec, from: number): void {
    const run = this.entries;
    // The kept encodings must start at or before `from` (after a restart they start late, or not at all).
    if (run.count === 0 || run.next - run.count > from) {
      run.clear();
      run.startAt(from);
    }
    if (run.next > log.lastIndex) return;
    for (const entry of log.slice(run.next, log.lastIndex)) run.push(codec.encode(entry));
  }

  /**
   * Adds entries from..to (held, encoded) to `out` as one block, a byte string holding the
   * encoding of Entry[]: its headers, then the entries' bytes (a view). Most saves frame one or
   * two blocks this way (the one a snapshot cut and the unfinished last one).
   */
  private addBlock(out: EncodedArray, from: number, to: number): void {
    const entries = this.entries.between(from, to + 1);
    out.elements.push(binArrayHeader(to - from + 1, entries.length), entries);
    out.length++;
  }
}

function blockOf(index: number): number {
  return Math.floor((index - 1) / PERSIST_BLOCK);
}

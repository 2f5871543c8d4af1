// What Figure 2 marks persistent (currentTerm, votedFor, log), plus the snapshot's boundary,
// encoded compactly as one array. The log's entries are [term, command] pairs, stored as a list of
// separately encoded blocks (see PERSIST_BLOCK in log.ts) so that a save after an append does not
// re-encode the whole log: the log keeps its blocks' encodings and they go into the state as they
// are (frame.ts). The snapshot bytes are saved beside this in the same persister.save().
import type { Codec } from '../../harness/api';
import { Frame, ReusedBuffer, type EncodedArray } from './frame';
import type { Entry } from './messages';

export interface PersistentState {
  currentTerm: number;
  /** The peer voted for in currentTerm, or -1. */
  votedFor: number;
  lastIncludedIndex: number;
  lastIncludedTerm: number;
  /** Entries after lastIncludedIndex: an array of byte strings, each an encoded block of Entry[]. */
  entryBlocks: EncodedArray;
}

export interface RestoredState {
  currentTerm: number;
  votedFor: number;
  lastIncludedIndex: number;
  lastIncludedTerm: number;
  entries: Entry[];
  /** The blocks as saved, for the log to keep instead of encoding its entries again. */
  savedBlocks: SavedBlock[];
}

/** One saved block: `count` entries from index `first` on, encoded as Entry[]. */
export interface SavedBlock {
  first: number;
  count: number;
  bytes: Uint8Array;
}

type Encoded = [
  currentTerm: number,
  votedFor: number,
  lastIncludedIndex: number,
  lastIncludedTerm: number,
  entryBlocks: Uint8Array[],
];

/**
 * What one Raft peer's saves reuse: a buffer to assemble the state in, and the encoding of the
 * state's start (see stateStart), which most saves leave as it was.
 */
export class SaveBuffer {
  readonly buffer = new ReusedBuffer();
  private numbers: number[] = [];
  private blocks = -1;
  private encoded: Uint8Array | undefined;

  /** stateStart(codec, numbers, blocks), encoded again only when it changed. */
  start(codec: Codec, numbers: number[], blocks: number): Uint8Array {
    if (
      this.encoded === undefined ||
      blocks !== this.blocks ||
      !sameNumbers(numbers, this.numbers)
    ) {
      this.numbers = numbers;
      this.blocks = blocks;
      this.encoded = stateStart(codec, numbers, blocks);
    }
    return this.encoded;
  }
}

/**
 * The codec's encoding of the Encoded array, assembled without encoding the blocks again: a new
 * array, or, given `into`, a view valid until the next save or change to the log (of `into`, or
 * of the log's own buffer of complete blocks).
 */
export function encodeState(codec: Codec, s: PersistentState, into?: SaveBuffer): Uint8Array {
  const numbers = [s.currentTerm, s.votedFor, s.lastIncludedIndex, s.lastIncludedTerm];
  const blocks = s.entryBlocks;
  const start = into
    ? into.start(codec, numbers, blocks.length)
    : stateStart(codec, numbers, blocks.length);
  if (into && blocks.run) {
    // The log's complete blocks are most of the state: the rest is written around them, in their
    // buffer, instead of copying them into `into`.
    const { piece, of } = blocks.run;
    const before = new Frame(codec).encoded(start);
    const after = new Frame(codec);
    for (let i = 0; i < blocks.elements.length; i++) {
      if (i < piece) before.encoded(blocks.elements[i]);
      else if (i > piece) after.encoded(blocks.elements[i]);
    }
    const bytes = of.around(before, after);
    if (bytes) return bytes;
  }
  const frame = new Frame(codec).encoded(start);
  for (const piece of blocks.elements) frame.encoded(piece);
  return into ? into.buffer.hold(frame) : frame.bytes();
}

/** The state's start: the Encoded array's header, the four numbers, and the header of the array of `blocks` blocks. */
function stateStart(codec: Codec, numbers: number[], blocks: number): Uint8Array {
  return new Frame(codec).array(5).items(numbers).array(blocks).bytes();
}

function sameNumbers(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The saved state, or undefined for a fresh boot (nothing saved yet). */
export function decodeState(codec: Codec, bytes: Uint8Array): RestoredState | undefined {
  if (bytes.length === 0) return undefined;
  const value = codec.decode<Encoded>(bytes);
  if (!Array.isArray(value) || value.length !== 5 || !Array.isArray(value[4])) {
    throw new Error(
      `raft: persisted state is not [term, votedFor, lastIncludedIndex, lastIncludedTerm, blocks] (${bytes.length} bytes)`,
    );
  }
  const [currentTerm, votedFor, lastIncludedIndex, lastIncludedTerm, blocks] = value;
  const entries: Entry[] = [];
  const savedBlocks: SavedBlock[] = [];
  for (const bytes of blocks) {
    const block = codec.decode<Entry[]>(bytes);
    savedBlocks.push({ first: lastIncludedIndex + entries.length + 1, count: block.length, bytes });
    for (const e of block) entries.push(e);
  }
  return { currentTerm, votedFor, lastIncludedIndex, lastIncludedTerm, entries, savedBlocks };
}

// What Figure 2 marks persistent (currentTerm, votedFor, log), plus where the log starts after a
// snapshot (section 7), encoded with the runtime's codec. The state is saved in pieces, one
// encode() each: the four numbers, then the log in chunks (RaftLog.savedChunks), so that a save
// neither encodes the whole log again nor copies it into one array before the persister does. The
// snapshot's bytes are saved beside this, in the same persister.save().
import type { Codec } from '../../harness/api';
import type { Entry } from './messages';

export interface PersistentState {
  currentTerm: number;
  /** The peer voted for in currentTerm, or -1. */
  votedFor: number;
  /** The last index the snapshot covers (0 without one), and its term. */
  lastIncludedIndex: number;
  lastIncludedTerm: number;
  /** The entries after lastIncludedIndex, in order: chunks, each the codec's encoding of an Entry[]. */
  log: Uint8Array[];
}

/** The state as a restart reads it back: the log's chunks decoded and joined. */
export type RestoredState = Omit<PersistentState, 'log'> & { log: Entry[] };

/**
 * The numbers in this order, as an array: field names would add 60 bytes to every save, and the
 * key/value services snapshot when the saved state reaches maxraftstate bytes.
 */
type SavedNumbers = [number, number, number, number];

/** The pieces persister.save() concatenates: the numbers, then each chunk of the log. */
export function encodeState(codec: Codec, s: PersistentState): Uint8Array[] {
  const numbers: SavedNumbers = [
    s.currentTerm,
    s.votedFor,
    s.lastIncludedIndex,
    s.lastIncludedTerm,
  ];
  return [codec.encode(numbers), ...s.log];
}

/** The saved state, or undefined for a fresh boot (nothing saved yet). */
export function decodeState(codec: Codec, bytes: Uint8Array): RestoredState | undefined {
  if (bytes.length === 0) return undefined;
  const [numbers, ...chunks] = codec.decodeSequence(bytes);
  // Stryker disable all: refuses a state we did not save; the persister gives back what we saved
  if (!isSavedNumbers(numbers) || !chunks.every(Array.isArray))
    throw new Error(
      `raft: the persisted state is not [currentTerm, votedFor, lastIncludedIndex, lastIncludedTerm] and chunks of entries (${bytes.length} bytes)`,
    );
  // Stryker restore all
  const [currentTerm, votedFor, lastIncludedIndex, lastIncludedTerm] = numbers;
  const log = (chunks as Entry[][]).flat();
  return { currentTerm, votedFor, lastIncludedIndex, lastIncludedTerm, log };
}

function isSavedNumbers(value: unknown): value is SavedNumbers {
  // Stryker disable next-line all: as above, a check of what we saved ourselves
  return Array.isArray(value) && value.length === 4 && value.every(Number.isInteger);
}

// What Figure 2 marks persistent (currentTerm, votedFor, log), plus where the log starts after a
// snapshot (section 7), encoded with the runtime's codec. The log goes in chunks that are
// themselves encoded by the codec (RaftLog.savedChunks), so that a save does not encode the whole
// log again. The snapshot's bytes are saved beside this, in the same persister.save().
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
 * The fields in this order, as an array: field names would add 60 bytes to every save, and the
 * key/value services snapshot when the saved state reaches maxraftstate bytes.
 */
type Saved = [number, number, number, number, Uint8Array[]];

export function encodeState(codec: Codec, s: PersistentState): Uint8Array {
  const saved: Saved = [s.currentTerm, s.votedFor, s.lastIncludedIndex, s.lastIncludedTerm, s.log];
  return codec.encode(saved);
}

/** The saved state, or undefined for a fresh boot (nothing saved yet). */
export function decodeState(codec: Codec, bytes: Uint8Array): RestoredState | undefined {
  if (bytes.length === 0) return undefined;
  const saved = codec.decode<Saved>(bytes);
  if (!Array.isArray(saved) || saved.length !== 5 || !Array.isArray(saved[4]))
    throw new Error(
      `raft: the persisted state is not [currentTerm, votedFor, lastIncludedIndex, lastIncludedTerm, log] (${bytes.length} bytes)`,
    );
  const [currentTerm, votedFor, lastIncludedIndex, lastIncludedTerm, chunks] = saved;
  const log = chunks.flatMap((chunk) => codec.decode<Entry[]>(chunk));
  return { currentTerm, votedFor, lastIncludedIndex, lastIncludedTerm, log };
}

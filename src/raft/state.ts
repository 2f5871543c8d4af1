// What Figure 2 marks persistent (currentTerm, votedFor, log), plus where the log starts after a
// snapshot (section 7), encoded with the runtime's codec as one plain object. The log goes in
// chunks that are themselves encoded by the codec (RaftLog.savedChunks), so that a save does not
// encode the whole log again. The snapshot's bytes are saved beside this, in the same
// persister.save().
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

export function encodeState(codec: Codec, state: PersistentState): Uint8Array {
  return codec.encode(state);
}

/** The saved state, or undefined for a fresh boot (nothing saved yet). */
export function decodeState(codec: Codec, bytes: Uint8Array): RestoredState | undefined {
  if (bytes.length === 0) return undefined;
  const state = codec.decode<PersistentState>(bytes);
  const numbers = [
    state?.currentTerm,
    state?.votedFor,
    state?.lastIncludedIndex,
    state?.lastIncludedTerm,
  ];
  if (!numbers.every(Number.isInteger) || !Array.isArray(state.log))
    throw new Error(
      `raft: the persisted state is not {currentTerm, votedFor, lastIncludedIndex, lastIncludedTerm, log} (${bytes.length} bytes)`,
    );
  const log = state.log.flatMap((chunk) => codec.decode<Entry[]>(chunk));
  return { ...state, log };
}

// What Figure 2 marks persistent (currentTerm, votedFor, log), plus the snapshot's boundary,
// encoded compactly: one array, entries as [term, command] pairs. The snapshot bytes themselves are
// saved beside this state in the same persister.save() call.
import type { Codec } from '../../harness/api';
import type { Entry } from './messages';

export interface PersistentState {
  currentTerm: number;
  /** The peer voted for in currentTerm, or -1. */
  votedFor: number;
  lastIncludedIndex: number;
  lastIncludedTerm: number;
  /** Entries after lastIncludedIndex. */
  entries: readonly Entry[];
}

type Encoded = [currentTerm: number, votedFor: number, lastIncludedIndex: number, lastIncludedTerm: number, entries: Entry[]];

export function encodeState(codec: Codec, s: PersistentState): Uint8Array {
  const value: Encoded = [s.currentTerm, s.votedFor, s.lastIncludedIndex, s.lastIncludedTerm, s.entries as Entry[]];
  return codec.encode(value);
}

/** The saved state, or undefined for a fresh boot (nothing saved yet). */
export function decodeState(codec: Codec, bytes: Uint8Array): PersistentState | undefined {
  if (bytes.length === 0) return undefined;
  const value = codec.decode<Encoded>(bytes);
  if (!Array.isArray(value) || value.length !== 5 || !Array.isArray(value[4])) {
    throw new Error(`raft: persisted state is not [term, votedFor, lastIncludedIndex, lastIncludedTerm, entries] (${bytes.length} bytes)`);
  }
  const [currentTerm, votedFor, lastIncludedIndex, lastIncludedTerm, entries] = value;
  return { currentTerm, votedFor, lastIncludedIndex, lastIncludedTerm, entries };
}

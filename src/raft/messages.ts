// The RPC messages of Figure 2 of the extended Raft paper, plus the fast-backtracking hints of
// section 5.3 (xTerm, xIndex, xLen). Everything here crosses the wire through the codec, so it is
// plain data only. A log entry travels as a [term, command] pair to keep the bytes small.

/** A log entry: the term in which the leader received it, and the client's command. */
export type Entry = [term: number, command: unknown];

export interface RequestVoteArgs {
  term: number;
  candidateId: number;
  lastLogIndex: number;
  lastLogTerm: number;
}

export interface RequestVoteReply {
  term: number;
  voteGranted: boolean;
}

export interface AppendEntriesArgs {
  term: number;
  leaderId: number;
  prevLogIndex: number;
  prevLogTerm: number;
  entries: Entry[];
  leaderCommit: number;
}

export interface AppendEntriesReply {
  term: number;
  success: boolean;
  /** On a mismatch at prevLogIndex: the follower's term there, or -1 if its log is too short. */
  xTerm: number;
  /** The follower's first index holding xTerm (when xTerm >= 0). */
  xIndex: number;
  /** The follower's log length, i.e. its last index + 1 (when xTerm is -1). */
  xLen: number;
}

export interface InstallSnapshotArgs {
  term: number;
  leaderId: number;
  lastIncludedIndex: number;
  lastIncludedTerm: number;
  /** The whole snapshot, in one RPC (no chunking, as the lab asks). */
  data: Uint8Array;
}

export interface InstallSnapshotReply {
  term: number;
}

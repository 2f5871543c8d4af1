// The Raft RPCs' arguments and replies (Figure 2 of the extended Raft paper, and Figure 13 for
// InstallSnapshot). They cross the simulated network as plain data: numbers, strings, booleans,
// arrays, plain objects, Uint8Array. No classes, no Map, no undefined (the codec rejects them and
// says where).

/** One log entry. */
export interface LogEntry {
  term: number;
  command: unknown;
}

export interface RequestVoteArgs {
  term: number;
  // Your data here (2A, 2B): the rest of Figure 2's RequestVote arguments.
}

export interface RequestVoteReply {
  term: number;
  // Your data here (2A).
}

export interface AppendEntriesArgs {
  term: number;
  // Your data here (2A, 2B): the rest of Figure 2's AppendEntries arguments.
}

export interface AppendEntriesReply {
  term: number;
  // Your data here (2A, 2B; 2C: a hint for backing up nextIndex faster).
}

export interface InstallSnapshotArgs {
  term: number;
  // Your data here (2D): Figure 13's arguments (send the snapshot in one piece: no offset, no done).
}

export interface InstallSnapshotReply {
  term: number;
}

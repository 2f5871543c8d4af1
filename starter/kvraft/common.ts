// The key/value service's RPC arguments and replies, and what it puts in the Raft log. Plain data
// only (they are serialized on every hop).

export const OK = 'OK';
export const ErrNoKey = 'ErrNoKey';
export const ErrWrongLeader = 'ErrWrongLeader';
export type Err = typeof OK | typeof ErrNoKey | typeof ErrWrongLeader;

export interface GetArgs {
  key: string;
  // Your data here (3A): e.g. who is asking, to detect a retried request.
}

export interface GetReply {
  err: Err;
  value: string;
}

/** Every write goes through PutAppend; 'Delete' is an addition beyond the course. */
export type WriteKind = 'Put' | 'Append' | 'Delete';

export interface PutAppendArgs {
  key: string;
  value: string;
  op: WriteKind;
  // Your data here (3A): e.g. who is asking, to detect a retried request.
}

export interface PutAppendReply {
  err: Err;
}

/** A command in the Raft log: what every replica applies, in log order. */
export interface Op {
  kind: 'Get' | WriteKind;
  key: string;
  value: string;
  // Your data here (3A).
}

// The key/value service's wire types and the operations it replicates through Raft.

export const OK = 'OK';
export const ErrNoKey = 'ErrNoKey';
export const ErrWrongLeader = 'ErrWrongLeader';
export type Err = typeof OK | typeof ErrNoKey | typeof ErrWrongLeader;

/** Every request carries the clerk's id and a per-clerk sequence number, for duplicate detection. */
export interface RequestId {
  clientId: number;
  seq: number;
}

export interface GetArgs extends RequestId {
  key: string;
}

export interface GetReply {
  err: Err;
  value: string;
}

/** All writes go through PutAppend; "Delete" is ours (the course has only Put and Append). */
export type WriteKind = 'Put' | 'Append' | 'Delete';

export interface PutAppendArgs extends RequestId {
  key: string;
  value: string;
  op: WriteKind;
}

export interface PutAppendReply {
  err: Err;
}

/** A command in the Raft log. Reads go through the log too, which is what makes them linearizable. */
export interface Op extends RequestId {
  kind: 'Get' | WriteKind;
  key: string;
  value: string;
}

/** What applying an op produced, handed back to the handler that submitted it. */
export interface OpResult {
  err: Err;
  value: string;
}

// The replicated key/value service's RPC arguments and replies (lab 4B of the 2026 edition), and
// the commands its replicas put in the rsm's log. Plain data only (they cross the wire and the log).
import type { Err, Version } from 'dslab/harness/contracts/kvraft1';

export type { Err, Version } from 'dslab/harness/contracts/kvraft1';

/** What a replica answers: lab 2's outcomes, or that it cannot answer for the majority. */
export type ReplyErr = Err | 'ErrWrongLeader';

export interface GetArgs {
  key: string;
}

export interface GetReply {
  value: string;
  version: Version;
  err: ReplyErr;
}

export interface PutArgs {
  key: string;
  value: string;
  version: Version;
}

export interface PutReply {
  err: ReplyErr;
}

// The key/value server's RPC arguments and replies (lab 2 of the 2026 edition). Plain data only
// (they are serialized on every hop).
import type { Err, Version } from 'dslab/harness/contracts/kvsrv';

export type { Err, Version } from 'dslab/harness/contracts/kvsrv';

export interface GetArgs {
  key: string;
}

export interface GetReply {
  value: string;
  version: Version;
  err: Err;
}

export interface PutArgs {
  key: string;
  value: string;
  version: Version;
}

export interface PutReply {
  err: Err;
}

// The key/value server's RPC arguments and replies. Plain data only (they cross the wire).
import type { Err, Version } from '../../harness/contracts/kvsrv';

export type { Err, Version } from '../../harness/contracts/kvsrv';

export const OK: Err = 'OK';
export const ErrNoKey: Err = 'ErrNoKey';
export const ErrVersion: Err = 'ErrVersion';
export const ErrMaybe: Err = 'ErrMaybe';

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

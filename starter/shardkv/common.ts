// The sharded key/value service's RPC arguments and replies, and what it puts in the Raft log.
// Plain data only (they are serialized on every hop).

/** The number of shards (the contract's NSHARDS: code under test imports only types from the harness). */
export const NShards = 10;

/**
 * The shard a key lives in: the first byte of its UTF-8 encoding mod NShards; "" is in shard 0.
 * The same function as the contract's key2shard (harness/contracts/shardkv.ts), which the tests use.
 */
export function key2shard(key: string): number {
  if (key.length === 0) return 0;
  const cp = key.codePointAt(0)!;
  const firstByte =
    cp < 0x80
      ? cp
      : cp < 0x800
        ? 0xc0 | (cp >> 6)
        : cp < 0x10000
          ? 0xe0 | (cp >> 12)
          : 0xf0 | (cp >> 18);
  return firstByte % NShards;
}

export const OK = 'OK';
export const ErrNoKey = 'ErrNoKey';
export const ErrWrongGroup = 'ErrWrongGroup';
export const ErrWrongLeader = 'ErrWrongLeader';
export type Err = typeof OK | typeof ErrNoKey | typeof ErrWrongGroup | typeof ErrWrongLeader;

export interface GetArgs {
  key: string;
  // Your data here (4B): e.g. who is asking, to detect a retried request.
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
  // Your data here (4B).
}

export interface PutAppendReply {
  err: Err;
}

/**
 * A command in a group's Raft log: client operations, and (your design, 4B) configuration changes
 * and shards arriving from or leaving for other groups, so that every replica of the group makes
 * the same changes in the same order.
 */
export interface Op {
  kind: 'Get' | WriteKind;
  key: string;
  value: string;
  // Your data here (4B).
}

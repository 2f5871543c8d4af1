// The shard controller's RPC arguments and replies, and what it puts in the Raft log. Plain data
// only (they are serialized on every hop).
import type { Config, Groups } from 'dslab/harness/contracts/shardctrler';

export type { Config, Groups };

/** The number of shards (the contract's NShards: code under test imports only types from the harness). */
export const NShards = 10;

export const OK = 'OK';
export const ErrWrongLeader = 'ErrWrongLeader';
export type Err = typeof OK | typeof ErrWrongLeader;

export interface JoinArgs {
  /** New groups: gid -> server names. */
  servers: Groups;
  // Your data here (4A): e.g. who is asking, to detect a retried request.
}

export interface LeaveArgs {
  gids: number[];
  // Your data here (4A).
}

export interface MoveArgs {
  shard: number;
  gid: number;
  // Your data here (4A).
}

export interface QueryArgs {
  /** -1, or past the latest: the latest configuration. */
  num: number;
  // Your data here (4A).
}

export interface Reply {
  err: Err;
}

export interface QueryReply extends Reply {
  config: Config | null;
}

/** A command in the Raft log: what every replica applies, in log order. */
export type Op =
  | ({ kind: 'Join' } & JoinArgs)
  | ({ kind: 'Leave' } & LeaveArgs)
  | ({ kind: 'Move' } & MoveArgs)
  | ({ kind: 'Query' } & QueryArgs);

/**
 * The gids of a configuration, ascending. Object.keys of a gid-keyed object are strings, and every
 * replica must iterate them in the same order: rebalance deterministically (no Map or Set order
 * that depends on history, no randomness).
 */
export function gidsOf(config: Pick<Config, 'groups'>): number[] {
  return Object.keys(config.groups).map(Number);
}

// What the shard controller suite (4A) and the sharded key/value service (4B) expect of a shard
// controller: a Raft-replicated service holding the numbered configurations.
//
// The harness hosts each replica as one network server with two services: "ShardCtrler" (the
// controller's own handlers) and "Raft" (the replica's Raft handlers). Clerks reach servers only
// through the client ends they are given, in an order the harness has shuffled.
import type { ClientEnd, Handler, PersisterApi, Runtime } from '../api';
import type { RaftPeer } from './raft';

/** The number of shards every configuration assigns. */
export const NShards = 10;

/**
 * Replica groups: gid -> the group's server names, exactly as given to join (order and duplicates
 * kept). Gids are positive integers, and JavaScript enumerates integer keys in ascending numeric
 * order, so Object.keys(groups) is the same sorted list on every replica and after every codec
 * round trip (keys arrive as strings: use gidsOf() for numbers).
 */
export type Groups = Record<number, string[]>;

/** One configuration. Plain data only: it crosses the wire on every hop. */
export interface Config {
  /** Configuration number: 0 is the initial, empty one; each join/leave/move makes the next. */
  num: number;
  /** shards[s]: the gid owning shard s (NShards entries); 0 means unassigned. */
  shards: number[];
  groups: Groups;
}

/** The gids of a configuration's groups, in ascending order. */
export function gidsOf(config: Pick<Config, 'groups'>): number[] {
  return Object.keys(config.groups).map(Number);
}

/** One replica of the controller. */
export interface ShardCtrler {
  /** Stops the replica and its Raft for good (the harness also crashes its runtime). */
  kill(): void;
  /** This replica's Raft peer: the harness asks it getState() and registers raft.handlers. */
  readonly raft: RaftPeer;
  /** The handlers registered as service "ShardCtrler" (called as "ShardCtrler.<name>"). */
  readonly handlers: Readonly<Record<string, Handler>>;
}

/**
 * A client of the controller. Each call blocks until the operation has taken effect exactly once
 * and never fails: it retries across servers, lost messages, leader changes, partitions and
 * crashes. One clerk is used by one task at a time.
 */
export interface Clerk {
  /** Configuration `num`; -1 (or a number past the latest) answers the latest. */
  query(num: number): Promise<Config>;
  /** Adds every listed group (gid -> server names), then rebalances. */
  join(servers: Groups): Promise<void>;
  /** Removes every listed group, then rebalances. */
  leave(gids: number[]): Promise<void>;
  /** Assigns one shard to one gid, without rebalancing. */
  move(shard: number, gid: number): Promise<void>;
}

export interface ShardCtrlerModule {
  /**
   * Starts one replica (and its Raft peer). `servers[j]` reaches replica j's network server, where
   * both "ShardCtrler" and "Raft" are registered. Must return quickly.
   */
  makeShardCtrler(
    servers: ClientEnd[],
    me: number,
    persister: PersisterApi,
    runtime: Runtime,
  ): ShardCtrler;
  /** A clerk on the given ends (shuffled: end i need not reach server i). `runtime` is the clerk's own node. */
  makeClerk(servers: ClientEnd[], runtime: Runtime): Clerk;
}

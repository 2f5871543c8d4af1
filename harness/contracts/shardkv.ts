// What the sharded key/value suite (4B) expects of a sharded key/value service: replica groups,
// each a Raft-replicated service like the key/value service of 3A–3B, that follow the shard
// controller's configurations and move shards between them.
//
// The harness hosts each replica as one network server named "server-<gid>-<i>" with two
// services: "ShardKV" (the service's own handlers, clerks call "ShardKV.Get" and
// "ShardKV.PutAppend") and "Raft". Nothing tells a group that the configuration changed: every
// group polls the controller on its own.
import type { ClientEnd, Handler, PersisterApi, Runtime } from '../api';
import type { Clerk } from './kvraft';
import type { RaftPeer } from './raft';

/** The number of shards, as in the controller's configurations. */
export const NSHARDS = 10;

/**
 * The shard a key lives in: its first byte mod NSHARDS; the empty key is in shard 0. Keys "0" …
 * "9" land in shards 8, 9, 0, 1, … 7 (key k in shard (k + 8) mod 10). The implementation keeps its
 * own copy (it may import only types from the harness); the suite uses this one.
 */
export function key2shard(key: string): number {
  return key.length > 0 ? Buffer.from(key, 'utf8')[0] % NSHARDS : 0;
}

/** Makes a fresh end, enabled, to the network server with this name (a replica of any group). */
export type MakeEnd = (serverName: string) => ClientEnd;

/** One replica of one group. */
export interface ShardKVServer {
  /** Stops the replica and its Raft for good (the harness also crashes its runtime). */
  kill(): void;
  /** This replica's Raft peer: the harness registers raft.handlers and may ask getState(). */
  readonly raft: RaftPeer;
  /** The handlers registered as service "ShardKV" (called as "ShardKV.<name>"). */
  readonly handlers: Readonly<Record<string, Handler>>;
}

/**
 * A client of the sharded service: get/put/append/delete as the key/value clerk (each call blocks
 * until it has taken effect exactly once, and never fails). It finds the group that owns the key's
 * shard from the controller's latest configuration and retries when groups answer ErrWrongGroup.
 */
export type ShardKVClerk = Clerk;

export interface ShardKVModule {
  /**
   * Starts replica `me` of group `gid` (the course's StartServer). `servers[j]` reaches replica j
   * of the same group (both "ShardKV" and "Raft" are registered there); `ctrlers` reach the shard
   * controller's servers; `makeEnd(name)` reaches any server by the name a configuration lists.
   * `maxraftstate`: the byte size of persisted Raft state at which to snapshot (-1: never).
   * Must return quickly.
   */
  makeShardKV(
    servers: ClientEnd[],
    me: number,
    persister: PersisterApi,
    maxraftstate: number,
    gid: number,
    ctrlers: ClientEnd[],
    makeEnd: MakeEnd,
    runtime: Runtime,
  ): ShardKVServer;
  /** A clerk that asks the controller at `ctrlers` where keys live. `runtime` is the clerk's own node. */
  makeClerk(ctrlers: ClientEnd[], makeEnd: MakeEnd, runtime: Runtime): ShardKVClerk;
}

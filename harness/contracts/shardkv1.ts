// What lab 5 of the 2026 edition expects of the sharded key/value service (the course's shardkv1):
// shard groups, each a key/value service on the rsm layer (harness/contracts/rsm.ts) speaking lab
// 2's versioned API, whose shards a controller moves between them; the controller keeps the
// configuration in a lab-2 key/value server (harness/contracts/kvsrv.ts) and moves each shard
// itself with the groups' FreezeShard, InstallShard and DeleteShard, each carrying the number of the
// configuration being installed, so that a group can refuse a controller that was superseded.
//
// The harness hosts: the controller's key/value server (the learner's kvsrv layer) as network
// server "kvsrv" with service "KVServer"; each replica of group `gid` as network server
// "grp<gid>-<i>" with services "ShardGrp" (the handlers below) and "Raft". The group Gid1 (= 1)
// starts owning every shard, with configuration number 0 for each. Controllers and clerks run on
// nodes of their own and reach servers by name through their makeEnd; the network may lose
// requests and replies, partition a controller off, and crash and restart groups.
import type { ClientEnd, Handler, PersisterApi, Runtime } from '../api';
import type { Clerk, Err, Version } from './kvsrv';
import type { RaftPeer } from './raft';

export type { Clerk, Err, GetResult, Version } from './kvsrv';

/** The number of shards (the course's shardcfg.NShards). */
export const NSHARDS = 12;
/** The group that owns every shard in the first configuration. */
export const GID1 = 1;
/** The first configuration's number. */
export const NUM_FIRST = 1;

/**
 * The shard a key lives in: the 32-bit FNV-1a hash of its UTF-8 bytes, mod NSHARDS (the course's
 * Key2Shard). The implementation keeps its own copy (it may import only types from the harness).
 */
export function key2shard(key: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(key, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % NSHARDS;
}

/** A configuration: shard -> gid (0: no group), and gid -> its servers' names. Plain JSON data. */
export interface ShardConfig {
  num: number;
  shards: number[];
  groups: Record<number, string[]>;
}

/** Makes a fresh end, enabled while its node is connected, to the network server with this name. */
export type MakeEnd = (serverName: string) => ClientEnd;

/** A group replica's answer: lab 2's outcomes, or that it does not serve the shard, or cannot say. */
export type GrpErr = Err | 'ErrWrongGroup' | 'ErrWrongLeader';

// The shard groups' RPCs (the course's shardrpc and rpc packages). Get and Put are lab 2's.
export interface GetArgs {
  key: string;
}
export interface GetReply {
  value: string;
  version: Version;
  err: GrpErr;
}
export interface PutArgs {
  key: string;
  value: string;
  version: Version;
}
export interface PutReply {
  err: GrpErr;
}
/** Stop serving `shard` (Get/Put answer ErrWrongGroup) and return its keys, for configuration `num`. */
export interface FreezeShardArgs {
  shard: number;
  num: number;
}
/** `state`: the shard's keys, encoded as the group likes; `num`: the highest number it has seen for the shard. */
export interface FreezeShardReply {
  state: Uint8Array;
  num: number;
  err: GrpErr;
}
/** Serve `shard` from now on with the state a FreezeShard returned, for configuration `num`. */
export interface InstallShardArgs {
  shard: number;
  state: Uint8Array;
  num: number;
}
export interface InstallShardReply {
  err: GrpErr;
}
/** Forget the frozen `shard`, for configuration `num`. */
export interface DeleteShardArgs {
  shard: number;
  num: number;
}
export interface DeleteShardReply {
  err: GrpErr;
}

/** One replica of one shard group. */
export interface ShardGrpServer {
  /** Stops the replica, its rsm and its Raft for good (the harness also crashes its runtime). */
  kill(): void;
  /** This replica's Raft peer (its rsm's): the harness registers raft.handlers and asks getState(). */
  readonly raft: RaftPeer;
  /** Registered as service "ShardGrp": Get, Put, FreezeShard, InstallShard, DeleteShard. */
  readonly handlers: Readonly<Record<string, Handler>>;
}

/** The controller (the course's shardctrler.ShardCtrler). Several may exist at once (5C). */
export interface ShardCtrler {
  /** Called before the controller is used (5B: finish a change a previous controller left half done). */
  initController(): Promise<void>;
  /** Stores the first configuration (called once, by the tester). */
  initConfig(cfg: ShardConfig): Promise<void>;
  /** The current configuration. */
  query(): Promise<ShardConfig>;
  /**
   * Moves the shards from the current configuration to `cfg` (numbered current + 1) and then makes
   * it current. Returns without effect if another controller got ahead of this one (5C); such a
   * controller should bail out, changing nothing after that (the course's partition tests
   * reconnect a cut-off controller and count on it).
   */
  changeConfigTo(cfg: ShardConfig): Promise<void>;
}

export interface ShardKV1Module {
  /**
   * Starts replica `me` of group `gid` on its rsm. `servers[j]` reaches replica j of the same group
   * ("ShardGrp" and "Raft" are registered there). `maxraftstate`: the byte size of persisted Raft
   * state at which to snapshot (-1: never). Must return quickly.
   */
  makeShardGrp(
    servers: ClientEnd[],
    gid: number,
    me: number,
    persister: PersisterApi,
    maxraftstate: number,
    runtime: Runtime,
  ): ShardGrpServer;
  /** A controller on its own node; `kvsrv` reaches the key/value server holding the configuration. */
  makeShardCtrler(kvsrv: ClientEnd, makeEnd: MakeEnd, runtime: Runtime): ShardCtrler;
  /**
   * A clerk of the sharded service (lab 2's versioned get and put, with ErrMaybe) on its own node:
   * it finds a key's group through `sck.query()` and asks again when a group answers ErrWrongGroup.
   */
  makeClerk(sck: ShardCtrler, makeEnd: MakeEnd, runtime: Runtime): Clerk;
}

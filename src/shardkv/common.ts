// The sharded service's wire types, the shard of a key, and the commands its groups replicate.
import type { ClientEnd } from '../../harness/api';
import type { MakeEnd } from '../../harness/contracts/shardkv';
import type { RequestId } from '../kvraft';
import type { StoreImage } from '../kvraft';

export const NSHARDS = 10;

export const OK = 'OK';
export const ErrNoKey = 'ErrNoKey';
export const ErrWrongGroup = 'ErrWrongGroup';
export const ErrWrongLeader = 'ErrWrongLeader';
/** A group asked for shards of a configuration it has not reached yet (or has left behind). */
export const ErrNotReady = 'ErrNotReady';
export type Err =
  typeof OK | typeof ErrNoKey | typeof ErrWrongGroup | typeof ErrWrongLeader | typeof ErrNotReady;

/** The shard of a key: its first byte mod NSHARDS (the empty key: shard 0), as the course defines it. */
export function key2shard(key: string): number {
  if (key.length === 0) return 0;
  const code = key.charCodeAt(0);
  // The first byte of the UTF-8 encoding: the code unit itself below 0x80, else a lead byte.
  const first = code < 0x80 ? code : new TextEncoder().encode(key)[0];
  return first % NSHARDS;
}

/** A configuration as the controller serves it: shards[s] is the gid owning shard s (0: none). */
export interface Config {
  num: number;
  shards: number[];
  groups: Record<string, string[]>;
}

/** The configuration before the first: a new object each time (a shared one would be module-level state). */
export function zeroConfig(): Config {
  return { num: 0, shards: new Array<number>(NSHARDS).fill(0), groups: {} };
}

// ---- client RPCs: as in the key/value service ----

export interface GetArgs {
  key: string;
  clientId: number;
  seq: number;
}

export interface GetReply {
  err: Err;
  value: string;
}

export interface PutAppendArgs {
  key: string;
  value: string;
  op: 'Put' | 'Append' | 'Delete';
  clientId: number;
  seq: number;
}

export interface PutAppendReply {
  err: Err;
}

// ---- group-to-group RPCs ----

/** One shard's contents as they move: the data and the duplicate table that protects it. */
export interface ShardImage {
  shard: number;
  data: StoreImage['data'];
  sessions: StoreImage['sessions'];
}

/** "ShardKV.PullShards": the new owner asks the old one for shards it gives away in config `num`. */
export interface PullShardsArgs {
  num: number;
  shards: number[];
}

export interface PullShardsReply {
  err: Err;
  shards: ShardImage[];
}

/** "ShardKV.DeleteShards": the new owner holds these shards of config `num`; the old may drop them. */
export interface DeleteShardsArgs {
  num: number;
  shards: number[];
}

export interface DeleteShardsReply {
  err: Err;
}

// ---- what the Raft log carries ----

/** A client op (the key/value service's tuple), or one of the group's own commands. */
export type Command =
  | { c: 'config'; config: Config }
  | { c: 'insert'; num: number; shards: ShardImage[] }
  | { c: 'delete'; num: number; shards: number[] }
  | { c: 'cleaned'; num: number; shards: number[] }
  | { c: 'noop'; term: number };

/**
 * Who waits for a group command's outcome, as PendingRequests identifies requests. Only delete is
 * waited for (by the DeleteShards handler); its id is fixed by its configuration and shards, so
 * another group's delete landing at the index it waits on is not taken for its own. Commands
 * nobody waits for get an id no request has.
 */
export function commandId(command: Command, index: number): RequestId {
  if (command.c === 'delete')
    return {
      clientId: -1,
      seq: command.num * 2 ** NSHARDS + command.shards.reduce((mask, s) => mask | (1 << s), 0),
    };
  return { clientId: -2, seq: index };
}

/** One end per server name, made on first use (the harness's makeEnd makes a new end per call). */
export class EndCache {
  private readonly ends = new Map<string, ClientEnd>();

  constructor(private readonly makeEnd: MakeEnd) {}

  get(name: string): ClientEnd {
    let end = this.ends.get(name);
    if (!end) {
      end = this.makeEnd(name);
      this.ends.set(name, end);
    }
    return end;
  }
}

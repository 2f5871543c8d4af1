// The sharded service's constants, the shard of a key, and the commands a shard group puts in its
// rsm's log. The RPC shapes are the contract's (harness/contracts/shardkv1.ts).
import type {
  DeleteShardArgs,
  FreezeShardArgs,
  GetArgs,
  InstallShardArgs,
  PutArgs,
} from '../../harness/contracts/shardkv1';

export type * from '../../harness/contracts/shardkv1';

/** The number of shards (the contract's NSHARDS; a copy, as an implementation keeps one). */
export const NSHARDS = 12;
/** The group that owns every shard in the first configuration. */
export const GID1 = 1;

/** The 32-bit FNV-1a hash of the key's UTF-8 bytes, mod NSHARDS (the course's Key2Shard). */
export function key2shard(key: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(key)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % NSHARDS;
}

/** A command in a group's log; gets go through the log too, so that they read a committed state. */
export type Command =
  | ({ op: 'get' } & GetArgs)
  | ({ op: 'put' } & PutArgs)
  | ({ op: 'freeze' } & FreezeShardArgs)
  | ({ op: 'install' } & InstallShardArgs)
  | ({ op: 'delete' } & DeleteShardArgs);

/** Virtual milliseconds a clerk waits after every server of a group was tried once without an answer. */
export const ROUND_WAIT_MS = 100;

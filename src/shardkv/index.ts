// The reference sharded key/value service (lab 4B): what the harness loads as the "shardkv" layer.
import type { ClientEnd, PersisterApi, Runtime } from '../../harness/api';
import type { MakeEnd, ShardKVClerk, ShardKVModule } from '../../harness/contracts/shardkv';
import { makeRaft } from '../raft';
import { makeClerk as makeCtrlerClerk } from '../shardctrler';
import { ClerkImpl } from './clerk';
import { ShardKVImpl } from './server';

export { ClerkImpl, RETRY_MS } from './clerk';
export { ShardKVImpl, type ShardKVOptions } from './server';
export { Migration, POLL_MS, TICK_MS } from './migration';
export { GroupState, Shard, type GroupImage, type ShardStatus } from './state';
export * from './common';

export type MakeShardKV = ShardKVModule['makeShardKV'];

/** makeShardKV for a subclass of the reference server (how the buggy variants in impls/ are built). */
export function makeShardKVWith(ServerClass: typeof ShardKVImpl): MakeShardKV {
  return (
    servers: ClientEnd[],
    me: number,
    persister: PersisterApi,
    maxraftstate: number,
    gid: number,
    ctrlers: ClientEnd[],
    makeEnd: MakeEnd,
    runtime: Runtime,
  ) =>
    new ServerClass({
      servers,
      me,
      persister,
      maxraftstate,
      gid,
      ctrler: makeCtrlerClerk(ctrlers, runtime),
      makeEnd,
      runtime,
      makeRaft,
    });
}

// A declaration, not makeShardKVWith(ShardKVImpl): a module's top level only declares (grader/module-state.ts).
export function makeShardKV(...args: Parameters<MakeShardKV>): ReturnType<MakeShardKV> {
  return makeShardKVWith(ShardKVImpl)(...args);
}

export function makeClerk(ctrlers: ClientEnd[], makeEnd: MakeEnd, runtime: Runtime): ShardKVClerk {
  return new ClerkImpl(makeCtrlerClerk(ctrlers, runtime), makeEnd, runtime);
}

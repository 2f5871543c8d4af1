// The sharded service's clerk (lab 4B): it asks the shard controller which group owns a key's
// shard, sends the request to that group's servers, and on ErrWrongGroup (or silence) asks the
// controller again. Each call retries until the operation has taken effect exactly once; it never
// fails. The determinism rules in raft/raft.ts apply here too.
import type { ClientEnd, Runtime } from 'dslab/harness/api';
import type { Clerk as CtrlerClerk } from 'dslab/harness/contracts/shardctrler';
import type { MakeEnd, ShardKVClerk } from 'dslab/harness/contracts/shardkv';
import { makeClerk as makeCtrlerClerk } from '../shardctrler';
import type { GetArgs, GetReply, PutAppendArgs, PutAppendReply, WriteKind } from './common';

export class ShardClerk implements ShardKVClerk {
  /** The controller's clerk: ctrler.query(-1) is the latest configuration. */
  readonly ctrler: CtrlerClerk;

  // Your data here (4B): e.g. the latest configuration, an id for duplicate detection.

  /** `makeEnd(name)` reaches the server a configuration lists under that name. */
  constructor(
    ctrlers: ClientEnd[],
    readonly makeEnd: MakeEnd,
    readonly runtime: Runtime,
  ) {
    this.ctrler = makeCtrlerClerk(ctrlers, runtime);
    // Your code here (4B).
  }

  /** The current value for `key`, or "" if it has none. */
  async get(key: string): Promise<string> {
    // Your code here (4B): callGet() on the owning group's servers, key2shard(key) tells the shard.
    throw new Error('shardkv/client.ts: get() is not implemented yet (part 4B)');
  }

  async put(key: string, value: string): Promise<void> {
    return this.putAppend(key, value, 'Put');
  }

  async append(key: string, arg: string): Promise<void> {
    return this.putAppend(key, arg, 'Append');
  }

  /** Removes the key: a later get() returns "". */
  async delete(key: string): Promise<void> {
    return this.putAppend(key, '', 'Delete');
  }

  /** One Get RPC to the server named `server`: the reply, or null if lost. */
  callGet(server: string, args: GetArgs): Promise<GetReply | null> {
    return this.makeEnd(server).call<GetReply>('ShardKV.Get', args);
  }

  /** One PutAppend RPC to the server named `server`: the reply, or null if lost. */
  callPutAppend(server: string, args: PutAppendArgs): Promise<PutAppendReply | null> {
    return this.makeEnd(server).call<PutAppendReply>('ShardKV.PutAppend', args);
  }

  /** Shared by put, append and delete. */
  async putAppend(key: string, value: string, op: WriteKind): Promise<void> {
    // Your code here (4B).
    throw new Error(
      `shardkv/client.ts: putAppend() is not implemented yet (part 4B; called by ${op.toLowerCase()}())`,
    );
  }
}

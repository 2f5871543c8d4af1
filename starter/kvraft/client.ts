// The clerk (lab 3A): what the tests call. Each call retries until the operation has taken effect
// exactly once; it never fails. The determinism rules in raft/raft.ts apply here too.
import type { ClientEnd, Runtime } from 'dslab/harness/api';
import type { Clerk } from 'dslab/harness/contracts/kvraft';
import type { GetArgs, GetReply, PutAppendArgs, PutAppendReply, WriteKind } from './common';

export class KVClerk implements Clerk {
  // Your data here (3A): e.g. which server led last time, an id for duplicate detection.

  /**
   * `servers` reach the replicas in a shuffled order (servers[i] need not be replica i).
   */
  constructor(
    readonly servers: ClientEnd[],
    readonly runtime: Runtime,
  ) {
    // Your code here (3A).
  }

  /** The current value for `key`, or "" if it has none. Keeps trying until it gets an answer. */
  async get(key: string): Promise<string> {
    // Your code here (3A): callGet() until a server that leads answers.
    throw new Error('kvraft/client.ts: get() is not implemented yet (part 3A)');
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

  /** One Get RPC to servers[i]: the reply, or null if the request or the reply was lost. */
  callGet(i: number, args: GetArgs): Promise<GetReply | null> {
    return this.servers[i].call<GetReply>('KVServer.Get', args);
  }

  /** One PutAppend RPC to servers[i]: the reply, or null if lost. */
  callPutAppend(i: number, args: PutAppendArgs): Promise<PutAppendReply | null> {
    return this.servers[i].call<PutAppendReply>('KVServer.PutAppend', args);
  }

  /** Shared by put, append and delete. Keeps trying until the write has taken effect once. */
  async putAppend(key: string, value: string, op: WriteKind): Promise<void> {
    // Your code here (3A): callPutAppend() until a server that leads answers.
    throw new Error(
      `kvraft/client.ts: putAppend() is not implemented yet (part 3A; called by ${op.toLowerCase()}())`,
    );
  }
}

// The controller's clerk (lab 4A): what the tests and the sharded key/value service call. Each call
// retries until the operation has taken effect exactly once; it never fails. The determinism rules
// in raft/raft.ts apply here too.
import type { ClientEnd, Runtime } from 'dslab/harness/api';
import type { Clerk } from 'dslab/harness/contracts/shardctrler';
import type {
  Config,
  Groups,
  JoinArgs,
  LeaveArgs,
  MoveArgs,
  QueryArgs,
  QueryReply,
  Reply,
} from './common';

export class CtrlerClerk implements Clerk {
  // Your data here (4A): e.g. which server led last time, an id for duplicate detection.

  /** `servers` reach the replicas in a shuffled order (servers[i] need not be replica i). */
  constructor(
    readonly servers: ClientEnd[],
    readonly runtime: Runtime,
  ) {
    // Your code here (4A).
  }

  /** Configuration `num`; -1 (or past the latest): the latest. */
  async query(num: number): Promise<Config> {
    // Your code here (4A): call('ShardCtrler.Query', ...) until a server that leads answers.
    throw new Error('shardctrler/client.ts: query() is not implemented yet (part 4A)');
  }

  async join(servers: Groups): Promise<void> {
    // Your code here (4A).
    throw new Error('shardctrler/client.ts: join() is not implemented yet (part 4A)');
  }

  async leave(gids: number[]): Promise<void> {
    // Your code here (4A).
    throw new Error('shardctrler/client.ts: leave() is not implemented yet (part 4A)');
  }

  async move(shard: number, gid: number): Promise<void> {
    // Your code here (4A).
    throw new Error('shardctrler/client.ts: move() is not implemented yet (part 4A)');
  }

  /** One RPC to servers[i]: the reply, or null if the request or the reply was lost. */
  call(
    i: number,
    method: 'Join' | 'Leave' | 'Move',
    args: JoinArgs | LeaveArgs | MoveArgs,
  ): Promise<Reply | null>;
  call(i: number, method: 'Query', args: QueryArgs): Promise<QueryReply | null>;
  call(i: number, method: string, args: unknown): Promise<Reply | null> {
    return this.servers[i].call<Reply>(`ShardCtrler.${method}`, args);
  }
}

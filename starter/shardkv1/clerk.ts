// The clerk of the sharded service (lab 5A): lab 2's versioned get and put. Find the key's group in
// the configuration (sck.query(), key2shard), call its servers (makeEnd(name) reaches one; try the
// next when one does not answer or says ErrWrongLeader), and ask the controller again when the
// group answers ErrWrongGroup. A put with an earlier attempt that got no definite answer returns
// ErrMaybe for a later ErrVersion, as in lab 2.
import type { Runtime } from 'dslab/harness/api';
import type {
  Clerk,
  Err,
  GetResult,
  MakeEnd,
  ShardCtrler,
  Version,
} from 'dslab/harness/contracts/shardkv1';

export class ShardKVClerk implements Clerk {
  // Your data here (5A).

  constructor(
    readonly sck: ShardCtrler,
    readonly makeEnd: MakeEnd,
    readonly runtime: Runtime,
  ) {}

  async get(key: string): Promise<GetResult> {
    // Your code here (5A).
    throw new Error('shardkv1/clerk.ts: get() is not implemented yet (part 5A)');
  }

  async put(key: string, value: string, version: Version): Promise<Err> {
    // Your code here (5A).
    throw new Error('shardkv1/clerk.ts: put() is not implemented yet (part 5A)');
  }
}

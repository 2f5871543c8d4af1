// The clerk of the replicated key/value service (lab 4B of the 2026 edition). Keep trying replicas
// (remember the one that last answered) until one answers for the majority: a lost call resolves
// to null, a replica that cannot answer says ErrWrongLeader. As in lab 2, a put refused with
// ErrVersion after an attempt that got no definite answer returns ErrMaybe.
import type { ClientEnd, Runtime } from 'dslab/harness/api';
import type { Clerk, Err, GetResult, Version } from 'dslab/harness/contracts/kvraft1';

export class KVRaftClerk implements Clerk {
  // Your data here (4B).

  constructor(
    readonly servers: ClientEnd[],
    readonly runtime: Runtime,
  ) {}

  async get(key: string): Promise<GetResult> {
    // Your code here (4B).
    throw new Error('kvraft1/client.ts: get() is not implemented yet (part 4B)');
  }

  async put(key: string, value: string, version: Version): Promise<Err> {
    // Your code here (4B).
    throw new Error('kvraft1/client.ts: put() is not implemented yet (part 4B)');
  }
}

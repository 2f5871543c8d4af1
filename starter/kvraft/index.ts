// The key/value layer as the harness loads it: makeKVServer() and makeClerk() from
// harness/contracts/kvraft.ts.
import type { ClientEnd, PersisterApi, Runtime } from 'dslab/harness/api';
import type { Clerk, KVServer } from 'dslab/harness/contracts/kvraft';
import { KVClerk } from './client';
import { KVReplica } from './server';

export function makeKVServer(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  runtime: Runtime,
): KVServer {
  return new KVReplica(servers, me, persister, maxraftstate, runtime);
}

export function makeClerk(servers: ClientEnd[], runtime: Runtime): Clerk {
  return new KVClerk(servers, runtime);
}

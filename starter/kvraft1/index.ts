// The key/value service layer as the harness loads it: makeKVServer() and makeClerk() from
// harness/contracts/kvraft1.ts. It builds on your rsm through its index ('../rsm'), so that a
// grade with --reference rsm can put the reference rsm in its place.
import type { ClientEnd, PersisterApi, Runtime } from 'dslab/harness/api';
import type { Clerk, KVServer } from 'dslab/harness/contracts/kvraft1';
import { makeRSM } from '../rsm';
import { KVRaftClerk } from './client';
import { KVRaftServer } from './server';

export function makeKVServer(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  runtime: Runtime,
): KVServer {
  return new KVRaftServer(servers, me, persister, maxraftstate, runtime, makeRSM);
}

export function makeClerk(servers: ClientEnd[], runtime: Runtime): Clerk {
  return new KVRaftClerk(servers, runtime);
}

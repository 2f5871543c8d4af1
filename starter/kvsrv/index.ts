// The key/value server layer as the harness loads it: makeKVServer() and makeClerk() from
// harness/contracts/kvsrv.ts.
import type { ClientEnd, Runtime } from 'dslab/harness/api';
import type { Clerk, KVServer } from 'dslab/harness/contracts/kvsrv';
import { KVClerk } from './client';
import { KVSrv } from './server';

export function makeKVServer(runtime: Runtime): KVServer {
  return new KVSrv(runtime);
}

export function makeClerk(server: ClientEnd, runtime: Runtime): Clerk {
  return new KVClerk(server, runtime);
}

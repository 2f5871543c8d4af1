// The reference key/value service on the rsm layer (the 2026 edition's lab 4B/4C): what the harness
// loads as the "kvraft1" layer. It builds on the rsm layer through its index ('../rsm').
import type { ClientEnd, PersisterApi, Runtime } from '../../harness/api';
import type { Clerk, KVServer } from '../../harness/contracts/kvraft1';
import { makeRSM } from '../rsm';
import { ClerkImpl } from './client';
import { KVServerImpl } from './server';

export { ClerkImpl, ROUND_WAIT_MS } from './client';
export { KVServerImpl, type Entry } from './server';
export * from './common';

export function makeKVServer(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  runtime: Runtime,
): KVServer {
  return new KVServerImpl(servers, me, persister, maxraftstate, runtime, makeRSM);
}

export function makeClerk(servers: ClientEnd[], runtime: Runtime): Clerk {
  return new ClerkImpl(servers, runtime);
}

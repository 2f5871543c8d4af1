// The reference key/value server with versioned puts (the 2026 edition's lab 2): what the harness
// loads as the "kvsrv" layer.
import type { ClientEnd, Runtime } from '../../harness/api';
import type { Clerk, KVServer } from '../../harness/contracts/kvsrv';
import { ClerkImpl } from './clerk';
import { KVServerImpl } from './server';

export { ClerkImpl, RETRY_MS } from './clerk';
export { KVServerImpl, type Entry } from './server';
export * from './common';

export function makeKVServer(runtime: Runtime): KVServer {
  return new KVServerImpl(runtime);
}

export function makeClerk(server: ClientEnd, runtime: Runtime): Clerk {
  return new ClerkImpl(server, runtime);
}

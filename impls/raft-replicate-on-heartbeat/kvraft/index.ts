// The reference key/value service on this variant's Raft, so that lab 3 grades it too.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { KVServerImpl } from '../../../src/kvraft';
import { makeRaft } from '../raft';

export { makeClerk } from '../../../src/kvraft';

export function makeKVServer(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  runtime: Runtime,
) {
  return new KVServerImpl(servers, me, persister, maxraftstate, runtime, makeRaft);
}

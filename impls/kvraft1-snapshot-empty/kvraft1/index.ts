// Buggy variant: the store's snapshot leaves the store out (an empty map), so a replica restored
// from a snapshot, at restart or through InstallSnapshot, has lost every key it covered.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { KVServerImpl } from '../../../src/kvraft1';
import { makeRSM } from '../rsm';

class SnapshotEmpty extends KVServerImpl {
  override snapshot(): Uint8Array {
    return this.runtime.codec.encode([]);
  }
}

export { makeClerk } from '../../../src/kvraft1';

export function makeKVServer(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  runtime: Runtime,
) {
  return new SnapshotEmpty(servers, me, persister, maxraftstate, runtime, makeRSM);
}

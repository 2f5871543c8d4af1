// Buggy variant: snapshots hold the key/value map but not the duplicate table, so a replica that
// restarts from a snapshot, or installs one, applies a retried write a second time.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { KVServerImpl } from '../../../src/kvraft';
import { makeRaft } from '../raft';

export { makeClerk } from '../../../src/kvraft';

class DedupNotInSnapshot extends KVServerImpl {
  protected override encodeImage(index: number): Uint8Array {
    return this.runtime.codec.encode(this.store.image(index, false));
  }
}

export function makeKVServer(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  runtime: Runtime,
) {
  return new DedupNotInSnapshot(servers, me, persister, maxraftstate, runtime, makeRaft);
}

// Buggy variant: the service builds its snapshot when Raft's state passes maxraftstate but never
// hands it to Raft, so the log is never trimmed and the persisted Raft state grows without bound.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { KVServerImpl } from '../../../src/kvraft';
import { makeRaft } from '../raft';

export { makeClerk } from '../../../src/kvraft';

class SnapshotNotTrimmed extends KVServerImpl {
  /** Built, then kept to itself. */
  latestImage: Uint8Array | undefined;

  protected override takeSnapshot(index: number): void {
    this.latestImage = this.encodeImage(index);
  }
}

export function makeKVServer(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  runtime: Runtime,
) {
  return new SnapshotNotTrimmed(servers, me, persister, maxraftstate, runtime, makeRaft);
}

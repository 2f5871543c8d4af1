// Buggy variant: no duplicate detection. A write whose reply was lost is applied again when the
// clerk retries it.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { KVServerImpl } from '../../../src/kvraft';
import { makeRaft } from '../raft';

export { makeClerk } from '../../../src/kvraft';

class NoDedup extends KVServerImpl {
  protected override isDuplicate(): boolean {
    return false;
  }
}

export function makeKVServer(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  runtime: Runtime,
) {
  return new NoDedup(servers, me, persister, maxraftstate, runtime, makeRaft);
}

// Buggy variant: no duplicate detection. A join, leave or move whose reply was lost is applied
// again when the clerk retries it, making a configuration nobody asked for.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { ConfigHistory, ShardCtrlerImpl } from '../../../src/shardctrler';
import { makeRaft } from '../raft';

export { makeClerk } from '../../../src/shardctrler';

class NoDedupHistory extends ConfigHistory {
  override isDuplicate(): boolean {
    return false;
  }
}

export function makeShardCtrler(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  runtime: Runtime,
) {
  return new ShardCtrlerImpl(servers, me, persister, runtime, makeRaft, () => new NoDedupHistory());
}

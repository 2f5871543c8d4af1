// Buggy variant: only -1 means the latest configuration; a query for a number past the latest
// indexes past the end of the history and answers nothing (in Go, an index out of range). The
// course's tests ask only for -1 and for numbers that exist.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { ConfigHistory, ShardCtrlerImpl, type Config } from '../../../src/shardctrler';
import { makeRaft } from '../raft';

export { makeClerk } from '../../../src/shardctrler';

class OnlyMinusOneIsLatestHistory extends ConfigHistory {
  override query(num: number): Config {
    return num === -1 ? this.latest : this.configs[num];
  }
}

export function makeShardCtrler(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  runtime: Runtime,
) {
  return new ShardCtrlerImpl(
    servers,
    me,
    persister,
    runtime,
    makeRaft,
    () => new OnlyMinusOneIsLatestHistory(),
  );
}

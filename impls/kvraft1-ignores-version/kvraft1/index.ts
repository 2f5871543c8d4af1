// Buggy variant: the store installs every put whatever its version (the version still grows by
// one), as a plain put would; racing clients overwrite each other's values.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { KVServerImpl } from '../../../src/kvraft1';
import { makeRSM } from '../rsm';
import type { PutArgs, PutReply } from '../../../src/kvraft1';

class IgnoresVersion extends KVServerImpl {
  protected override applyPut(args: PutArgs): PutReply {
    const current = this.store.get(args.key)?.version ?? 0;
    return super.applyPut({ ...args, version: current });
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
  return new IgnoresVersion(servers, me, persister, maxraftstate, runtime, makeRSM);
}

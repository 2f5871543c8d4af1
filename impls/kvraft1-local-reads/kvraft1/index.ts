// Buggy variant: a replica answers a Get from its own store, without going through the rsm's log,
// so a replica cut off from the majority (or behind it) answers with a stale value, and a get in a
// minority completes.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { KVServerImpl } from '../../../src/kvraft1';
import { makeRSM } from '../rsm';
import type { GetArgs, GetReply } from '../../../src/kvraft1';

class LocalReads extends KVServerImpl {
  override get(args: GetArgs): Promise<GetReply> {
    return Promise.resolve(this.applyGet(args));
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
  return new LocalReads(servers, me, persister, maxraftstate, runtime, makeRSM);
}

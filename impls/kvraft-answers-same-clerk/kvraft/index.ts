// Buggy variant: a handler waiting at the log index its leader gave its command takes the command
// applied there as its own when it comes from the same clerk, without comparing sequence numbers.
// A clerk whose put another leader committed at that index, and whose next request then waits
// there on a cut-off leader, gets the put's outcome: a read answered "" although the put completed.
// Caught by TestOwnEarlierRequest3A only (labs/ours/kv-past.ts).
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { KVServerImpl, type RequestId } from '../../../src/kvraft';
import { makeRaft } from '../raft';

export { makeClerk } from '../../../src/kvraft';

class AnswersSameClerk extends KVServerImpl {
  protected override isOwnCommand(waiting: RequestId, applied: RequestId): boolean {
    return waiting.clientId === applied.clientId;
  }
}

export function makeKVServer(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  runtime: Runtime,
) {
  return new AnswersSameClerk(servers, me, persister, maxraftstate, runtime, makeRaft);
}

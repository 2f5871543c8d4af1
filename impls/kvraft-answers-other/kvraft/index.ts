// Buggy variant: a handler waiting at the log index its leader gave its command answers with the
// outcome of whatever command is applied there, without checking it is its own. When a cut-off
// leader's entries are overwritten by another leader's, its waiting clients get the results of
// other clients' commands: an append that never happened is answered OK.
// Caught by TestOwnResult3A only (labs/ours/kv-past.ts), whose replies from the past keep a cut-off leader leading.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { KVServerImpl } from '../../../src/kvraft';
import { makeRaft } from '../raft';

export { makeClerk } from '../../../src/kvraft';

class AnswersOther extends KVServerImpl {
  protected override isOwnCommand(): boolean {
    return true;
  }
}

export function makeKVServer(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  runtime: Runtime,
) {
  return new AnswersOther(servers, me, persister, maxraftstate, runtime, makeRaft);
}

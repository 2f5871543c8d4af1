// Buggy variant: a submission is known by its server and a per-incarnation counter only, and the
// applier answers whichever submission has the applied entry's number, wherever it waits; after a
// restart the counter starts again at 1, and the replayed log's old entries answer new submissions.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import type { StateMachine } from '../../../harness/contracts/rsm';
import { makeRaft } from '../raft';
import { ReplicatedStateMachine, WRONG_LEADER, type Op } from '../../../src/rsm';

class MatchesSeq extends ReplicatedStateMachine {
  protected override answer(index: number, op: Op, value: unknown): void {
    for (const [i, w] of this.waiting) {
      if (w.op.me !== op.me || w.op.seq !== op.seq) continue;
      this.waiting.delete(i);
      w.resolve({ err: 'OK', value });
      return;
    }
    const w = this.waiting.get(index);
    if (!w) return;
    this.waiting.delete(index);
    w.resolve(WRONG_LEADER);
  }
}

export function makeRSM(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  sm: StateMachine,
  runtime: Runtime,
) {
  return new MatchesSeq(servers, me, persister, maxraftstate, sm, runtime, makeRaft);
}

// Control variant, not a bug: the reference without its liveness extensions (pre-vote,
// check-quorum) and without paced replication (it sends AppendEntries at once on every start(),
// however many are in flight): Figure 2 of the paper as printed, the way most lab solutions are
// written. It passes the suites; several buggy variants build on it, because the reference's
// refinements also hide their bugs (see impls/README.md).
import { Raft, makeRaftWith } from '../../../src/raft';

export class TextbookRaft extends Raft {
  protected override preVoteEnabled(): boolean {
    return false;
  }

  protected override checkQuorumEnabled(): boolean {
    return false;
  }

  protected override replicationPaced(): boolean {
    return false;
  }
}

export const makeRaft = makeRaftWith(TextbookRaft);

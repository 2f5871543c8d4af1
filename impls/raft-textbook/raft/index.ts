// Control variant, not a bug: the reference without its two liveness extensions (pre-vote and
// check-quorum), i.e. Figure 2 of the paper as printed, the way most lab solutions are written.
// It passes the suites; several buggy variants build on it, because the extensions also hide
// their bugs (see impls/README.md).
import { Raft, makeRaftWith } from '../../../src/raft';

export class TextbookRaft extends Raft {
  protected override preVoteEnabled(): boolean {
    return false;
  }

  protected override checkQuorumEnabled(): boolean {
    return false;
  }
}

export const makeRaft = makeRaftWith(TextbookRaft);

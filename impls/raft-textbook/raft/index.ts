// Control variant, not a bug: the reference without its liveness extensions (pre-vote and
// check-quorum), saving each new entry in start() rather than once per batch before it is sent:
// Figure 2 of the paper as printed, the way most lab solutions are written. It passes the suites;
// several buggy variants build on it, because the reference's refinements also hide their bugs
// (see impls/README.md).
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';

export class TextbookRaft extends Raft {
  protected override preVoteEnabled(): boolean {
    return false;
  }

  protected override checkQuorumEnabled(): boolean {
    return false;
  }

  protected override saveOnStart(): boolean {
    return true;
  }
}

// A function, not makeRaftWith(TextbookRaft) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(TextbookRaft)(...args);

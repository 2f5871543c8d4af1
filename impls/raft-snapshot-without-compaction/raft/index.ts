// Buggy variant: a follower sent a snapshot whose last entry it holds, with the same term, hands
// the snapshot to its service and saves it, but leaves its log as it was instead of making the
// snapshot its start (Figure 13 step 6 keeps the entries after it, not those before). What it saves
// then pairs a snapshot through one index with a log that starts before it: restarted, it applies
// entries its service already has from the snapshot. Without the reference's own checks, as a
// learner's code: the tester must catch it. (The reference's private steps are reached by a cast.)
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { Applier } from '../../../src/raft/applier';
import type { InstallSnapshotArgs, InstallSnapshotReply } from '../../../src/raft/messages';
import { withoutInvariants } from '../../lent-runtime';

interface Private {
  acceptLeader(term: number, leaderId: number): void;
  setCommitIndex(index: number): void;
  applier: Applier;
}

class SnapshotWithoutCompaction extends Raft {
  override installSnapshot(args: InstallSnapshotArgs): InstallSnapshotReply {
    const L = args.lastIncludedIndex;
    const keeps =
      args.term >= this.currentTerm &&
      L > this.commitIndex &&
      L > this.log.lastIncludedIndex &&
      L <= this.log.lastIndex &&
      this.log.term(L) === args.lastIncludedTerm;
    if (!keeps) return super.installSnapshot(args);
    const self = this as unknown as Private;
    self.acceptLeader(args.term, args.leaderId);
    this.snapshotData = args.data; // the bug: no this.log.compact(L)
    this.persist();
    self.applier.offerSnapshot({ data: args.data, term: args.lastIncludedTerm, index: L });
    self.setCommitIndex(L);
    return { term: this.currentTerm };
  }
}

// A function, not makeRaftWith(...) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (peers, me, persister, applySink, runtime) =>
  makeRaftWith(SnapshotWithoutCompaction)(
    peers,
    me,
    persister,
    applySink,
    withoutInvariants(runtime),
  );

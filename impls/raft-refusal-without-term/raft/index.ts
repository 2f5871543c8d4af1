// Buggy variant: a server refusing a RequestVote or an InstallSnapshot of an older term answers
// without its own term (Figure 2 and Figure 13: both replies carry currentTerm, "for the caller to
// update itself"). The caller, still waiting on a request the network delivered late, then takes
// the missing term for a newer one and adopts it, and its term is no number from there on. Without
// the reference's own checks, as a learner's code: the tester must catch it.
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import type {
  InstallSnapshotArgs,
  InstallSnapshotReply,
  RequestVoteArgs,
  RequestVoteReply,
} from '../../../src/raft/messages';
import { withoutInvariants } from '../../lent-runtime';

class RefusalWithoutTerm extends Raft {
  override requestVote(args: RequestVoteArgs): RequestVoteReply {
    const reply = super.requestVote(args);
    // Only a request of an older term is answered with a higher term than it carried.
    return args.term < reply.term ? ({ voteGranted: false } as RequestVoteReply) : reply;
  }

  override installSnapshot(args: InstallSnapshotArgs): InstallSnapshotReply {
    const reply = super.installSnapshot(args);
    return args.term < reply.term ? ({} as InstallSnapshotReply) : reply;
  }
}

// A function, not makeRaftWith(...) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (peers, me, persister, applySink, runtime) =>
  makeRaftWith(RefusalWithoutTerm)(peers, me, persister, applySink, withoutInvariants(runtime));

// Buggy variant: a follower hands the entries an AppendEntries commits to the service itself, right
// in the handler, while its applier delivers them too: each entry reaches the service twice, and
// not always in order (monotonic apply).
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import type { ApplySink } from '../../../harness/contracts/raft';
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { AppendEntriesArgs, AppendEntriesReply } from '../../../src/raft/messages';

class ApplyTwice extends Raft {
  private readonly sink: ApplySink;

  constructor(
    peers: ClientEnd[],
    me: number,
    persister: PersisterApi,
    applySink: ApplySink,
    rt: Runtime,
  ) {
    super(peers, me, persister, applySink, rt);
    this.sink = applySink;
  }

  override appendEntries(args: AppendEntriesArgs): AppendEntriesReply {
    const before = Math.max(this.commitIndex, this.log.lastIncludedIndex);
    const reply = super.appendEntries(args);
    for (let i = before + 1; i <= this.commitIndex; i++)
      void this.sink({ commandValid: true, command: this.log.command(i), commandIndex: i });
    return reply;
  }
}

// A function, not makeRaftWith(ApplyTwice) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(ApplyTwice)(...args);

// Buggy variant: a follower installs an InstallSnapshot of its leader's term even when the snapshot
// is older than what its service has already applied, as a learner's handler does with no "already
// have it" check: it cuts its log at the snapshot (Figure 13: keeps the entries after it when its
// entry there matches, else drops them all), sets commitIndex (and, in a learner's code,
// lastApplied) back to the snapshot's index and hands the snapshot to the service, which goes back.
// The reference drops such a snapshot twice over (its handler ignores one at or below commitIndex,
// its applier one at or below lastApplied): this variant passes neither filter. It bypasses the
// applier by handing the snapshot to the service itself, as a handler sending on applyCh does, and
// sets commitIndex directly, as a learner's code would (the reference's own checks would stop
// setCommitIndex going back). A snapshot between what was applied and commitIndex is left to the
// reference, which ignores it (installing it would be harmless, and the reference's applier, still
// short of it, would find its next entry compacted). Only a snapshot held back in the network until
// the follower has moved past it reaches the handler at such a moment.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import type { ApplyMsg, ApplySink } from '../../../harness/contracts/raft';
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { InstallSnapshotArgs, InstallSnapshotReply } from '../../../src/raft/messages';

/** The highest index the reference's applier has handed to the service, snapshots included. */
interface Handed {
  through: number;
}

export class InstallsOldSnapshot extends Raft {
  private readonly sink: ApplySink;
  private readonly handed: Handed;

  constructor(
    peers: ClientEnd[],
    me: number,
    persister: PersisterApi,
    applySink: ApplySink,
    rt: Runtime,
  ) {
    const handed: Handed = { through: 0 };
    const watched: ApplySink = (msg: ApplyMsg) => {
      const index = msg.snapshotValid === true ? msg.snapshotIndex : msg.commandIndex;
      if (typeof index === 'number' && index > handed.through) handed.through = index;
      return applySink(msg);
    };
    super(peers, me, persister, watched, rt);
    this.sink = applySink;
    this.handed = handed;
    handed.through = Math.max(handed.through, this.log.lastIncludedIndex); // restored, not re-applied
  }

  override installSnapshot(args: InstallSnapshotArgs): InstallSnapshotReply {
    const L = args.lastIncludedIndex;
    const behind = !this.killed && args.term >= this.currentTerm && L <= this.handed.through;
    const reply = super.installSnapshot(args); // for such a snapshot: only the term and leader rules
    if (behind) this.installBehind(args);
    return reply;
  }

  /** Installs a snapshot no newer than what the service has applied, as if it were news. */
  protected installBehind(args: InstallSnapshotArgs): void {
    const L = args.lastIncludedIndex;
    if (this.log.hasTerm(L) && this.log.term(L) === args.lastIncludedTerm) this.log.compact(L);
    else this.log.reset(L, args.lastIncludedTerm);
    this.snapshotData = args.data;
    this.persist();
    this.commitIndex = L;
    void this.sink(
      this.snapshotMessage({ data: args.data, term: args.lastIncludedTerm, index: L }),
    );
  }
}

// A function, not makeRaftWith(InstallsOldSnapshot) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(InstallsOldSnapshot)(...args);

// Buggy variant: a follower that accepts an InstallSnapshot while its service is still taking an
// earlier snapshot loses the newer one, as a learner's applier does when it clears its single
// "pending snapshot" field after delivering, whatever arrived meanwhile. Raft has compacted its
// log to the newer snapshot, so the service is left behind entries that no longer exist. Built by
// clearing the reference applier's pending snapshot (a private field, reached through a cast) when
// the newer one arrives during a delivery: the effect of that bug, in one place.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import type { ApplyMsg, ApplySink } from '../../../harness/contracts/raft';
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { InstallSnapshotArgs, InstallSnapshotReply } from '../../../src/raft/messages';
import { withoutInvariants } from '../../lent-runtime';

/** Whether the service is taking a snapshot right now. */
interface Delivery {
  snapshot: boolean;
}

export class LosesPendingSnapshot extends Raft {
  private readonly delivery: Delivery;

  constructor(
    peers: ClientEnd[],
    me: number,
    persister: PersisterApi,
    applySink: ApplySink,
    rt: Runtime,
  ) {
    const delivery: Delivery = { snapshot: false };
    const watched: ApplySink = async (msg: ApplyMsg) => {
      if (msg.snapshotValid !== true) return applySink(msg);
      delivery.snapshot = true;
      try {
        await applySink(msg);
      } finally {
        delivery.snapshot = false;
      }
    };
    super(peers, me, persister, watched, rt);
    this.delivery = delivery;
  }

  override installSnapshot(args: InstallSnapshotArgs): InstallSnapshotReply {
    const during = this.delivery.snapshot;
    const reply = super.installSnapshot(args);
    if (during) (this as unknown as { applier: { pending: unknown } }).applier.pending = undefined;
    return reply;
  }
}

// Without the reference's own checks, as a learner's code: the tester must catch it. A function,
// not makeRaftWith(...) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (peers, me, persister, applySink, runtime) =>
  makeRaftWith(LosesPendingSnapshot)(peers, me, persister, applySink, withoutInvariants(runtime));

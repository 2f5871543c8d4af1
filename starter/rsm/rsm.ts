// A replicated state machine layer on Raft (lab 4 of the 2026 edition; parts 4A and 4C). A server
// (the key/value service of 4B; in the 4A tests, a counter of the tester's) gives it a state
// machine and submits commands. submit() starts the command in Raft's log and resolves once the
// entry has been applied here, with what sm.doOp returned for that very submission; the applier
// (the ApplySink you give Raft) executes every committed command on sm in log order, on every
// replica. A submission must fail over with ErrWrongLeader as soon as it can no longer be applied
// (another entry took its index, a new term began) and when the layer is killed; a leader cut off
// from the majority cannot know that before it hears of a later term (TestLeaderPartition4A).
// 4C: snapshot sm when Raft's persisted state reaches maxraftstate, restore it at start-up and
// when Raft installs a snapshot. The determinism rules of the README apply.
import type { ClientEnd, PersisterApi, Runtime } from 'dslab/harness/api';
import type { ApplyMsg, RaftModule, RaftPeer } from 'dslab/harness/contracts/raft';
import type { RSM, StateMachine, SubmitResult } from 'dslab/harness/contracts/rsm';

/** What goes in the log: the command and what tells this submission from every other. */
export interface Op {
  // Your definitions here (4A): e.g. who submitted it, a number unique to this submission.
  req: unknown;
}

export class ReplicatedStateMachine implements RSM {
  readonly raft: RaftPeer;
  // Your data here (4A): the submissions waiting, by log index; the last index applied.

  constructor(
    servers: ClientEnd[],
    readonly me: number,
    readonly persister: PersisterApi,
    readonly maxraftstate: number,
    readonly sm: StateMachine,
    readonly runtime: Runtime,
    makeRaft: RaftModule['makeRaft'],
  ) {
    // Your code here (4C): restore sm from persister.readSnapshot(), if it is not empty.
    this.raft = makeRaft(servers, me, persister, (msg) => this.apply(msg), runtime);
  }

  /** Runs `req` through the log: OK with doOp's result once applied, or ErrWrongLeader. */
  submit(req: unknown): Promise<SubmitResult> {
    // Your code here (4A).
    throw new Error('rsm/rsm.ts: submit() is not implemented yet (part 4A)');
  }

  /** Raft's ApplySink: one committed command (or a snapshot to install) at a time, in order. */
  private apply(msg: ApplyMsg): Promise<void> {
    // Your code here (4A; snapshots 4C).
    throw new Error('rsm/rsm.ts: apply() is not implemented yet (part 4A)');
  }

  /** Stops Raft; every submission still waiting resolves ErrWrongLeader. */
  kill(): void {
    this.raft.kill();
    // Your code here (4A).
  }
}

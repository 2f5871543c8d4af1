// The replicated state machine layer (lab 4A of the 2026 edition): every submitted command is a
// Raft log entry; the applier executes each entry on the state machine in log order and hands the
// result to the submission waiting at that index, if the entry there is its own. A submission
// fails over (ErrWrongLeader) when another entry took its index, when the term it was started in
// has passed, or when the layer is killed. It does not give up merely because this replica has
// stopped leading in the same term: a leader cut off from a majority (our Raft steps down then,
// check-quorum) cannot know whether its entries will commit until it hears of a later term, and
// the course's TestLeaderPartition4A expects its submissions to wait until the partition heals.
import type { ClientEnd, PersisterApi, Runtime, Timer } from '../../harness/api';
import type { ApplyMsg, RaftModule, RaftPeer } from '../../harness/contracts/raft';
import type { RSM, StateMachine, SubmitResult } from '../../harness/contracts/rsm';

/** How often waiting submissions compare their term with Raft's. */
export const TERM_WATCH_MS = 50;

/** A log entry: the command, and who submitted it (a submission is known by all three). */
export interface Op {
  me: number;
  /** Drawn at start-up: tells this incarnation's submissions from an earlier one's. */
  incarnation: number;
  seq: number;
  req: unknown;
}

/** What the layer puts in Raft's snapshot: the state machine's and the index it covers. */
interface Image {
  index: number;
  state: Uint8Array;
}

export interface Waiter {
  readonly op: Op;
  readonly term: number;
  /** When it was submitted (virtual ms). */
  readonly since: number;
  resolve(result: SubmitResult): void;
}

export const WRONG_LEADER: SubmitResult = Object.freeze({ err: 'ErrWrongLeader' });

export class ReplicatedStateMachine implements RSM {
  readonly raft: RaftPeer;
  protected readonly waiting = new Map<number, Waiter>();
  protected lastApplied = 0;
  protected dead = false;
  protected readonly incarnation: number;
  private seq = 0;
  private watch: Timer | undefined;

  constructor(
    servers: ClientEnd[],
    protected readonly me: number,
    protected readonly persister: PersisterApi,
    protected readonly maxraftstate: number,
    protected readonly sm: StateMachine,
    protected readonly runtime: Runtime,
    makeRaft: RaftModule['makeRaft'],
  ) {
    this.incarnation = runtime.randomInt(2 ** 31);
    this.restoreFrom(persister.readSnapshot());
    this.raft = makeRaft(servers, me, persister, (msg) => this.onApply(msg), runtime);
  }

  submit(req: unknown): Promise<SubmitResult> {
    if (this.dead) return Promise.resolve(WRONG_LEADER);
    const op: Op = { me: this.me, incarnation: this.incarnation, seq: ++this.seq, req };
    const { index, term, isLeader } = this.raft.start(op);
    if (!isLeader) return Promise.resolve(WRONG_LEADER);
    return new Promise((resolve) => {
      // A new entry at an index someone waits on: the old entry there was overwritten.
      this.waiting.get(index)?.resolve(WRONG_LEADER);
      this.waiting.set(index, { op, term, since: this.runtime.now(), resolve });
      this.watchTerm();
    });
  }

  kill(): void {
    this.dead = true;
    this.watch?.cancel();
    this.raft.kill();
    this.failWaitersThrough(Infinity);
  }

  protected onApply(msg: ApplyMsg): Promise<void> {
    if (this.dead) return Promise.resolve();
    if (msg.snapshotValid) {
      if (msg.snapshotIndex > this.lastApplied) {
        this.restoreFrom(msg.snapshot);
        this.failWaitersThrough(this.lastApplied);
      }
      return Promise.resolve();
    }
    if (msg.commandIndex <= this.lastApplied) return Promise.resolve();
    this.lastApplied = msg.commandIndex;
    const op = msg.command as Op;
    const value = this.sm.doOp(op.req);
    this.answer(msg.commandIndex, op, value);
    this.maybeSnapshot();
    return Promise.resolve();
  }

  /** The entry at `index` was `op`, with result `value`: the submission waiting there learns it. */
  protected answer(index: number, op: Op, value: unknown): void {
    const w = this.waiting.get(index);
    if (!w) return;
    this.waiting.delete(index);
    w.resolve(this.isOwn(w.op, op) ? { err: 'OK', value } : WRONG_LEADER);
  }

  /** Whether the entry applied where `waiting` was started is that very submission. */
  protected isOwn(waiting: Op, applied: Op): boolean {
    return sameOp(waiting, applied);
  }

  /** Whether a submission may still be applied, Raft being in `term` now: its term has not passed. */
  protected stillWaiting(w: Waiter, term: number): boolean {
    return w.term === term;
  }

  protected maybeSnapshot(): void {
    if (this.maxraftstate <= 0 || this.persister.raftStateSize() < this.maxraftstate) return;
    const image: Image = { index: this.lastApplied, state: this.sm.snapshot() };
    this.raft.snapshot(this.lastApplied, this.runtime.codec.encode(image));
  }

  protected restoreFrom(data: Uint8Array): void {
    if (data.length === 0) return;
    const image = this.runtime.codec.decode<Image>(data);
    this.sm.restore(image.state);
    this.lastApplied = image.index;
  }

  protected failWaitersThrough(index: number): void {
    for (const [i, w] of this.waiting) {
      if (i > index) continue;
      this.waiting.delete(i);
      w.resolve(WRONG_LEADER);
    }
  }

  /** While submissions wait, those of a term that has passed fail over. */
  private watchTerm(): void {
    if (this.watch?.pending || this.dead) return;
    this.watch = this.runtime.setTimer(
      TERM_WATCH_MS,
      () => {
        const { term } = this.raft.getState();
        for (const [i, w] of this.waiting) {
          if (this.stillWaiting(w, term)) continue;
          this.waiting.delete(i);
          w.resolve(WRONG_LEADER);
        }
        if (this.waiting.size > 0) this.watchTerm();
      },
      'rsm term watch',
    );
  }
}

export function sameOp(a: Op, b: Op): boolean {
  return a.me === b.me && a.incarnation === b.incarnation && a.seq === b.seq;
}

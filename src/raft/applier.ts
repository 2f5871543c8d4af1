// Delivery to the service: committed commands and installed snapshots, one at a time and in index
// order, each awaited (the consumer may call back into Raft, e.g. snapshot(), before it resolves).
// After every await the world may have changed (more commits, a snapshot installed, the peer
// killed), so the loop re-reads everything each time round.
import type { Runtime, Signal } from '../../harness/api';
import type { ApplyMsg, ApplySink } from '../../harness/contracts/raft';
import type { RaftLog } from './log';

/** A snapshot from the leader, waiting to be handed to the service. */
export interface SnapshotToDeliver {
  data: Uint8Array;
  term: number;
  index: number;
}

/** What the applier reads from its peer. */
export interface ApplySource {
  readonly log: RaftLog;
  commitIndex(): number;
  /** Builds the message that hands a snapshot to the service. */
  snapshotMessage(s: SnapshotToDeliver): ApplyMsg;
}

export class Applier {
  /** Figure 2's lastApplied: the highest index delivered to (and processed by) the service. */
  private lastApplied: number;
  private loggedThrough: number;
  private pending: SnapshotToDeliver | undefined;
  private stopped = false;
  private readonly wake: Signal;

  constructor(
    private readonly rt: Runtime,
    private readonly name: string,
    private readonly sink: ApplySink,
    private readonly source: ApplySource,
    lastApplied: number,
  ) {
    this.lastApplied = lastApplied;
    this.loggedThrough = lastApplied;
    this.wake = rt.signal(`${name} applier: commits or a snapshot to deliver`);
  }

  /** Commit index moved: wake the loop. */
  notify(): void {
    this.wake.notifyAll();
  }

  /** A newer snapshot than anything delivered: it goes out before any further command. */
  offerSnapshot(s: SnapshotToDeliver): void {
    this.pending = s;
    this.wake.notifyAll();
  }

  // Stryker disable all: the harness halts a killed server's tasks; stopping is for other hosts
  stop(): void {
    this.stopped = true;
    this.wake.notifyAll();
  }
  // Stryker restore all

  async run(): Promise<void> {
    while (!this.stopped) {
      const snap = this.pending;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: only snapshots past commitIndex are offered
      if (snap && snap.index > this.lastApplied) {
        this.rt.log('apply', `delivering snapshot through ${snap.index} (term ${snap.term})`);
        await this.sink(this.source.snapshotMessage(snap));
        // Stryker disable next-line ConditionalExpression: as stop() above
        if (this.stopped) return;
        this.lastApplied = Math.max(this.lastApplied, snap.index);
        this.loggedThrough = this.lastApplied;
        // A newer snapshot offered while the service took this one stays pending.
        if (this.pending === snap) this.pending = undefined;
        continue;
      }
      this.pending = undefined; // not newer than what the service has: nothing to deliver
      const log = this.source.log;
      if (this.lastApplied < Math.min(this.source.commitIndex(), log.lastIndex)) {
        const index = this.lastApplied + 1;
        this.rt.invariant(
          index > log.lastIncludedIndex,
          () =>
            `raft ${this.name}: entry ${index} was compacted before it was applied, and no snapshot is pending`,
        );
        await this.sink({ commandValid: true, command: log.command(index), commandIndex: index });
        // Stryker disable next-line ConditionalExpression: as stop() above
        if (this.stopped) return;
        this.rt.invariant(
          this.lastApplied === index - 1,
          () => `raft ${this.name}: applied ${index} after ${this.lastApplied}`,
        );
        this.lastApplied = index;
        continue;
      }
      // Stryker disable next-line all: bookkeeping for trace text only
      if (this.lastApplied > this.loggedThrough) {
        this.rt.log('apply', `applied ${this.loggedThrough + 1}..${this.lastApplied}`);
        this.loggedThrough = this.lastApplied;
      }
      await this.wake.wait();
    }
  }
}

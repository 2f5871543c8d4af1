// A leader's view of its followers for one leadership (one term): nextIndex and matchIndex from
// Figure 2, plus what it takes to pace the RPCs — the calls still outstanding per peer, the last
// reply from each (to notice a lost majority), when a snapshot was last sent, and heartbeat timers.
// A new leadership gets a fresh object, so replies to an older one are recognised by identity.
import type { Timer } from '../../harness/api';
import { HEARTBEAT_MS } from './rules';

export class LeaderState {
  readonly nextIndex: number[];
  readonly matchIndex: number[];
  /** Per peer: outstanding call id -> virtual time it was sent. */
  private readonly outstanding: Map<number, number>[];
  private readonly lastReplyAt: number[];
  /** When an InstallSnapshot last went to each peer (-Infinity: none outstanding). */
  readonly snapshotSentAt: number[];
  readonly heartbeats: (Timer | undefined)[];
  quorumTimer: Timer | undefined;
  private calls = 0;

  constructor(
    readonly term: number,
    private readonly me: number,
    n: number,
    lastIndex: number,
    now: number,
  ) {
    // Stryker disable next-line ArithmeticOperator: a lower first guess only resends entries
    this.nextIndex = new Array<number>(n).fill(lastIndex + 1);
    this.matchIndex = new Array<number>(n).fill(0);
    this.matchIndex[me] = lastIndex;
    this.outstanding = Array.from({ length: n }, () => new Map<number, number>());
    this.lastReplyAt = new Array<number>(n).fill(now);
    // Stryker disable next-line all: pacing only: how soon and how often RPCs go, within the lab's bounds
    this.snapshotSentAt = new Array<number>(n).fill(-Infinity);
    // Stryker disable next-line ArrayDeclaration: an empty array reads as one of undefined
    this.heartbeats = new Array<Timer | undefined>(n).fill(undefined);
  }

  // Stryker disable next-line BlockStatement: pacing only: how soon and how often RPCs go, within the lab's bounds
  beginCall(p: number, now: number): number {
    // Stryker disable next-line UpdateOperator: ids need only differ
    const id = ++this.calls;
    this.outstanding[p].set(id, now);
    return id;
  }

  endCall(p: number, id: number, now: number, replied: boolean): void {
    this.outstanding[p].delete(id);
    // Stryker disable next-line ConditionalExpression: check-quorum (Raft thesis 6.2) goes beyond Figure 2: without it a cut-off leader leads on, as the paper's does
    if (replied) this.lastReplyAt[p] = now;
  }

  /**
   * Whether a recent call to p may still be answered, so new entries can wait for its reply. Calls
   * older than a heartbeat are presumed lost (a disabled link fails only after up to 7 s).
   */
  // Stryker disable all: pacing only: how soon and how often RPCs go, within the lab's bounds
  busy(p: number, now: number): boolean {
    for (const sentAt of this.outstanding[p].values()) if (now - sentAt < HEARTBEAT_MS) return true;
    return false;
    // Stryker restore all
  }

  /** Whether a majority (counting ourselves) has answered within the last `windowMs`. */
  hasQuorumContact(now: number, windowMs: number): boolean {
    let alive = 0;
    // Stryker disable next-line EqualityOperator: one more step reads undefined, which counts for nothing
    for (let p = 0; p < this.lastReplyAt.length; p++)
      // Stryker disable next-line ConditionalExpression,EqualityOperator: check-quorum (Raft thesis 6.2) goes beyond Figure 2: without it a cut-off leader leads on, as the paper's does
      if (p === this.me || now - this.lastReplyAt[p] < windowMs) alive++;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: check-quorum (Raft thesis 6.2) goes beyond Figure 2: without it a cut-off leader leads on, as the paper's does (and clusters are odd)
    return alive * 2 > this.lastReplyAt.length;
  }

  // Stryker disable all: a leadership's timers check that it is still current when they fire
  stop(): void {
    for (const t of this.heartbeats) t?.cancel();
    this.quorumTimer?.cancel();
    // Stryker restore all
  }
}

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
    this.nextIndex = new Array<number>(n).fill(lastIndex + 1);
    this.matchIndex = new Array<number>(n).fill(0);
    this.matchIndex[me] = lastIndex;
    this.outstanding = Array.from({ length: n }, () => new Map<number, number>());
    this.lastReplyAt = new Array<number>(n).fill(now);
    this.snapshotSentAt = new Array<number>(n).fill(-Infinity);
    this.heartbeats = new Array<Timer | undefined>(n).fill(undefined);
  }

  beginCall(p: number, now: number): number {
    const id = ++this.calls;
    this.outstanding[p].set(id, now);
    return id;
  }

  endCall(p: number, id: number, now: number, replied: boolean): void {
    this.outstanding[p].delete(id);
    if (replied) this.lastReplyAt[p] = now;
  }

  /**
   * Whether a recent call to p may still be answered, so new entries can wait for its reply. Calls
   * older than a heartbeat are presumed lost (a disabled link fails only after up to 7 s).
   */
  busy(p: number, now: number): boolean {
    for (const sentAt of this.outstanding[p].values()) if (now - sentAt < HEARTBEAT_MS) return true;
    return false;
  }

  /** Whether a majority (counting ourselves) has answered within the last `windowMs`. */
  hasQuorumContact(now: number, windowMs: number): boolean {
    let alive = 0;
    for (let p = 0; p < this.lastReplyAt.length; p++)
      if (p === this.me || now - this.lastReplyAt[p] < windowMs) alive++;
    return alive * 2 > this.lastReplyAt.length;
  }

  stop(): void {
    for (const t of this.heartbeats) t?.cancel();
    this.quorumTimer?.cancel();
  }
}

// Requests waiting for their command's outcome, for any service that replicates client requests
// through Raft (the key/value service, the shard controller): a handler starts its command, then
// waits until the applier reaches the command's index and reports whether the entry there is its
// own. A watchdog fails waiters whose leader was deposed or whose entry is overdue, so a client
// stuck on a minority leader moves on.
import type { Runtime, Timer } from '../../harness/api';
import type { RaftPeer } from '../../harness/contracts/raft';

/** A handler gives up on an entry that has not been applied after this long (a minority leader). */
export const APPLY_TIMEOUT_MS = 500;
/** While requests wait, leadership is re-checked this often, so a deposed leader answers quickly. */
export const WATCH_INTERVAL_MS = 50;

/** Who sent a request: a clerk's id and its per-clerk sequence number. */
export interface RequestId {
  clientId: number;
  seq: number;
}

/** Whether two requests are the same clerk's same request. */
export function sameRequest(a: RequestId, b: RequestId): boolean {
  return a.clientId === b.clientId && a.seq === b.seq;
}

interface Waiter<R> {
  readonly id: RequestId;
  readonly term: number;
  readonly deadline: number;
  resolve(outcome: R): void;
}

export class PendingRequests<R> {
  /** Handlers waiting for the entry at a log index. */
  private readonly waiters = new Map<number, Waiter<R>>();
  private watchdog: Timer | undefined;
  private stopped = false;

  /**
   * `wrongLeader` is the outcome of every request that cannot be known to have been applied;
   * `isOwn` tells whether the command applied at a waiter's index is the waiter's own.
   */
  constructor(
    private readonly runtime: Runtime,
    private readonly raft: () => RaftPeer,
    private readonly wrongLeader: R,
    private readonly watchdogLabel: string,
    private readonly isOwn: (waiting: RequestId, applied: RequestId) => boolean = sameRequest,
  ) {}

  /** Appends `command` (sent as `id`) to the log and resolves to its outcome. */
  submit(command: unknown, id: RequestId): Promise<R> {
    if (this.stopped) return Promise.resolve(this.wrongLeader);
    const { index, term, isLeader } = this.raft().start(command);
    if (!isLeader) return Promise.resolve(this.wrongLeader);
    return new Promise((resolve) => {
      // A new entry at an index we wait on means our old entry there was overwritten.
      this.waiters.get(index)?.resolve(this.wrongLeader);
      this.waiters.set(index, {
        id,
        term,
        deadline: this.runtime.now() + APPLY_TIMEOUT_MS,
        resolve,
      });
      this.armWatchdog();
    });
  }

  /** The entry at `index`, sent as `id`, was applied with `outcome`: its handler (if it is the one waiting there) gets it. */
  applied(index: number, id: RequestId, outcome: R): void {
    const w = this.waiters.get(index);
    if (!w) return;
    this.waiters.delete(index);
    w.resolve(this.isOwn(w.id, id) ? outcome : this.wrongLeader);
  }

  /** A snapshot replaced the entries through `index`: whether they were ours is unknown, so their clerks retry. */
  abandonThrough(index: number): void {
    for (const [i, w] of this.waiters) {
      if (i <= index) {
        this.waiters.delete(i);
        w.resolve(this.wrongLeader);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.watchdog?.cancel();
    this.watchdog = undefined;
  }

  /** Fails waiters whose leader was deposed or whose entry is overdue; re-arms while any wait. */
  private armWatchdog(): void {
    if (this.watchdog?.pending || this.stopped) return;
    this.watchdog = this.runtime.setTimer(
      WATCH_INTERVAL_MS,
      () => {
        this.watchdog = undefined;
        if (this.stopped) return;
        const { term, isLeader } = this.raft().getState();
        const now = this.runtime.now();
        for (const [index, w] of this.waiters) {
          if (!isLeader || term !== w.term || now >= w.deadline) {
            this.waiters.delete(index);
            w.resolve(this.wrongLeader);
          }
        }
        if (this.waiters.size > 0) this.armWatchdog();
      },
      this.watchdogLabel,
    );
  }
}

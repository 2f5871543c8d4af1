// One replica of the shard controller. Every request, queries included, is a command in the Raft
// log; a handler submits it, then waits until the applier reaches the command's index and reports
// whether the entry there is its own (a query for a configuration the replica already holds is
// answered at once: numbered configurations never change). Writes carry (clientId, seq) so a retried write already in
// the log is applied once. The log is never trimmed: a restart replays it from the beginning.
import type { ClientEnd, Handler, PersisterApi, Runtime, Timer } from '../../harness/api';
import type { ApplyMsg, RaftModule, RaftPeer } from '../../harness/contracts/raft';
import type { ShardCtrler } from '../../harness/contracts/shardctrler';
import { ErrWrongLeader, invalidOp, OK, type Config, type JoinArgs, type LeaveArgs, type MoveArgs, type Op, type QueryArgs, type QueryReply, type Reply } from './common';
import { ConfigHistory } from './configs';

/** A handler gives up on an entry that has not been applied after this long (a minority leader). */
export const APPLY_TIMEOUT_MS = 500;
/** While requests wait, leadership is re-checked this often, so a deposed leader answers quickly. */
export const WATCH_INTERVAL_MS = 50;

interface Outcome {
  err: Reply['err'];
  config: Config | null;
}

interface Waiter {
  readonly op: Op;
  readonly term: number;
  readonly deadline: number;
  resolve(outcome: Outcome): void;
}

const WRONG_LEADER: Outcome = { err: ErrWrongLeader, config: null };

export class ShardCtrlerImpl implements ShardCtrler {
  readonly raft: RaftPeer;
  readonly handlers: Readonly<Record<string, Handler>>;
  protected readonly history: ConfigHistory;
  protected lastApplied = 0;
  protected dead = false;
  /** Handlers waiting for the entry at a log index. */
  private readonly waiters = new Map<number, Waiter>();
  private watchdog: Timer | undefined;

  constructor(servers: ClientEnd[], readonly me: number, persister: PersisterApi, protected readonly runtime: Runtime, makeRaft: RaftModule['makeRaft']) {
    this.history = this.makeHistory();
    this.raft = makeRaft(servers, me, persister, (msg) => this.onApply(msg), runtime);
    this.handlers = {
      Join: (args: JoinArgs) => this.write({ kind: 'Join', ...args }),
      Leave: (args: LeaveArgs) => this.write({ kind: 'Leave', ...args }),
      Move: (args: MoveArgs) => this.write({ kind: 'Move', ...args }),
      Query: (args: QueryArgs) => this.query(args),
    };
  }

  /** The state machine; variants override it. */
  protected makeHistory(): ConfigHistory {
    return new ConfigHistory();
  }

  kill(): void {
    this.dead = true;
    this.raft.kill();
    this.watchdog?.cancel();
    this.watchdog = undefined;
  }

  protected async write(op: Op): Promise<Reply> {
    const problem = invalidOp(op);
    if (problem) throw new Error(`ShardCtrler.${op.kind}: ${problem}`);
    // Already applied: answering from any replica is safe, the write is in the committed log.
    if (this.history.isDuplicate(op.clientId, op.seq)) return { err: OK };
    const { err } = await this.submit(op);
    return { err };
  }

  protected async query(args: QueryArgs): Promise<QueryReply> {
    const op: Op = { kind: 'Query', ...args };
    const problem = invalidOp(op);
    if (problem) throw new Error(`ShardCtrler.Query: ${problem}`);
    // A numbered configuration never changes: a replica that holds it may answer at once. Only
    // "the latest" needs the log (this replica's latest may be stale).
    if (args.num >= 0 && args.num <= this.history.latest.num) return { err: OK, config: this.history.query(args.num) };
    return this.submit(op);
  }

  /** Appends `op` to the log and waits for its outcome. */
  protected submit(op: Op): Promise<Outcome> {
    if (this.dead) return Promise.resolve(WRONG_LEADER);
    const { index, term, isLeader } = this.raft.start(op);
    if (!isLeader) return Promise.resolve(WRONG_LEADER);
    return new Promise((resolve) => {
      // A new entry at an index we wait on means our old entry there was overwritten.
      this.waiters.get(index)?.resolve(WRONG_LEADER);
      this.waiters.set(index, { op, term, deadline: this.runtime.now() + APPLY_TIMEOUT_MS, resolve });
      this.armWatchdog();
    });
  }

  /** Raft's apply sink: messages arrive in log order, one at a time. */
  private async onApply(msg: ApplyMsg): Promise<void> {
    if (this.dead || !msg.commandValid) return;
    const index = msg.commandIndex;
    if (index !== this.lastApplied + 1) {
      throw new Error(`ShardCtrler ${this.me}: Raft applied index ${index} after ${this.lastApplied}: entries must arrive in order without gaps`);
    }
    const op = msg.command as Op;
    const config = this.history.apply(op) ?? null;
    this.lastApplied = index;
    if (op.kind !== 'Query') this.runtime.log('config', `applied ${op.kind} from ${op.clientId}#${op.seq}: latest is ${this.history.latest.num}`);
    const w = this.waiters.get(index);
    if (w) {
      this.waiters.delete(index);
      w.resolve(w.op.clientId === op.clientId && w.op.seq === op.seq ? { err: OK, config } : WRONG_LEADER);
    }
  }

  /** Fails waiters whose leader was deposed or whose entry is overdue; re-arms while any wait. */
  private armWatchdog(): void {
    if (this.watchdog?.pending || this.dead) return;
    this.watchdog = this.runtime.setTimer(
      WATCH_INTERVAL_MS,
      () => {
        this.watchdog = undefined;
        if (this.dead) return;
        const { term, isLeader } = this.raft.getState();
        const now = this.runtime.now();
        for (const [index, w] of this.waiters) {
          if (!isLeader || term !== w.term || now >= w.deadline) {
            this.waiters.delete(index);
            w.resolve(WRONG_LEADER);
          }
        }
        if (this.waiters.size > 0) this.armWatchdog();
      },
      'ctrler request watchdog',
    );
  }
}

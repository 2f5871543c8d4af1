// One replica of the shard controller. Every request, queries included, is a command in the Raft
// log; a handler submits it and waits for its outcome (../kvraft/pending.ts; a query for a configuration the replica already holds is
// answered at once: numbered configurations never change). Writes carry (clientId, seq) so a retried write already in
// the log is applied once. The log is never trimmed: a restart replays it from the beginning.
import type { ClientEnd, Handler, PersisterApi, Runtime } from '../../harness/api';
import type { ApplyMsg, RaftModule, RaftPeer } from '../../harness/contracts/raft';
import type { ShardCtrler } from '../../harness/contracts/shardctrler';
import {
  ErrWrongLeader,
  invalidOp,
  OK,
  type Config,
  type JoinArgs,
  type LeaveArgs,
  type MoveArgs,
  type Op,
  type QueryArgs,
  type QueryReply,
  type Reply,
} from './common';
import { PendingRequests } from '../kvraft/pending';
import { ConfigHistory } from './configs';

interface Outcome {
  err: Reply['err'];
  config: Config | null;
}

const WRONG_LEADER: Outcome = Object.freeze({ err: ErrWrongLeader, config: null });

export class ShardCtrlerImpl implements ShardCtrler {
  readonly raft: RaftPeer;
  readonly handlers: Readonly<Record<string, Handler>>;
  protected readonly history: ConfigHistory;
  protected lastApplied = 0;
  protected dead = false;
  private readonly pending: PendingRequests<Outcome>;

  /** `makeHistory` builds the state machine (buggy variants pass their own). */
  constructor(
    servers: ClientEnd[],
    readonly me: number,
    persister: PersisterApi,
    protected readonly runtime: Runtime,
    makeRaft: RaftModule['makeRaft'],
    makeHistory: () => ConfigHistory = () => new ConfigHistory(),
  ) {
    this.history = makeHistory();
    this.pending = new PendingRequests(
      runtime,
      () => this.raft,
      WRONG_LEADER,
      // Stryker disable next-line StringLiteral: a name shown in deadlock reports
      'ctrler request watchdog',
    );
    this.raft = makeRaft(servers, me, persister, (msg) => this.onApply(msg), runtime);
    this.handlers = {
      Join: (args: JoinArgs) => this.write({ kind: 'Join', ...args }),
      Leave: (args: LeaveArgs) => this.write({ kind: 'Leave', ...args }),
      Move: (args: MoveArgs) => this.write({ kind: 'Move', ...args }),
      Query: (args: QueryArgs) => this.query(args),
    };
  }

  // Stryker disable BlockStatement,BooleanLiteral: the harness powers a killed server off (its timers, waits and Raft with it)
  kill(): void {
    this.dead = true;
    this.raft.kill();
    this.pending.stop();
  }
  // Stryker restore BlockStatement,BooleanLiteral

  protected async write(op: Op): Promise<Reply> {
    const problem = invalidOp(op);
    // Stryker disable next-line all: malformed requests are outside the labs' contract and no test sends one: the reference's own defence
    if (problem) throw new Error(`ShardCtrler.${op.kind}: ${problem}`);
    // Already applied: answering from any replica is safe, the write is in the committed log.
    if (this.history.isDuplicate(op.clientId, op.seq)) return { err: OK };
    const { err } = await this.submit(op);
    // Stryker disable next-line ObjectLiteral: an empty reply makes the clerk retry, and the shortcut above answers the retry
    return { err };
  }

  protected async query(args: QueryArgs): Promise<QueryReply> {
    const op: Op = { kind: 'Query', ...args };
    const problem = invalidOp(op);
    // Stryker disable next-line all: malformed requests are outside the labs' contract and no test sends one: the reference's own defence
    if (problem) throw new Error(`ShardCtrler.Query: ${problem}`);
    // A numbered configuration never changes: a replica that holds it may answer at once. Only
    // "the latest" needs the log (this replica's latest may be stale).
    if (args.num >= 0 && args.num <= this.history.latest.num)
      return { err: OK, config: this.history.query(args.num) };
    return this.submit(op);
  }

  /** Appends `op` to the log and waits for its outcome. */
  protected submit(op: Op): Promise<Outcome> {
    return this.dead ? Promise.resolve(WRONG_LEADER) : this.pending.submit(op, op);
  }

  /** Raft's apply sink: messages arrive in log order, one at a time. */
  private async onApply(msg: ApplyMsg): Promise<void> {
    if (this.dead || !msg.commandValid) return;
    const index = msg.commandIndex;
    this.runtime.invariant(
      index === this.lastApplied + 1,
      () =>
        `ShardCtrler ${this.me}: Raft applied index ${index} after ${this.lastApplied}: entries must arrive in order without gaps`,
    );
    const op = msg.command as Op;
    const config = this.history.apply(op) ?? null;
    this.lastApplied = index;
    // Stryker disable all: trace output only
    if (op.kind !== 'Query')
      this.runtime.log(
        'config',
        `applied ${op.kind} from ${op.clientId}#${op.seq}: latest is ${this.history.latest.num}`,
      );
    // Stryker restore all
    this.pending.applied(index, op, { err: OK, config });
  }
}

// One replica of the shard controller (lab 4A): like the key/value service, every request goes
// through the Raft log, and each replica applies them in log order to its list of numbered
// configurations. Join and leave rebalance: shards as evenly as possible over the groups, moving
// as few as possible, and the same way on every replica (deterministic: no randomness, no
// history-dependent iteration order). The determinism rules in raft/raft.ts apply here too.
//
// The rule the tests check (labs/lab4/shardctrler-check.ts): with G groups, each group's target is
// floor(NShards / G) shards or one more, and the larger targets go to the groups that held the
// most shards before (ties: the lower gid, say, the same on every replica). Only shards whose group
// left and each group's shards beyond its target move, to groups below their target: any other
// balanced assignment moves more shards than the fewest possible, which TestUnreliableChurn4A
// (ours) fails as "moved N shards ...; M would do". Move places one shard and does not rebalance.
import type { ClientEnd, Handler, PersisterApi, Runtime } from 'dslab/harness/api';
import type { ApplyMsg, RaftPeer, StartResult } from 'dslab/harness/contracts/raft';
import type { ShardCtrler } from 'dslab/harness/contracts/shardctrler';
import { makeRaft } from '../raft';
import {
  NShards,
  type Config,
  type JoinArgs,
  type LeaveArgs,
  type MoveArgs,
  type Op,
  type QueryArgs,
  type QueryReply,
  type Reply,
} from './common';

export class CtrlerReplica implements ShardCtrler {
  readonly raft: RaftPeer;
  dead = false;
  /** Indexed by config number; configs[0] is the initial one: no groups, every shard unassigned (gid 0). */
  configs: Config[] = [{ num: 0, shards: new Array<number>(NShards).fill(0), groups: {} }];

  // Your data here (4A).

  /** Registered by the harness as service "ShardCtrler". */
  readonly handlers: Readonly<Record<string, Handler>> = {
    Join: (args: JoinArgs) => this.join(args),
    Leave: (args: LeaveArgs) => this.leave(args),
    Move: (args: MoveArgs) => this.move(args),
    Query: (args: QueryArgs) => this.query(args),
  };

  constructor(
    readonly servers: ClientEnd[],
    readonly me: number,
    readonly persister: PersisterApi,
    readonly runtime: Runtime,
  ) {
    this.raft = makeRaft(servers, me, persister, (msg) => this.apply(msg), runtime);
    // Your code here (4A).
  }

  async join(args: JoinArgs): Promise<Reply> {
    // Your code here (4A).
    throw new Error('shardctrler/server.ts: join() is not implemented yet (part 4A)');
  }

  async leave(args: LeaveArgs): Promise<Reply> {
    // Your code here (4A).
    throw new Error('shardctrler/server.ts: leave() is not implemented yet (part 4A)');
  }

  async move(args: MoveArgs): Promise<Reply> {
    // Your code here (4A).
    throw new Error('shardctrler/server.ts: move() is not implemented yet (part 4A)');
  }

  async query(args: QueryArgs): Promise<QueryReply> {
    // Your code here (4A).
    throw new Error('shardctrler/server.ts: query() is not implemented yet (part 4A)');
  }

  /** Hands an operation to Raft; the handler then waits until apply() sees it at the index returned. */
  submit(op: Op): StartResult {
    return this.raft.start(op);
  }

  /** Raft delivers each committed Op here, in log order: apply it (a new configuration for a join, leave or move). */
  async apply(msg: ApplyMsg): Promise<void> {
    // Your code here (4A).
  }

  kill(): void {
    this.dead = true;
    this.raft.kill();
  }
}

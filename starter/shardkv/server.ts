// One replica of one replica group of the sharded key/value service (lab 4B). Like the key/value
// service of lab 3, but a group serves only the shards the latest configuration gives it: it polls
// the controller for new configurations (about every 100 ms), and when shards change hands, the
// new owner gets them (with the duplicate-detection state) from the old one before serving them.
// Configuration changes and arriving shards go through the group's Raft log too. The determinism
// rules in raft/raft.ts apply here too.
import type { ClientEnd, Handler, PersisterApi, Runtime } from 'dslab/harness/api';
import type { ApplyMsg, RaftPeer, StartResult } from 'dslab/harness/contracts/raft';
import type { Clerk as CtrlerClerk } from 'dslab/harness/contracts/shardctrler';
import type { MakeEnd, ShardKVServer } from 'dslab/harness/contracts/shardkv';
import { makeRaft } from '../raft';
import { makeClerk as makeCtrlerClerk } from '../shardctrler';
import type { GetArgs, GetReply, Op, PutAppendArgs, PutAppendReply } from './common';

export class ShardReplica implements ShardKVServer {
  readonly raft: RaftPeer;
  /** The controller's clerk, for polling: ctrler.query(-1) is the latest configuration. */
  readonly ctrler: CtrlerClerk;
  dead = false;

  // Your data here (4B): e.g. the configuration served, each shard's table and state.

  /** Registered by the harness as service "ShardKV"; add the RPCs groups send each other (4B). */
  readonly handlers: Readonly<Record<string, Handler>> = {
    Get: (args: GetArgs) => this.get(args),
    PutAppend: (args: PutAppendArgs) => this.putAppend(args),
  };

  /**
   * Replica `me` of group `gid`: `servers[j]` reaches replica j of this group (its Raft peers too),
   * `ctrlers` the controller, `makeEnd(name)` any server a configuration names.
   */
  constructor(
    readonly servers: ClientEnd[],
    readonly me: number,
    readonly persister: PersisterApi,
    readonly maxraftstate: number,
    readonly gid: number,
    ctrlers: ClientEnd[],
    readonly makeEnd: MakeEnd,
    readonly runtime: Runtime,
  ) {
    this.raft = makeRaft(servers, me, persister, (msg) => this.apply(msg), runtime);
    this.ctrler = makeCtrlerClerk(ctrlers, runtime);
    // Your code here (4B): e.g. restore from persister.readSnapshot(), start polling the controller.
  }

  /** Get RPC handler: ErrWrongGroup unless this group serves the key's shard now. */
  async get(args: GetArgs): Promise<GetReply> {
    // Your code here (4B).
    throw new Error('shardkv/server.ts: get() is not implemented yet (part 4B)');
  }

  /** PutAppend RPC handler. */
  async putAppend(args: PutAppendArgs): Promise<PutAppendReply> {
    // Your code here (4B).
    throw new Error('shardkv/server.ts: putAppend() is not implemented yet (part 4B)');
  }

  /** Hands an operation to Raft; the handler then waits until apply() sees it at the index returned. */
  submit(op: Op): StartResult {
    return this.raft.start(op);
  }

  /** Raft delivers each committed command (and snapshot) here, in log order. */
  async apply(msg: ApplyMsg): Promise<void> {
    // Your code here (4B).
  }

  kill(): void {
    this.dead = true;
    this.raft.kill();
  }
}

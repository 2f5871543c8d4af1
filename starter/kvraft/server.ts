// One replica of the fault-tolerant key/value service (labs 3A–3B): it submits each client request
// to Raft with start(), applies committed operations in log order to its table, and answers the
// client once its own operation has been applied. The determinism rules in raft/raft.ts apply here
// too.
import type { ClientEnd, Handler, PersisterApi, Runtime } from 'dslab/harness/api';
import type { ApplyMsg, RaftPeer, StartResult } from 'dslab/harness/contracts/raft';
import type { KVServer } from 'dslab/harness/contracts/kvraft';
import { makeRaft } from '../raft';
import type { GetArgs, GetReply, Op, PutAppendArgs, PutAppendReply } from './common';

export class KVReplica implements KVServer {
  readonly raft: RaftPeer;
  dead = false;

  // Your data here (3A, 3B): e.g. the table, and what was applied last for each client.

  /** Registered by the harness as service "KVServer". */
  readonly handlers: Readonly<Record<string, Handler>> = {
    Get: (args: GetArgs) => this.get(args),
    PutAppend: (args: PutAppendArgs) => this.putAppend(args),
  };

  /**
   * `servers[j]` reaches replica j, where both "KVServer" and "Raft" are registered, so they are
   * also this replica's Raft peers. Snapshot (3B) when persister.raftStateSize() nears
   * `maxraftstate` (-1: never).
   */
  constructor(
    readonly servers: ClientEnd[],
    readonly me: number,
    readonly persister: PersisterApi,
    readonly maxraftstate: number,
    readonly runtime: Runtime,
  ) {
    this.raft = makeRaft(servers, me, persister, (msg) => this.apply(msg), runtime);
    // Your code here (3A, 3B): e.g. restore from persister.readSnapshot().
  }

  /** Get RPC handler: submit the read through Raft, answer once it has been applied. */
  async get(args: GetArgs): Promise<GetReply> {
    // Your code here (3A).
    throw new Error('kvraft/server.ts: get() is not implemented yet (part 3A)');
  }

  /** PutAppend RPC handler. */
  async putAppend(args: PutAppendArgs): Promise<PutAppendReply> {
    // Your code here (3A).
    throw new Error('kvraft/server.ts: putAppend() is not implemented yet (part 3A)');
  }

  /**
   * Hands an operation to Raft; the handler then waits until apply() sees it at the index returned.
   * It must not wait forever: if this replica loses leadership (getState() no longer says leader,
   * or apply() brings another command, or another term, at that index), its entry may never be
   * applied, and the handler must answer ErrWrongLeader so that the clerk tries another server.
   * `signal.wait(timeoutMs)` resolves false when nothing notified it within that many virtual
   * milliseconds: wait in rounds and look at getState() between them.
   */
  submit(op: Op): StartResult {
    return this.raft.start(op);
  }

  /**
   * Raft delivers each committed command (and, in 3B, each snapshot) here, in log order, and waits
   * for this promise before the next: apply the Op, wake the handler waiting for it (a handler
   * waiting at this index for another command lost its leadership: wake it to answer
   * ErrWrongLeader), and (3B) snapshot when the Raft state grows too large.
   */
  async apply(msg: ApplyMsg): Promise<void> {
    // Your code here (3A, 3B).
  }

  /** The harness stops this replica for good. */
  kill(): void {
    this.dead = true;
    this.raft.kill();
  }
}

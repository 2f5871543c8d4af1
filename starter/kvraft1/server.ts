// One replica of the key/value service on your rsm layer (lab 4B of the 2026 edition; snapshots
// 4C). The replica is the rsm's state machine: Get and Put handlers submit a command to the rsm
// and answer with what doOp returned when it was applied (ErrWrongLeader if the rsm says so);
// doOp executes a command on lab 2's versioned store, on every replica in log order. 4C:
// snapshot() and restore() the store. The determinism rules of the README apply.
import type { ClientEnd, Handler, PersisterApi, Runtime } from 'dslab/harness/api';
import type { KVServer } from 'dslab/harness/contracts/kvraft1';
import type { RaftPeer } from 'dslab/harness/contracts/raft';
import type { RSM, RSMModule, StateMachine } from 'dslab/harness/contracts/rsm';
import type { GetArgs, GetReply, PutArgs, PutReply } from './common';

export class KVRaftServer implements KVServer, StateMachine {
  readonly rsm: RSM;
  // Your data here (4B).

  /** Registered by the harness as service "KVServer". */
  readonly handlers: Readonly<Record<string, Handler>> = {
    Get: (args: GetArgs) => this.get(args),
    Put: (args: PutArgs) => this.put(args),
  };

  constructor(
    servers: ClientEnd[],
    readonly me: number,
    persister: PersisterApi,
    maxraftstate: number,
    readonly runtime: Runtime,
    makeRSM: RSMModule['makeRSM'],
  ) {
    // Your code here (4B), before the rsm starts: it may restore a snapshot at once.
    this.rsm = makeRSM(servers, me, persister, maxraftstate, this, runtime);
  }

  get raft(): RaftPeer {
    return this.rsm.raft;
  }

  /** Submits a get to the rsm; answers with its result, or ErrWrongLeader. */
  get(args: GetArgs): Promise<GetReply> {
    // Your code here (4B).
    throw new Error('kvraft1/server.ts: get() is not implemented yet (part 4B)');
  }

  /** Submits a put to the rsm; answers with its result, or ErrWrongLeader. */
  put(args: PutArgs): Promise<PutReply> {
    // Your code here (4B).
    throw new Error('kvraft1/server.ts: put() is not implemented yet (part 4B)');
  }

  /** Executes one committed command on the store; returns its reply. */
  doOp(req: unknown): unknown {
    // Your code here (4B).
    throw new Error('kvraft1/server.ts: doOp() is not implemented yet (part 4B)');
  }

  snapshot(): Uint8Array {
    // Your code here (4C).
    throw new Error('kvraft1/server.ts: snapshot() is not implemented yet (part 4C)');
  }

  restore(data: Uint8Array): void {
    // Your code here (4C).
    throw new Error('kvraft1/server.ts: restore() is not implemented yet (part 4C)');
  }

  kill(): void {
    this.rsm.kill();
    // Your code here (4B), if anything else runs in the background.
  }
}

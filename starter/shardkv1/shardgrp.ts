// One replica of a shard group (lab 5A): lab 2's versioned key/value store as the state machine
// of your rsm, split into NSHARDS shards. Group GID1 starts out serving every shard. Get and Put
// answer ErrWrongGroup for a key whose shard this group does not serve (or has frozen).
// FreezeShard, InstallShard and DeleteShard carry the number of the configuration the controller is
// installing: remember, per shard, the highest number seen, and ignore a request with a lower one
// (it comes from a controller that another one superseded; 5C).
import type { ClientEnd, Handler, PersisterApi, Runtime } from 'dslab/harness/api';
import type { RSM, RSMModule, StateMachine } from 'dslab/harness/contracts/rsm';
import type { RaftPeer } from 'dslab/harness/contracts/raft';
import type { ShardGrpServer } from 'dslab/harness/contracts/shardkv1';

export class ShardGrp implements ShardGrpServer, StateMachine {
  readonly rsm: RSM;
  readonly handlers: Readonly<Record<string, Handler>>;
  // Your data here (5A).

  constructor(
    servers: ClientEnd[],
    readonly gid: number,
    readonly me: number,
    persister: PersisterApi,
    maxraftstate: number,
    readonly runtime: Runtime,
    makeRSM: RSMModule['makeRSM'],
  ) {
    const notYet = (name: string) => () => {
      throw new Error(`shardkv1/shardgrp.ts: ${name}() is not implemented yet (part 5A)`);
    };
    // Your code here (5A): handlers that submit each request through the rsm.
    this.handlers = {
      Get: notYet('Get'),
      Put: notYet('Put'),
      FreezeShard: notYet('FreezeShard'),
      InstallShard: notYet('InstallShard'),
      DeleteShard: notYet('DeleteShard'),
    };
    this.rsm = makeRSM(servers, me, persister, maxraftstate, this, runtime);
  }

  get raft(): RaftPeer {
    return this.rsm.raft;
  }

  doOp(req: unknown): unknown {
    // Your code here (5A).
    throw new Error('shardkv1/shardgrp.ts: doOp() is not implemented yet (part 5A)');
  }

  snapshot(): Uint8Array {
    // Your code here (5A).
    throw new Error('shardkv1/shardgrp.ts: snapshot() is not implemented yet (part 5A)');
  }

  restore(data: Uint8Array): void {
    // Your code here (5A).
    throw new Error('shardkv1/shardgrp.ts: restore() is not implemented yet (part 5A)');
  }

  kill(): void {
    this.rsm.kill();
  }
}

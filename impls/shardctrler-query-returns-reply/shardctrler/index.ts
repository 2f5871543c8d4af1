// Buggy variant: the clerk's query returns the whole RPC reply ({ err, config }) instead of the
// configuration in it, a slip the type checker misses when the reply is typed loosely. The suite
// must say so under `contract`, with what query returned, not fail with a TypeError in its checks.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import type { Config } from '../../../harness/contracts/shardctrler';
import { ClerkImpl, ShardCtrlerImpl } from '../../../src/shardctrler';
import { makeRaft } from '../raft';

class ReplyReturningClerk extends ClerkImpl {
  override async query(num: number): Promise<Config> {
    const reply = await this.send({ kind: 'Query', num, clientId: this.clientId, seq: 0 });
    return reply as unknown as Config;
  }
}

export function makeClerk(servers: ClientEnd[], runtime: Runtime) {
  return new ReplyReturningClerk(servers, runtime);
}

export function makeShardCtrler(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  runtime: Runtime,
) {
  return new ShardCtrlerImpl(servers, me, persister, runtime, makeRaft);
}

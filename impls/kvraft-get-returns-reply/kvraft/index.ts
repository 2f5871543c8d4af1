// Buggy variant: the clerk's get() returns the whole RPC reply ({ err, value }) instead of the value
// in it, a slip the type checker misses when the reply is typed loosely. The suite must say so
// under `contract`, with what get() returned, not judge an object as a wrong string.
import type { ClientEnd, Runtime } from '../../../harness/api';
import { ClerkImpl, type GetArgs } from '../../../src/kvraft';

export { makeKVServer } from '../../../src/kvraft';

class ReplyReturningClerk extends ClerkImpl {
  override async get(key: string): Promise<string> {
    const args: GetArgs = { key, clientId: this.clientId, seq: ++this.seq };
    return (await this.call('KVServer.Get', args)) as unknown as string;
  }
}

export function makeClerk(servers: ClientEnd[], runtime: Runtime) {
  return new ReplyReturningClerk(servers, runtime);
}

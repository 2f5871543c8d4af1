// Buggy variant: the clerk tries each server once and, if none of them could serve the request
// (no leader yet, a lost message, a partition, a crash), returns as if it had succeeded.
import type { ClientEnd, Runtime } from '../../../harness/api';
import { ClerkImpl, ErrNoKey, OK } from '../../../src/kvraft';

export { makeKVServer } from '../../../src/kvraft';

class ClerkGivesUp extends ClerkImpl {
  protected override async call<Reply extends { err: string }>(
    method: string,
    args: unknown,
  ): Promise<Reply> {
    for (let tried = 0; tried < this.servers.length; tried++) {
      const reply = await this.servers[this.leader].call<Reply>(method, args);
      if (reply && (reply.err === OK || reply.err === ErrNoKey)) return reply;
      this.leader = (this.leader + 1) % this.servers.length;
    }
    return { err: OK, value: '' } as unknown as Reply;
  }
}

export function makeClerk(servers: ClientEnd[], runtime: Runtime) {
  return new ClerkGivesUp(servers, runtime);
}

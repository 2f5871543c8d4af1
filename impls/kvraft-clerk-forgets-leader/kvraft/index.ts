// Slow but correct variant: the clerk forgets which server led and starts every request at server
// 0, so most requests first go to a follower (ErrWrongLeader) before reaching the leader. It passes
// every 3A test, with more RPCs and more virtual time than the reference: what the grade table's
// comparison with the reference's figures is for (grader/reference-figures.ts).
import type { ClientEnd, Runtime } from '../../../harness/api';
import { ClerkImpl } from '../../../src/kvraft';

export { makeKVServer } from '../../../src/kvraft';

class ClerkForgetsLeader extends ClerkImpl {
  protected override call<Reply extends { err: string }>(
    method: string,
    args: unknown,
  ): Promise<Reply> {
    this.leader = 0;
    return super.call<Reply>(method, args);
  }
}

export function makeClerk(servers: ClientEnd[], runtime: Runtime) {
  return new ClerkForgetsLeader(servers, runtime);
}

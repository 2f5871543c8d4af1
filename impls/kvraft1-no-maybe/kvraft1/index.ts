// Buggy variant: the clerk passes on a retried put's ErrVersion as it is, as if the put had surely
// not taken effect (an earlier attempt may have: its reply lost, or its leader deposed after it
// started the put in its log).
import type { ClientEnd, Runtime } from '../../../harness/api';
import { ClerkImpl, type Err } from '../../../src/kvraft1';

export { makeKVServer } from '../../../src/kvraft1';

class NoMaybe extends ClerkImpl {
  protected override outcome(err: Err): Err {
    return err;
  }
}

export function makeClerk(servers: ClientEnd[], runtime: Runtime) {
  return new NoMaybe(servers, runtime);
}

// Buggy variant: the clerk passes on a retried put's ErrVersion as it is, as if the put had
// surely not taken effect (its first attempt may have, with only the reply lost).
import type { ClientEnd, Runtime } from '../../../harness/api';
import { ClerkImpl, type Err } from '../../../src/kvsrv';

export { makeKVServer } from '../../../src/kvsrv';

class NoMaybe extends ClerkImpl {
  protected override outcome(err: Err): Err {
    return err;
  }
}

export function makeClerk(server: ClientEnd, runtime: Runtime) {
  return new NoMaybe(server, runtime);
}

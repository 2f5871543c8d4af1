// Buggy variant: release frees the lock whoever holds it. After a release whose put answered
// ErrMaybe but did take effect, the client looks again, finds the lock taken by another client
// meanwhile, and frees it under that client.
import type { Runtime } from '../../../harness/api';
import type { Clerk } from '../../../harness/contracts/kvsrv';
import { LockImpl } from '../../../src/lock';

class ReleasesAny extends LockImpl {
  protected override holds(value: string): boolean {
    return value !== '';
  }
}

export function makeLock(ck: Clerk, name: string, runtime: Runtime) {
  return new ReleasesAny(ck, name, runtime);
}

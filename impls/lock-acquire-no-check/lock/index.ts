// Buggy variant: acquire puts its identity at the version it read without looking at the value:
// a held lock is taken over as if it were free.
import type { Runtime } from '../../../harness/api';
import type { Clerk } from '../../../harness/contracts/kvsrv';
import { LockImpl } from '../../../src/lock';

class TakesOver extends LockImpl {
  protected override isFree(): boolean {
    return true;
  }
}

export function makeLock(ck: Clerk, name: string, runtime: Runtime) {
  return new TakesOver(ck, name, runtime);
}

// Buggy variant: acquire takes a put that answered ErrMaybe as a success. When its first attempt
// was lost and another client took the lock at that version before the retry (refused, hence
// ErrMaybe), both clients hold the lock.
import type { Runtime } from '../../../harness/api';
import type { Clerk } from '../../../harness/contracts/kvsrv';
import { LockImpl } from '../../../src/lock';

class MaybeIsHeld extends LockImpl {
  override async acquire(): Promise<void> {
    for (;;) {
      const { value, version } = await this.ck.get(this.name);
      if (value === this.id) return;
      if (this.isFree(value)) {
        const err = await this.ck.put(this.name, this.id, version);
        if (err === 'OK' || err === 'ErrMaybe') return;
      } else {
        await this.runtime.sleep(10, `lock ${this.name} held`);
      }
    }
  }
}

export function makeLock(ck: Clerk, name: string, runtime: Runtime) {
  return new MaybeIsHeld(ck, name, runtime);
}

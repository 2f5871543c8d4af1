// The reference lock on the key/value clerk (the 2026 edition's lab 2): the "lock" layer.
import type { Runtime } from '../../harness/api';
import type { Clerk } from '../../harness/contracts/kvsrv';
import type { Lock } from '../../harness/contracts/lock';
import { LockImpl } from './lock';

export { LockImpl, POLL_MS } from './lock';

export function makeLock(ck: Clerk, name: string, runtime: Runtime): Lock {
  return new LockImpl(ck, name, runtime);
}

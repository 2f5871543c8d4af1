// The lock layer as the harness loads it: makeLock() from harness/contracts/lock.ts.
import type { Runtime } from 'dslab/harness/api';
import type { Clerk } from 'dslab/harness/contracts/kvsrv';
import type { Lock } from 'dslab/harness/contracts/lock';
import { KVLock } from './lock';

export function makeLock(ck: Clerk, name: string, runtime: Runtime): Lock {
  return new KVLock(ck, name, runtime);
}

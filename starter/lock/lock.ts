// A lock on the key/value clerk (lab 2 of the 2026 edition, part 2LOCK): the lock named `name`
// is kept under that key. Use only the clerk's get and put: a versioned put decides which of two
// racing clients wins. Remember that a put may answer ErrMaybe.
import type { Runtime } from 'dslab/harness/api';
import type { Clerk } from 'dslab/harness/contracts/kvsrv';
import type { Lock } from 'dslab/harness/contracts/lock';

export class KVLock implements Lock {
  // Your data here (2LOCK): e.g. a random identity of this client (runtime.randomInt).

  constructor(
    readonly ck: Clerk,
    readonly name: string,
    readonly runtime: Runtime,
  ) {
    // Your code here (2LOCK).
  }

  /** Resolves once this client holds the lock. */
  async acquire(): Promise<void> {
    // Your code here (2LOCK).
    throw new Error('lock/lock.ts: acquire() is not implemented yet (part 2LOCK)');
  }

  /** Releases the lock this client holds. */
  async release(): Promise<void> {
    // Your code here (2LOCK).
    throw new Error('lock/lock.ts: release() is not implemented yet (part 2LOCK)');
  }
}

// A lock kept under its name in the key/value server: "" (or no key) when free, the holder's
// random identity when held. Acquire and release are versioned puts, so of two clients racing for
// the same version only one succeeds. After an ErrMaybe the client reads the key to learn whether
// its put took effect instead of guessing.
import type { Runtime } from '../../harness/api';
import type { Clerk } from '../../harness/contracts/kvsrv';
import type { Lock } from '../../harness/contracts/lock';

const FREE = '';
/** Virtual milliseconds between looks at a lock someone else holds. */
export const POLL_MS = 10;
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export class LockImpl implements Lock {
  /** Who this client is, as stored in the key while it holds the lock. */
  readonly id: string;

  constructor(
    readonly ck: Clerk,
    readonly name: string,
    readonly runtime: Runtime,
  ) {
    this.id = Array.from({ length: 12 }, () => LETTERS[runtime.randomInt(LETTERS.length)]).join('');
  }

  async acquire(): Promise<void> {
    for (;;) {
      const { value, version } = await this.ck.get(this.name);
      if (value === this.id) return; // an earlier put answered ErrMaybe but did take effect
      if (this.isFree(value)) {
        const err = await this.ck.put(this.name, this.id, version);
        if (err === 'OK') return;
        if (err === 'ErrMaybe') continue; // look again
      } else {
        await this.runtime.sleep(POLL_MS, `lock ${this.name} held`);
      }
    }
  }

  async release(): Promise<void> {
    for (;;) {
      const { value, version } = await this.ck.get(this.name);
      if (!this.holds(value)) return; // released already (an ErrMaybe that did take effect)
      const err = await this.ck.put(this.name, FREE, version);
      if (err === 'OK') return;
    }
  }

  protected isFree(value: string): boolean {
    return value === FREE;
  }

  /** Whether the stored value says this client holds the lock (release frees only its own). */
  protected holds(value: string): boolean {
    return value === this.id;
  }
}

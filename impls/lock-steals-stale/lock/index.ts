// Buggy variant: acquire takes over a lock whose value and version have not changed for a second,
// taking its holder for crashed (a lease the holder knows nothing of). A holder cut off from the
// server for longer, or one that really crashed holding it, still holds it: two holders. The
// course's lock tests never hold a lock that long; only the lock swarm's cuts and crashes do.
import type { Runtime } from '../../../harness/api';
import type { Clerk } from '../../../harness/contracts/kvsrv';
import { LockImpl, POLL_MS } from '../../../src/lock';

/** How long a lock may look unchanged before this variant takes it over (virtual ms). */
const STALE_MS = 1000;

class StealsStale extends LockImpl {
  override async acquire(): Promise<void> {
    let seen: { value: string; version: number; since: number } | undefined;
    for (;;) {
      const { value, version } = await this.ck.get(this.name);
      if (value === this.id) return;
      if (seen?.value !== value || seen.version !== version)
        seen = { value, version, since: this.runtime.now() };
      const stale = this.runtime.now() - seen.since >= STALE_MS;
      if (this.isFree(value) || stale) {
        const err = await this.ck.put(this.name, this.id, version);
        if (err === 'OK') return;
      } else {
        await this.runtime.sleep(POLL_MS, `lock ${this.name} held`);
      }
    }
  }
}

export function makeLock(ck: Clerk, name: string, runtime: Runtime) {
  return new StealsStale(ck, name, runtime);
}

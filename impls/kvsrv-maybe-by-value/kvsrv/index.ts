// Buggy variant: the clerk resolves a retried put's ErrVersion by reading the key: its own value
// there means "maybe" (ErrMaybe), another's means its put surely failed (ErrVersion). Wrong when
// its first attempt did take effect and another client has since put over it: the put is then
// reported as definitely failed although it happened. Alone on a key (the course's
// TestUnreliableNet) it always finds its own value, so it answers ErrMaybe as it should.
import type { ClientEnd, Runtime } from '../../../harness/api';
import { ClerkImpl, ErrMaybe, ErrVersion, type Err, type Version } from '../../../src/kvsrv';

class MaybeByValue extends ClerkImpl {
  override async put(key: string, value: string, version: Version): Promise<Err> {
    const err = await super.put(key, value, version);
    if (err !== ErrMaybe) return err;
    const now = await this.get(key);
    return now.value === value ? ErrMaybe : ErrVersion;
  }
}

export { makeKVServer } from '../../../src/kvsrv';

export function makeClerk(server: ClientEnd, runtime: Runtime) {
  return new MaybeByValue(server, runtime);
}

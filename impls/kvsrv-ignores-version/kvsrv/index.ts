// Buggy variant: the server installs every put, whatever its version (a put never fails).
import type { Runtime } from '../../../harness/api';
import { KVServerImpl, OK, type PutArgs, type PutReply } from '../../../src/kvsrv';

export { makeClerk } from '../../../src/kvsrv';

class IgnoresVersion extends KVServerImpl {
  override put(args: PutArgs): PutReply {
    const version = this.store.get(args.key)?.version ?? 0;
    this.store.set(args.key, { value: args.value, version: version + 1 });
    return { err: OK };
  }
}

export function makeKVServer(runtime: Runtime) {
  return new IgnoresVersion(runtime);
}

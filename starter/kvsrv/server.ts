// The key/value server (lab 2 of the 2026 edition, part 2KV): a map from key to value and
// version. A put installs its value only if its version is the key's (0 creates a missing key),
// and the version then grows by one. Keep no state per client: TestMemPutManyClientsReliable
// measures what this object holds. The determinism rules of the README apply.
import type { Handler, Runtime } from 'dslab/harness/api';
import type { KVServer } from 'dslab/harness/contracts/kvsrv';
import type { GetArgs, GetReply, PutArgs, PutReply } from './common';

export class KVSrv implements KVServer {
  // Your data here (2KV).

  /** Registered by the harness as service "KVServer". */
  readonly handlers: Readonly<Record<string, Handler>> = {
    Get: (args: GetArgs) => this.get(args),
    Put: (args: PutArgs) => this.put(args),
  };

  constructor(readonly runtime: Runtime) {
    // Your code here (2KV).
  }

  /** The key's value and version, or ErrNoKey. */
  get(args: GetArgs): GetReply {
    // Your code here (2KV).
    throw new Error('kvsrv/server.ts: get() is not implemented yet (part 2KV)');
  }

  /** Installs the value if the version matches: OK; else ErrVersion, or ErrNoKey (missing key, version > 0). */
  put(args: PutArgs): PutReply {
    // Your code here (2KV).
    throw new Error('kvsrv/server.ts: put() is not implemented yet (part 2KV)');
  }

  kill(): void {
    // Your code here, if anything runs in the background.
  }
}

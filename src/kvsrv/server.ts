// The server: one map from key to value and version. Every handler runs to completion without
// awaiting, so requests are applied one at a time in the order they arrive; nothing else is kept
// (no table of clients: a put is made safe to retry by its version, not by remembering replies).
import type { Handler, Runtime } from '../../harness/api';
import type { KVServer } from '../../harness/contracts/kvsrv';
import {
  ErrNoKey,
  ErrVersion,
  OK,
  type GetArgs,
  type GetReply,
  type PutArgs,
  type PutReply,
  type Version,
} from './common';

export interface Entry {
  value: string;
  version: Version;
}

export class KVServerImpl implements KVServer {
  protected readonly store = new Map<string, Entry>();
  readonly handlers: Readonly<Record<string, Handler>>;

  constructor(readonly runtime: Runtime) {
    this.handlers = {
      Get: (args: GetArgs) => this.get(args),
      Put: (args: PutArgs) => this.put(args),
    };
  }

  get(args: GetArgs): GetReply {
    const entry = this.store.get(args.key);
    if (!entry) return { value: '', version: 0, err: ErrNoKey };
    return { value: entry.value, version: entry.version, err: OK };
  }

  put(args: PutArgs): PutReply {
    const entry = this.store.get(args.key);
    const current = entry?.version ?? 0;
    if (args.version !== current) return { err: entry ? ErrVersion : ErrNoKey };
    this.store.set(args.key, { value: args.value, version: current + 1 });
    return { err: OK };
  }

  kill(): void {
    // Nothing runs in the background: the harness stops the node.
  }
}

// The clerk (lab 2 of the 2026 edition, part 2KV): what the tests and the lock call. The network
// may lose a request or its reply (the call then resolves to null): retry until a reply arrives.
import type { ClientEnd, Runtime } from 'dslab/harness/api';
import type { Clerk, Err, GetResult, Version } from 'dslab/harness/contracts/kvsrv';
import type { GetArgs, GetReply, PutArgs, PutReply } from './common';

export class KVClerk implements Clerk {
  constructor(
    readonly server: ClientEnd,
    readonly runtime: Runtime,
  ) {}

  /** The key's value and version, or ErrNoKey. Keeps trying until it gets an answer. */
  async get(key: string): Promise<GetResult> {
    // Your code here (2KV): callGet() until a reply arrives.
    throw new Error('kvsrv/client.ts: get() is not implemented yet (part 2KV)');
  }

  /**
   * Puts `value` at `version`. If a retried put is refused with ErrVersion, its first attempt may
   * have taken effect (only its reply lost): return ErrMaybe then, never ErrVersion.
   */
  async put(key: string, value: string, version: Version): Promise<Err> {
    // Your code here (2KV): callPut() until a reply arrives; wait a little between attempts.
    throw new Error('kvsrv/client.ts: put() is not implemented yet (part 2KV)');
  }

  /** One Get RPC: the reply, or null if the request or the reply was lost. */
  callGet(args: GetArgs): Promise<GetReply | null> {
    return this.server.call<GetReply>('KVServer.Get', args);
  }

  /** One Put RPC: the reply, or null if lost. */
  callPut(args: PutArgs): Promise<PutReply | null> {
    return this.server.call<PutReply>('KVServer.Put', args);
  }
}

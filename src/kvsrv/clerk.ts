// The clerk: one RPC per attempt, retried after a short wait until a reply arrives. A put whose
// first attempt got no reply cannot tell, from a later ErrVersion, whether that attempt took
// effect (its reply may be the one that was lost): it answers ErrMaybe.
import type { ClientEnd, Runtime } from '../../harness/api';
import type { Clerk, GetResult } from '../../harness/contracts/kvsrv';
import {
  ErrMaybe,
  ErrVersion,
  type Err,
  type GetArgs,
  type GetReply,
  type PutArgs,
  type PutReply,
  type Version,
} from './common';

/** Virtual milliseconds between attempts: the network answers a lost call within ~30 ms. */
export const RETRY_MS = 100;

export class ClerkImpl implements Clerk {
  constructor(
    readonly server: ClientEnd,
    readonly runtime: Runtime,
  ) {}

  async get(key: string): Promise<GetResult> {
    const args: GetArgs = { key };
    const reply = await this.until<GetReply>('KVServer.Get', args);
    return { value: reply.value, version: reply.version, err: reply.err };
  }

  async put(key: string, value: string, version: Version): Promise<Err> {
    const args: PutArgs = { key, value, version };
    for (let attempt = 0; ; attempt++) {
      const reply = await this.server.call<PutReply>('KVServer.Put', args);
      if (reply) return this.outcome(reply.err, attempt);
      await this.runtime.sleep(RETRY_MS, 'put retry');
    }
  }

  /** What a put's reply means for the caller, on the given attempt (0: the first). */
  protected outcome(err: Err, attempt: number): Err {
    return err === ErrVersion && attempt > 0 ? ErrMaybe : err;
  }

  /** Calls until a reply arrives (a get changes nothing, so a retry is always safe). */
  protected async until<Reply>(method: string, args: unknown): Promise<Reply> {
    for (;;) {
      const reply = await this.server.call<Reply>(method, args);
      if (reply) return reply;
      await this.runtime.sleep(RETRY_MS, `${method} retry`);
    }
  }
}

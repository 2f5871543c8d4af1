// The key/value clerk: one request at a time, retried until it takes effect. It remembers the
// server that last answered as leader and starts there; after a round in which no server could
// serve the request it sleeps briefly, so a leaderless cluster costs virtual time, not a busy loop.
import type { ClientEnd, Runtime } from '../../harness/api';
import type { Clerk } from '../../harness/contracts/kvraft';
import { ErrNoKey, OK, type GetArgs, type GetReply, type PutAppendArgs, type PutAppendReply, type WriteKind } from './common';

/** The pause after a full round of servers that all failed or refused. */
export const RETRY_ROUND_MS = 50;

export class ClerkImpl implements Clerk {
  readonly clientId: number;
  protected seq = 0;
  /** Index into `servers` of the last server that served a request. */
  protected leader = 0;

  constructor(protected readonly servers: ClientEnd[], protected readonly runtime: Runtime) {
    if (servers.length === 0) throw new Error('makeClerk: a clerk needs at least one server end');
    // A random safe integer: ids of clerks made by different runtimes must not collide.
    this.clientId = Math.floor(runtime.random() * 2 ** 53);
  }

  async get(key: string): Promise<string> {
    const args: GetArgs = { key, clientId: this.clientId, seq: ++this.seq };
    const reply = await this.call<GetReply>('KVServer.Get', args);
    return reply.err === OK ? reply.value : '';
  }

  put(key: string, value: string): Promise<void> {
    return this.write(key, value, 'Put');
  }

  append(key: string, arg: string): Promise<void> {
    return this.write(key, arg, 'Append');
  }

  delete(key: string): Promise<void> {
    return this.write(key, '', 'Delete');
  }

  protected async write(key: string, value: string, op: WriteKind): Promise<void> {
    const args: PutAppendArgs = { key, value, op, clientId: this.clientId, seq: ++this.seq };
    await this.call<PutAppendReply>('KVServer.PutAppend', args);
  }

  /** Sends until some server answers OK or ErrNoKey. */
  protected async call<Reply extends { err: string }>(method: string, args: unknown): Promise<Reply> {
    for (;;) {
      for (let tried = 0; tried < this.servers.length; tried++) {
        const reply = await this.servers[this.leader].call<Reply>(method, args);
        if (reply && (reply.err === OK || reply.err === ErrNoKey)) return reply;
        this.leader = (this.leader + 1) % this.servers.length;
      }
      await this.runtime.sleep(RETRY_ROUND_MS, `clerk ${this.runtime.name}: no server could serve ${method}, retrying`);
    }
  }
}

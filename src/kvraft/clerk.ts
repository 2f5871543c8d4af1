// The key/value clerk: Get, Put, Append and Delete over the retrying request loop
// (retrying-clerk.ts), which remembers the last leader.
import type { ClientEnd, Runtime } from '../../harness/api';
import type { Clerk } from '../../harness/contracts/kvraft';
import {
  ErrNoKey,
  OK,
  type GetArgs,
  type GetReply,
  type PutAppendArgs,
  type PutAppendReply,
  type WriteKind,
} from './common';
import { RetryingClerk } from './retrying-clerk';

/** The pause after a full round of servers that all failed or refused. */
export const RETRY_ROUND_MS = 50;

export class ClerkImpl extends RetryingClerk implements Clerk {
  constructor(servers: ClientEnd[], runtime: Runtime) {
    super(servers, runtime, RETRY_ROUND_MS);
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

  /** OK or ErrNoKey: the request was served. */
  protected accepts(reply: { err: string }): boolean {
    return reply.err === OK || reply.err === ErrNoKey;
  }
}

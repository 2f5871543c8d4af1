// The controller's clerk: one request at a time, retried until it takes effect. It remembers the
// server that last answered as leader and starts there; after a round in which no server could
// serve the request it sleeps, so a leaderless cluster costs virtual time, not a busy loop.
import type { ClientEnd, Runtime } from '../../harness/api';
import type { Clerk } from '../../harness/contracts/shardctrler';
import { invalidOp, OK, type Config, type Groups, type Op, type QueryReply, type Reply } from './common';

/** The pause after a full round of servers that all failed or refused (the course's 100 ms). */
export const RETRY_ROUND_MS = 100;

export class ClerkImpl implements Clerk {
  readonly clientId: number;
  protected seq = 0;
  /** Index into `servers` of the last server that answered OK. */
  protected leader = 0;

  constructor(protected readonly servers: ClientEnd[], protected readonly runtime: Runtime) {
    if (servers.length === 0) throw new Error('makeClerk: a clerk needs at least one server end');
    // A random safe integer: ids of clerks made by different runtimes must not collide.
    this.clientId = Math.floor(runtime.random() * 2 ** 53);
  }

  async query(num: number): Promise<Config> {
    const reply = await this.call<QueryReply>({ kind: 'Query', num, clientId: this.clientId, seq: 0 });
    return reply.config!;
  }

  async join(servers: Groups): Promise<void> {
    await this.call({ kind: 'Join', servers, clientId: this.clientId, seq: 0 });
  }

  async leave(gids: number[]): Promise<void> {
    await this.call({ kind: 'Leave', gids, clientId: this.clientId, seq: 0 });
  }

  async move(shard: number, gid: number): Promise<void> {
    await this.call({ kind: 'Move', shard, gid, clientId: this.clientId, seq: 0 });
  }

  /** Numbers `op`, then sends it until some server answers OK. */
  protected async call<R extends Reply>(op: Op): Promise<R> {
    const problem = invalidOp(op);
    if (problem) throw new Error(`shard controller clerk: ${problem}`);
    const { kind, ...args } = op;
    args.seq = ++this.seq;
    const method = `ShardCtrler.${kind}`;
    for (;;) {
      for (let tried = 0; tried < this.servers.length; tried++) {
        const reply = await this.servers[this.leader].call<R>(method, args);
        if (reply?.err === OK) return reply;
        this.leader = (this.leader + 1) % this.servers.length;
      }
      await this.runtime.sleep(RETRY_ROUND_MS, `clerk ${this.runtime.name}: no server could serve ${method}, retrying`);
    }
  }
}

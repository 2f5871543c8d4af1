// A clerk's request loop, for any service replicated through Raft (the key/value service, the
// shard controller): one request at a time, retried until a server accepts it. It remembers the
// server that last accepted and starts there; after a round in which no server could serve the
// request it sleeps, so a leaderless cluster costs virtual time, not a busy loop.
import type { ClientEnd, Runtime } from '../../harness/api';

export abstract class RetryingClerk {
  readonly clientId: number;
  protected seq = 0;
  /** Index into `servers` of the last server that served a request. */
  protected leader = 0;

  constructor(
    protected readonly servers: ClientEnd[],
    protected readonly runtime: Runtime,
    /** The pause after a full round of servers that all failed or refused. */
    private readonly retryRoundMs: number,
  ) {
    if (servers.length === 0) throw new Error('makeClerk: a clerk needs at least one server end');
    // A random safe integer: ids of clerks made by different runtimes must not collide.
    this.clientId = Math.floor(runtime.random() * 2 ** 53);
  }

  /** Whether a server's reply means it served the request (anything else: try the next server). */
  protected abstract accepts(reply: { err: string }): boolean;

  /** Sends until some server's reply is accepted. */
  protected async call<Reply extends { err: string }>(
    method: string,
    args: unknown,
  ): Promise<Reply> {
    for (;;) {
      for (let tried = 0; tried < this.servers.length; tried++) {
        const reply = await this.servers[this.leader].call<Reply>(method, args);
        if (reply && this.accepts(reply)) return reply;
        this.leader = (this.leader + 1) % this.servers.length;
      }
      await this.runtime.sleep(
        this.retryRoundMs,
        `clerk ${this.runtime.name}: no server could serve ${method}, retrying`,
      );
    }
  }
}

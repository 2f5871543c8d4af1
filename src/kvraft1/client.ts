// The clerk: tries the replica it last saw answer, then the next ones, until one answers for the
// majority. A put whose earlier attempt got no definite answer (lost, or ErrWrongLeader from a
// replica that may have started it in its log before losing its leadership) cannot tell, from a
// later ErrVersion, whether that attempt took effect: it answers ErrMaybe.
import type { ClientEnd, Runtime } from '../../harness/api';
import type { Clerk, Err, GetResult } from '../../harness/contracts/kvraft1';
import type { GetArgs, GetReply, PutArgs, PutReply, ReplyErr, Version } from './common';

/** Virtual milliseconds to wait after every replica was tried once without an answer. */
export const ROUND_WAIT_MS = 100;

export class ClerkImpl implements Clerk {
  protected leader = 0;

  constructor(
    readonly servers: ClientEnd[],
    readonly runtime: Runtime,
  ) {}

  async get(key: string): Promise<GetResult> {
    const args: GetArgs = { key };
    const { reply } = await this.untilAnswered<GetReply>('KVServer.Get', args);
    return { value: reply.value, version: reply.version, err: reply.err as Err };
  }

  async put(key: string, value: string, version: Version): Promise<Err> {
    const args: PutArgs = { key, value, version };
    const { reply, retried } = await this.untilAnswered<PutReply>('KVServer.Put', args);
    return this.outcome(reply.err as Err, retried);
  }

  /** What a put's answer means for the caller, given whether an earlier attempt may have taken effect. */
  protected outcome(err: Err, retried: boolean): Err {
    return err === 'ErrVersion' && retried ? 'ErrMaybe' : err;
  }

  /**
   * Calls replicas in turn from the last one that answered until one gives a reply other than
   * ErrWrongLeader; `retried` says whether an attempt before it went unanswered or was refused.
   */
  protected async untilAnswered<Reply extends { err: ReplyErr }>(
    method: string,
    args: unknown,
  ): Promise<{ reply: Reply; retried: boolean }> {
    let retried = false;
    for (let tried = 0; ; tried++) {
      if (tried > 0 && tried % this.servers.length === 0)
        await this.runtime.sleep(ROUND_WAIT_MS, `${method}: no replica answered, try again`);
      const reply = await this.servers[this.leader].call<Reply>(method, args);
      if (reply && reply.err !== 'ErrWrongLeader') return { reply, retried };
      retried = true;
      this.leader = (this.leader + 1) % this.servers.length;
    }
  }
}

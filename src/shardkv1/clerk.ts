// The clerk of the sharded service (the course's shardkv1 client): lab 2's versioned get and put,
// sent to the group that serves the key's shard in the configuration the controller last gave it.
// When that group answers ErrWrongGroup, or none of its servers answers, it asks the controller
// again. A put with an earlier attempt that got no definite answer (at this group or at a previous
// owner) answers a later ErrVersion with ErrMaybe.
import type { Runtime } from '../../harness/api';
import { GrpClerks } from './grpclerk';
import {
  key2shard,
  ROUND_WAIT_MS,
  type Clerk,
  type Err,
  type GetReply,
  type GetResult,
  type GrpErr,
  type MakeEnd,
  type PutReply,
  type ShardConfig,
  type ShardCtrler,
  type Version,
} from './common';

export class ShardKVClerkImpl implements Clerk {
  private cfg: ShardConfig | undefined;
  private readonly grps: GrpClerks;

  constructor(
    private readonly sck: ShardCtrler,
    makeEnd: MakeEnd,
    private readonly runtime: Runtime,
  ) {
    this.grps = new GrpClerks(makeEnd, runtime);
  }

  async get(key: string): Promise<GetResult> {
    const { reply } = await this.untilServed<GetReply>(key, 'Get', { key });
    return { value: reply.value, version: reply.version, err: reply.err as Err };
  }

  async put(key: string, value: string, version: Version): Promise<Err> {
    const { reply, retried } = await this.untilServed<PutReply>(key, 'Put', {
      key,
      value,
      version,
    });
    return this.outcome(reply.err as Err, retried);
  }

  protected outcome(err: Err, retried: boolean): Err {
    return err === 'ErrVersion' && retried ? 'ErrMaybe' : err;
  }

  /** Calls the key's group until one serving the shard answers; re-reads the configuration between tries. */
  private async untilServed<Reply extends { err: GrpErr }>(
    key: string,
    method: string,
    args: unknown,
  ): Promise<{ reply: Reply; retried: boolean }> {
    let retried = false;
    for (;;) {
      const cfg = this.cfg ?? (this.cfg = await this.sck.query());
      const gid = cfg.shards[key2shard(key)];
      const servers = cfg.groups[gid];
      if (servers) {
        const r = await this.grps.of(gid, servers).call<Reply>(method, args, 1);
        if (r && r.reply.err !== 'ErrWrongGroup')
          return { reply: r.reply, retried: retried || r.retried };
        // An unanswered or refused attempt at a replica may still have taken effect.
        if (!r || r.retried) retried = true;
      }
      await this.runtime.sleep(ROUND_WAIT_MS, `${method} ${key}: ask the controller again`);
      this.cfg = undefined;
    }
  }
}

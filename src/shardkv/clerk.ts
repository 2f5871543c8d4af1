// The sharded service's clerk: it looks up the key's shard in its cached configuration
// and tries that group's servers, from the one that last answered; ErrWrongGroup (or a whole round
// without an answer) sends it back to the controller for the latest configuration after a pause.
// One request at a time; a request keeps its (clientId, seq) across every retry and every group, so
// the group that finally applies it can tell a retry from a new write.
import type { Runtime } from '../../harness/api';
import type { MakeEnd, ShardKVClerk } from '../../harness/contracts/shardkv';
import type { Clerk as CtrlerClerk } from '../../harness/contracts/shardctrler';
import {
  EndCache,
  ErrNoKey,
  ErrWrongGroup,
  key2shard,
  OK,
  zeroConfig,
  type Config,
  type GetArgs,
  type GetReply,
  type PutAppendArgs,
  type PutAppendReply,
} from './common';

/** The pause before asking the controller again (the course's 100 ms). */
export const RETRY_MS = 100;

export class ClerkImpl implements ShardKVClerk {
  readonly clientId: number;
  protected seq = 0;
  protected config: Config = zeroConfig();
  /** Per gid: the index in its server list of the server that last answered. */
  private readonly leaders = new Map<number, number>();
  private readonly ends: EndCache;

  /** Has the clerk asked the controller yet? Its first look needs no pause. */
  private asked = false;

  constructor(
    protected readonly ctrler: CtrlerClerk,
    makeEnd: MakeEnd,
    protected readonly runtime: Runtime,
  ) {
    this.ends = new EndCache(makeEnd);
    // A random safe integer: ids of clerks made by different runtimes must not collide.
    this.clientId = Math.floor(runtime.random() * 2 ** 53);
  }

  async get(key: string): Promise<string> {
    const args: GetArgs = { key, clientId: this.clientId, seq: ++this.seq };
    const reply = await this.call<GetReply>(key, 'ShardKV.Get', args);
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

  private async write(key: string, value: string, op: PutAppendArgs['op']): Promise<void> {
    const args: PutAppendArgs = { key, value, op, clientId: this.clientId, seq: ++this.seq };
    await this.call<PutAppendReply>(key, 'ShardKV.PutAppend', args);
  }

  /** Sends until the group owning the key's shard answers OK (or ErrNoKey). */
  protected async call<R extends { err: string }>(
    key: string,
    method: string,
    args: unknown,
  ): Promise<R> {
    const shard = key2shard(key);
    for (;;) {
      const gid = this.config.shards[shard];
      const servers = this.config.groups[gid] ?? [];
      const start = this.leaders.get(gid) ?? 0;
      for (let k = 0; k < servers.length; k++) {
        const i = (start + k) % servers.length;
        const reply = await this.ends.get(servers[i]).call<R>(method, args);
        if (reply && (reply.err === OK || reply.err === ErrNoKey)) {
          this.leaders.set(gid, i);
          return reply;
        }
        if (reply?.err === ErrWrongGroup) break;
      }
      if (this.asked)
        await this.runtime.sleep(
          RETRY_MS,
          `clerk ${this.runtime.name}: group ${gid} did not serve shard ${shard}, asking the controller again`,
        );
      this.asked = true;
      this.config = await this.ctrler.query(-1);
    }
  }
}

// What a group's leader does in the background, on a timer: poll the controller for the next
// configuration, pull the shards it now owns from their previous owners, and tell those owners
// when they may delete their copies. It only proposes commands; what they do is decided when they
// are applied (state.ts), so a leader that loses office mid-way, or twice proposes the same thing,
// does no harm.
import type { Runtime, Timer } from '../../harness/api';
import type { MakeEnd } from '../../harness/contracts/shardkv';
import type { Clerk as CtrlerClerk } from '../../harness/contracts/shardctrler';
import {
  EndCache,
  OK,
  type DeleteShardsArgs,
  type DeleteShardsReply,
  type PullShardsArgs,
  type PullShardsReply,
} from './common';
import type { ShardKVImpl } from './server';

/** How often the leader looks at what needs doing. */
export const TICK_MS = 50;
/** How often a settled leader asks the controller for the next configuration. */
export const POLL_MS = 100;

export class Migration {
  private timer: Timer | undefined;
  /** Tasks in flight, by name: one poll, one pull and one delete request per group at a time. */
  private readonly busy = new Set<string>();
  private noopTerm = -1;
  private lastPoll = -Infinity;
  private readonly ends: EndCache;
  /** Per gid: the index in its server list of the server that last answered. */
  private readonly leaders = new Map<number, number>();

  constructor(
    protected readonly kv: ShardKVImpl,
    protected readonly ctrler: CtrlerClerk,
    makeEnd: MakeEnd,
    protected readonly runtime: Runtime,
  ) {
    this.ends = new EndCache(makeEnd);
  }

  start(): void {
    this.timer = this.runtime.setTimer(TICK_MS, () => this.tick(), 'shardkv migration tick');
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private tick(): void {
    if (this.kv.dead) return;
    const { term, isLeader } = this.kv.raft.getState();
    if (isLeader) {
      // A new leader commits an entry of its own term at once: only then does it apply (and act
      // on) whatever earlier terms committed.
      if (term !== this.noopTerm && this.kv.propose({ c: 'noop', term })) this.noopTerm = term;
      const state = this.kv.state;
      if (state.settled() && this.runtime.now() - this.lastPoll >= POLL_MS) {
        this.once('poll', async () => {
          this.lastPoll = this.runtime.now();
          await this.pollConfig();
        });
      }
      for (const [gid, shards] of state.byPreviousOwner('pulling'))
        this.once(`pull ${gid}`, () => this.pull(gid, shards));
      for (const [gid, shards] of state.byPreviousOwner('cleaning'))
        this.once(`delete ${gid}`, () => this.requestDelete(gid, shards));
    }
    this.start();
  }

  private once(what: string, task: () => Promise<void>): void {
    if (this.busy.has(what)) return;
    this.busy.add(what);
    void task().finally(() => this.busy.delete(what));
  }

  /** Proposes the configuration after ours, if the controller has it. Never skips one. */
  protected async pollConfig(): Promise<void> {
    const num = this.kv.state.config.num;
    const next = await this.ctrler.query(num + 1);
    if (next.num === num + 1 && this.kv.state.config.num === num)
      this.kv.propose({ c: 'config', config: next });
  }

  /** Fetches shards of the current configuration from the group that owned them before. */
  private async pull(gid: number, shards: number[]): Promise<void> {
    const state = this.kv.state;
    const num = state.config.num;
    const args: PullShardsArgs = { num, shards };
    const reply = await this.callGroup<PullShardsReply>(
      gid,
      state.prev.groups[gid] ?? [],
      'ShardKV.PullShards',
      args,
    );
    if (reply && this.kv.state.config.num === num)
      this.kv.propose({ c: 'insert', num, shards: reply.shards });
  }

  /** Tells the previous owner it may delete its copies; once it has, the shards are simply ours. */
  private async requestDelete(gid: number, shards: number[]): Promise<void> {
    const state = this.kv.state;
    const num = state.config.num;
    const args: DeleteShardsArgs = { num, shards };
    const reply = await this.callGroup<DeleteShardsReply>(
      gid,
      state.prev.groups[gid] ?? [],
      'ShardKV.DeleteShards',
      args,
    );
    if (reply && this.kv.state.config.num === num) this.kv.propose({ c: 'cleaned', num, shards });
  }

  /** One round over a group's servers, from the one that last answered; the first OK reply, or null. */
  private async callGroup<R extends { err: string }>(
    gid: number,
    servers: string[],
    method: string,
    args: unknown,
  ): Promise<R | null> {
    const start = this.leaders.get(gid) ?? 0;
    for (let k = 0; k < servers.length && !this.kv.dead; k++) {
      const i = (start + k) % servers.length;
      const reply = await this.ends.get(servers[i]).call<R>(method, args);
      if (reply?.err === OK) {
        this.leaders.set(gid, i);
        return reply;
      }
    }
    return null;
  }
}

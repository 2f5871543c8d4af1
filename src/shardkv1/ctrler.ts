// The controller (the course's shardctrler): it keeps the current configuration under "config" in
// the lab-2 key/value server and, while a change is under way, the configuration being installed
// under "next". A change first claims "next" with a versioned put (only one controller can win it
// for a given version), then moves every shard whose group changes (freeze at the old group,
// install at the new one, delete at the old), then makes "next" current with a versioned put.
// A controller that finds "next" ahead of "config" finishes that change first (5B: its controller
// crashed or was cut off half way). Every group RPC carries the new configuration's number, so a
// group refuses a controller that a later one superseded; a freeze answered with a higher number
// tells this controller so, and it stops, as it does when a group does not answer and the key/value
// server shows that the change is no longer under way. A controller that another one got ahead of in
// the middle of a change changes nothing from then on (the course: a superseded controller "should
// bail out"); one that went on could, cut off between the tester's decision and its claim of "next",
// leave a change nobody can recover.
import type { ClientEnd, Runtime } from '../../harness/api';
import type { Clerk, Version } from '../../harness/contracts/kvsrv';
import { makeClerk as makeKVClerk } from '../kvsrv';
import { GrpClerks, type GrpClerk } from './grpclerk';
import {
  ROUND_WAIT_MS,
  type DeleteShardReply,
  type FreezeShardReply,
  type GrpErr,
  type InstallShardReply,
  type MakeEnd,
  type ShardConfig,
  type ShardCtrler,
} from './common';

export const CONFIG_KEY = 'config';
export const NEXT_KEY = 'next';

/** A configuration as read from the key/value server, with the version a put must name to replace it. */
export interface Stored {
  cfg: ShardConfig;
  version: Version;
}

export class ShardCtrlerImpl implements ShardCtrler {
  protected readonly kv: Clerk;
  private readonly grps: GrpClerks;
  /** Set once another controller got ahead of this one in a change: it changes nothing after that. */
  private superseded = false;

  constructor(
    kvsrv: ClientEnd,
    makeEnd: MakeEnd,
    protected readonly runtime: Runtime,
  ) {
    this.kv = makeKVClerk(kvsrv, runtime);
    this.grps = new GrpClerks(makeEnd, runtime);
  }

  async initController(): Promise<void> {
    const { cur, next } = await this.readBoth();
    if (cur && next && next.cfg.num > cur.cfg.num) await this.finish(cur, next.cfg);
  }

  async initConfig(cfg: ShardConfig): Promise<void> {
    await this.claim(CONFIG_KEY, cfg, 0);
  }

  async query(): Promise<ShardConfig> {
    const cur = await this.read(CONFIG_KEY);
    if (!cur) throw new Error('shardkv1 controller: query() before initConfig()');
    return cur.cfg;
  }

  async changeConfigTo(cfg: ShardConfig): Promise<void> {
    if (this.superseded) return;
    const { cur, next } = await this.readBoth();
    if (!cur) throw new Error('shardkv1 controller: changeConfigTo() before initConfig()');
    if (next && next.cfg.num > cur.cfg.num) {
      // Another controller's change is unfinished: finish it; `cfg` was computed before it.
      await this.finish(cur, next.cfg);
      return;
    }
    if (cfg.num !== cur.cfg.num + 1) return;
    if (!(await this.claim(NEXT_KEY, cfg, next?.version ?? 0))) {
      this.superseded = true;
      return;
    }
    await this.finish(cur, cfg);
  }

  /** Moves the shards from `cur` to `next`, then makes `next` current (unless superseded). */
  protected async finish(cur: Stored, next: ShardConfig): Promise<void> {
    const done =
      (await this.moveShards(cur.cfg, next)) && (await this.claim(CONFIG_KEY, next, cur.version));
    if (!done) this.superseded = true;
  }

  /** Moves every shard that changes group, all at once; false if a group saw a later configuration. */
  protected async moveShards(from: ShardConfig, to: ShardConfig): Promise<boolean> {
    let superseded = false;
    const moves = from.shards.map(async (oldGid, shard) => {
      const newGid = to.shards[shard];
      if (oldGid === newGid) return;
      const args = { shard, num: to.num };
      let state = this.runtime.codec.encode([]);
      if (oldGid !== 0) {
        const frozen = await this.untilAnswered<FreezeShardReply>(
          from,
          oldGid,
          to.num,
          'FreezeShard',
          args,
        );
        if (!frozen || frozen.reply.num > to.num) {
          superseded = true;
          return;
        }
        state = frozen.reply.state;
      }
      if (newGid === 0) return;
      const installed = await this.untilAnswered<InstallShardReply>(
        to,
        newGid,
        to.num,
        'InstallShard',
        {
          ...args,
          state,
        },
      );
      if (!installed) {
        superseded = true;
        return;
      }
      if (oldGid !== 0)
        await this.untilAnswered<DeleteShardReply>(from, oldGid, to.num, 'DeleteShard', args);
    });
    await Promise.all(moves);
    return !superseded;
  }

  /**
   * Calls the group until it answers, for the change to configuration `num`; null once that change
   * is no longer under way (another controller finished it or went past it: the group may even
   * have left and stopped for good, and this controller must not wait for it forever).
   */
  protected async untilAnswered<Reply extends { err: GrpErr }>(
    cfg: ShardConfig,
    gid: number,
    num: number,
    method: string,
    args: unknown,
  ): Promise<{ reply: Reply } | null> {
    for (;;) {
      const r = await this.group(cfg, gid).call<Reply>(method, args, 1);
      if (r) return r;
      const cur = await this.read(CONFIG_KEY);
      const next = await this.read(NEXT_KEY);
      if ((cur && cur.cfg.num >= num) || (next && next.cfg.num > num)) return null;
      await this.runtime.sleep(ROUND_WAIT_MS, `${method} to group ${gid}: try again`);
    }
  }

  protected group(cfg: ShardConfig, gid: number): GrpClerk {
    return this.grps.of(gid, cfg.groups[gid] ?? []);
  }

  /**
   * The current configuration and the one being installed, as a pair a change can go by: "next" is
   * claimed only while "config" is one below it, so a "next" more than one ahead means "config" was
   * read before another change finished; read both again. (A controller that went by such a pair
   * moved shards from owners they had already left: a freeze at a group the shard had left hands
   * out no keys, and the install of that empty shard came first.)
   */
  protected async readBoth(): Promise<{ cur?: Stored; next?: Stored }> {
    for (;;) {
      const cur = await this.read(CONFIG_KEY);
      const next = await this.read(NEXT_KEY);
      if (!cur || !next || next.cfg.num <= cur.cfg.num + 1) return { cur, next };
    }
  }

  protected async read(key: string): Promise<Stored | undefined> {
    const r = await this.kv.get(key);
    if (r.err !== 'OK') return undefined;
    return { cfg: JSON.parse(r.value) as ShardConfig, version: r.version };
  }

  /**
   * Puts `cfg` under `key` if the key is still at `version`; whether it is there now because of
   * this put (an ErrMaybe is settled by reading the key back).
   */
  protected async claim(key: string, cfg: ShardConfig, version: Version): Promise<boolean> {
    const value = JSON.stringify(cfg);
    const err = await this.kv.put(key, value, version);
    if (err === 'OK') return true;
    if (err !== 'ErrMaybe') return false;
    const r = await this.kv.get(key);
    return r.err === 'OK' && r.value === value && r.version === version + 1;
  }
}

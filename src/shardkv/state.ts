// A group's replicated state machine: the configuration it has reached, the one before it, and
// each shard's store (data and duplicate table, the key/value service's KVStore) with where the
// shard stands in the move from the previous configuration to the current one:
//
//   serving   ours, here, served
//   pulling   ours in this configuration, not here yet: not served (ErrWrongGroup) until it arrives
//   leaving   ours in the previous configuration only: frozen, kept until the new owner has it
//   cleaning  ours, here and served; the old owner has not yet confirmed it dropped its copy
//   absent    not ours
//
// A group takes configuration N+1 only once every shard is serving or absent, so configurations
// are applied strictly in order and a shard's data is always pulled from the group that owned it
// in the configuration just before. Each shard is served as soon as it is here, whatever the others
// are doing (challenge 2).
import { KVStore, type Op } from '../kvraft';
import {
  ErrNotReady,
  ErrWrongGroup,
  key2shard,
  NSHARDS,
  OK,
  zeroConfig,
  type Config,
  type Err,
  type ShardImage,
} from './common';

export type ShardStatus = 'serving' | 'pulling' | 'leaving' | 'cleaning' | 'absent';

/** What a client op produced. */
export interface OpResult {
  err: Err;
  value: string;
}

export const WRONG_GROUP: OpResult = Object.freeze({ err: ErrWrongGroup, value: '' });

export class Shard {
  status: ShardStatus = 'absent';
  readonly store = new KVStore();

  image(shard: number): ShardImage {
    return { shard, data: [...this.store.data], sessions: [...this.store.sessions] };
  }

  /** Replaces the contents with a moved-in image: data and duplicate table together. */
  install(image: ShardImage): void {
    this.store.restore({ index: 0, data: image.data, sessions: image.sessions });
  }

  clear(): void {
    this.store.data.clear();
    this.store.sessions.clear();
  }
}

/** What a snapshot holds. */
export interface GroupImage {
  index: number;
  config: Config;
  prev: Config;
  shards: [ShardStatus, ShardImage['data'], ShardImage['sessions']][];
}

export class GroupState {
  config: Config = zeroConfig();
  /** The configuration before `config`: who owned each shard we are pulling. */
  prev: Config = zeroConfig();
  readonly shards: Shard[] = Array.from({ length: NSHARDS }, () => new Shard());

  constructor(readonly gid: number) {}

  /** May this group answer for the shard now? */
  canServe(shard: number): boolean {
    const status = this.shards[shard].status;
    return status === 'serving' || status === 'cleaning';
  }

  /** Every move of the current configuration is finished: the next one may be taken. */
  settled(): boolean {
    return this.shards.every((s) => s.status === 'serving' || s.status === 'absent');
  }

  /** Shards in `status`, grouped by the gid that owned them in the previous configuration. */
  byPreviousOwner(status: ShardStatus): Map<number, number[]> {
    const out = new Map<number, number[]>();
    this.shards.forEach((s, i) => {
      if (s.status !== status) return;
      const gid = this.prev.shards[i];
      out.set(gid, [...(out.get(gid) ?? []), i]);
    });
    return out;
  }

  isDuplicate(op: Op): boolean {
    return this.shards[key2shard(op.key)].store.isDuplicate(op.clientId, op.seq);
  }

  /** A client op, against its shard's store; ErrWrongGroup unless the shard is served here. */
  applyOp(op: Op): OpResult {
    const shard = key2shard(op.key);
    if (!this.canServe(shard)) return WRONG_GROUP;
    const store = this.shards[shard].store;
    return store.apply(op, op.kind !== 'Get' && store.isDuplicate(op.clientId, op.seq));
  }

  /** Takes `next` if it is the configuration after ours and every earlier move is done. */
  applyConfig(next: Config): boolean {
    if (next.num !== this.config.num + 1 || !this.settled()) return false;
    for (let s = 0; s < NSHARDS; s++) {
      const was = this.config.shards[s] === this.gid;
      const now = next.shards[s] === this.gid;
      const shard = this.shards[s];
      if (now && !was) {
        // From nobody (gid 0): nothing to fetch.
        shard.status = this.config.shards[s] === 0 ? 'serving' : 'pulling';
      } else if (was && !now) {
        shard.status = next.shards[s] === 0 ? 'absent' : 'leaving';
        if (shard.status === 'absent') this.dropShard(s);
      }
    }
    this.prev = this.config;
    this.config = next;
    return true;
  }

  /** Shards of configuration `num` that arrived; only those still awaited are taken. */
  applyInsert(num: number, images: ShardImage[]): void {
    if (num !== this.config.num) return;
    for (const image of images) {
      const shard = this.shards[image.shard];
      if (shard.status !== 'pulling') continue;
      this.installShard(shard, image);
      shard.status = 'cleaning';
    }
  }

  /** The new owner has our leaving shards of configuration `num`: drop them. Answers whether that
   * configuration is behind us or was handled now (OK), or is still ahead (ErrNotReady). */
  applyDelete(num: number, shards: number[]): Err {
    if (num < this.config.num) return OK;
    if (num > this.config.num) return ErrNotReady;
    for (const s of shards) {
      if (this.shards[s].status !== 'leaving') continue;
      this.dropShard(s);
      this.shards[s].status = 'absent';
    }
    return OK;
  }

  /** The old owners confirmed they dropped these shards of configuration `num`. */
  applyCleaned(num: number, shards: number[]): void {
    if (num !== this.config.num) return;
    for (const s of shards)
      if (this.shards[s].status === 'cleaning') this.shards[s].status = 'serving';
  }

  /** Images of leaving shards of configuration `num`, or undefined unless all are here and frozen. */
  leavingImages(num: number, shards: number[]): ShardImage[] | undefined {
    if (num !== this.config.num) return undefined;
    if (!shards.every((s) => s >= 0 && s < NSHARDS && this.shards[s].status === 'leaving'))
      return undefined;
    return shards.map((s) => this.shards[s].image(s));
  }

  /** A moved-in shard's data and duplicate table replace whatever the slot held. */
  protected installShard(shard: Shard, image: ShardImage): void {
    shard.install(image);
  }

  /** Challenge 1: a shard we no longer hold for anyone is deleted. */
  protected dropShard(s: number): void {
    this.shards[s].clear();
  }

  image(index: number): GroupImage {
    return {
      index,
      config: this.config,
      prev: this.prev,
      shards: this.shards.map((s) => [s.status, [...s.store.data], [...s.store.sessions]]),
    };
  }

  restore(image: GroupImage): void {
    this.config = image.config;
    this.prev = image.prev;
    image.shards.forEach(([status, data, sessions], s) => {
      this.shards[s].status = status;
      this.shards[s].install({ shard: s, data, sessions });
    });
  }
}

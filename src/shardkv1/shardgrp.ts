// One replica of a shard group: lab 2's versioned store on the rsm layer, partitioned into shards,
// each serving, frozen (a controller is moving it away: Get/Put answer ErrWrongGroup) or absent.
// Every shard remembers the highest configuration number a controller used for it, so that a
// controller that was superseded (its number lower) cannot freeze, install or delete it again:
// freeze and delete act on a number at least that high, install only on a higher one (the
// controller that froze the shard for a number may have installed it already).
import type { ClientEnd, Handler, PersisterApi, Runtime } from '../../harness/api';
import type { RSM, RSMModule, StateMachine } from '../../harness/contracts/rsm';
import type { RaftPeer } from '../../harness/contracts/raft';
import {
  GID1,
  key2shard,
  NSHARDS,
  type Command,
  type DeleteShardArgs,
  type DeleteShardReply,
  type FreezeShardArgs,
  type FreezeShardReply,
  type GetArgs,
  type GetReply,
  type InstallShardArgs,
  type InstallShardReply,
  type PutArgs,
  type PutReply,
  type ShardGrpServer,
  type Version,
} from './common';

export interface Entry {
  value: string;
  version: Version;
}

export type ShardStatus = 'serving' | 'frozen' | 'absent';

const WRONG_LEADER = Object.freeze({ err: 'ErrWrongLeader' } as const);

export class ShardGrpImpl implements ShardGrpServer, StateMachine {
  protected store = new Map<string, Entry>();
  protected status: ShardStatus[];
  /** The highest configuration number used for each shard. */
  protected nums: number[];
  readonly rsm: RSM;
  readonly handlers: Readonly<Record<string, Handler>>;

  constructor(
    servers: ClientEnd[],
    readonly gid: number,
    readonly me: number,
    persister: PersisterApi,
    maxraftstate: number,
    readonly runtime: Runtime,
    makeRSM: RSMModule['makeRSM'],
  ) {
    this.status = new Array<ShardStatus>(NSHARDS).fill(gid === GID1 ? 'serving' : 'absent');
    this.nums = new Array<number>(NSHARDS).fill(0);
    this.handlers = {
      Get: (args: GetArgs) => this.submit<GetReply>({ op: 'get', key: args.key }),
      Put: (a: PutArgs) =>
        this.submit<PutReply>({ op: 'put', key: a.key, value: a.value, version: a.version }),
      FreezeShard: (a: FreezeShardArgs) =>
        this.submit<FreezeShardReply>({ op: 'freeze', shard: a.shard, num: a.num }),
      InstallShard: (a: InstallShardArgs) =>
        this.submit<InstallShardReply>({
          op: 'install',
          shard: a.shard,
          state: a.state,
          num: a.num,
        }),
      DeleteShard: (a: DeleteShardArgs) =>
        this.submit<DeleteShardReply>({ op: 'delete', shard: a.shard, num: a.num }),
    };
    this.rsm = makeRSM(servers, me, persister, maxraftstate, this, runtime);
  }

  get raft(): RaftPeer {
    return this.rsm.raft;
  }

  /** Runs the command through the log; ErrWrongLeader (with empty fields) if this replica cannot say. */
  private async submit<Reply>(command: Command): Promise<Reply> {
    const r = await this.rsm.submit(command);
    if (r.err !== 'OK')
      return { ...WRONG_LEADER, value: '', version: 0, state: new Uint8Array(), num: 0 } as Reply;
    return r.value as Reply;
  }

  /** Executes one committed command (the rsm calls it on every replica, in log order). */
  doOp(req: unknown): unknown {
    const c = req as Command;
    switch (c.op) {
      case 'get':
        return this.applyGet(c);
      case 'put':
        return this.applyPut(c);
      case 'freeze':
        return this.applyFreeze(c);
      case 'install':
        return this.applyInstall(c);
      case 'delete':
        return this.applyDelete(c);
    }
  }

  protected serves(key: string): boolean {
    return this.status[key2shard(key)] === 'serving';
  }

  protected applyGet(args: GetArgs): GetReply {
    if (!this.serves(args.key)) return { value: '', version: 0, err: 'ErrWrongGroup' };
    const entry = this.store.get(args.key);
    if (!entry) return { value: '', version: 0, err: 'ErrNoKey' };
    return { value: entry.value, version: entry.version, err: 'OK' };
  }

  protected applyPut(args: PutArgs): PutReply {
    if (!this.serves(args.key)) return { err: 'ErrWrongGroup' };
    const entry = this.store.get(args.key);
    const current = entry?.version ?? 0;
    if (args.version !== current) return { err: entry ? 'ErrVersion' : 'ErrNoKey' };
    this.store.set(args.key, { value: args.value, version: current + 1 });
    return { err: 'OK' };
  }

  /** Freezes the shard for `num` and hands out its keys (again, if already frozen for it). */
  protected applyFreeze(args: FreezeShardArgs): FreezeShardReply {
    const { shard, num } = args;
    if (num < this.nums[shard])
      return { state: new Uint8Array(), num: this.nums[shard], err: 'OK' };
    this.nums[shard] = num;
    if (this.status[shard] === 'serving') this.status[shard] = 'frozen';
    return { state: this.shardState(shard), num, err: 'OK' };
  }

  /** Serves the shard from `num` on, with the frozen keys it was given. */
  protected applyInstall(args: InstallShardArgs): InstallShardReply {
    const { shard, num } = args;
    if (num <= this.nums[shard]) return { err: 'OK' };
    this.nums[shard] = num;
    this.dropShard(shard);
    const entries = this.runtime.codec.decode<[string, Entry][]>(args.state);
    for (const [k, e] of entries) this.store.set(k, e);
    this.status[shard] = 'serving';
    return { err: 'OK' };
  }

  /** Forgets the shard if it is frozen (for `num` or an older number). */
  protected applyDelete(args: DeleteShardArgs): DeleteShardReply {
    const { shard, num } = args;
    if (num < this.nums[shard]) return { err: 'OK' };
    this.nums[shard] = num;
    if (this.status[shard] === 'frozen') {
      this.dropShard(shard);
      this.status[shard] = 'absent';
    }
    return { err: 'OK' };
  }

  protected shardState(shard: number): Uint8Array {
    const entries = [...this.store].filter(([k]) => key2shard(k) === shard);
    return this.runtime.codec.encode(entries);
  }

  protected dropShard(shard: number): void {
    for (const k of [...this.store.keys()]) if (key2shard(k) === shard) this.store.delete(k);
  }

  snapshot(): Uint8Array {
    return this.runtime.codec.encode([[...this.store], this.status, this.nums]);
  }

  restore(data: Uint8Array): void {
    const [store, status, nums] =
      this.runtime.codec.decode<[[string, Entry][], ShardStatus[], number[]]>(data);
    this.store = new Map(store);
    this.status = status;
    this.nums = nums;
  }

  kill(): void {
    this.rsm.kill();
  }
}

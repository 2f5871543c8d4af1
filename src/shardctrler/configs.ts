// The replicated state machine: the numbered configurations plus the duplicate-detection table.
// Every replica applies the same ops in the same order, so every replica holds the same history.
import { NShards, type Config, type Groups, type Op } from './common';
import { rebalance } from './rebalance';

export class ConfigHistory {
  /** configs[i].num === i; configuration 0 has no groups and every shard on gid 0. */
  readonly configs: Config[] = [{ num: 0, shards: new Array<number>(NShards).fill(0), groups: {} }];
  /** clientId -> highest join/leave/move seq applied. A clerk sends one op at a time with
   * increasing seqs, so any write with seq <= this has already been applied. */
  readonly sessions = new Map<number, number>();

  get latest(): Config {
    return this.configs[this.configs.length - 1];
  }

  /** Configuration `num`; a negative number or one past the latest means the latest. */
  query(num: number): Config {
    return num >= 0 && num < this.configs.length ? this.configs[num] : this.latest;
  }

  isDuplicate(clientId: number, seq: number): boolean {
    return seq <= (this.sessions.get(clientId) ?? 0);
  }

  /** Applies `op` (a write at most once per (clientId, seq)); a query answers its configuration. */
  apply(op: Op): Config | undefined {
    if (op.kind === 'Query') return this.query(op.num);
    if (this.isDuplicate(op.clientId, op.seq)) return undefined;
    this.sessions.set(op.clientId, op.seq);
    this.configs.push(this.next(op));
    return undefined;
  }

  /** The configuration a join, leave or move makes from the latest. */
  protected next(op: Exclude<Op, { kind: 'Query' }>): Config {
    const prev = this.latest;
    const num = prev.num + 1;
    const groups: Groups = { ...prev.groups };
    switch (op.kind) {
      case 'Join':
        for (const [gid, names] of Object.entries(op.servers)) groups[Number(gid)] = [...names];
        return { num, shards: this.rebalance(prev.shards, groups), groups };
      case 'Leave':
        for (const gid of op.gids) delete groups[gid];
        return { num, shards: this.rebalance(prev.shards, groups), groups };
      case 'Move': {
        const shards = [...prev.shards];
        shards[op.shard] = op.gid;
        return { num, shards, groups };
      }
    }
  }

  /** Overridable by variants; Object.keys on integer keys is ascending on every replica. */
  protected rebalance(shards: readonly number[], groups: Groups): number[] {
    return rebalance(shards, Object.keys(groups).map(Number));
  }
}

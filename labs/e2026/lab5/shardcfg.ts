// The course's shardcfg package, the tester's side: a configuration's joins and leaves with the
// course's deterministic rebalance (move one shard at a time from the most to the least loaded
// group, lowest gid first on ties, lowest shard first), membership, and CheckConfig.
import { NSHARDS, type ShardConfig } from '../../../harness/contracts/shardkv1';
import { fail } from '../../../harness/scenario';

export { GID1, NSHARDS, NUM_FIRST, key2shard } from '../../../harness/contracts/shardkv1';
export type { ShardConfig } from '../../../harness/contracts/shardkv1';

export function makeShardConfig(): ShardConfig {
  return { num: 0, shards: new Array<number>(NSHARDS).fill(0), groups: {} };
}

export function copyConfig(c: ShardConfig): ShardConfig {
  const groups: Record<number, string[]> = {};
  for (const [g, srvs] of Object.entries(c.groups)) groups[Number(g)] = [...srvs];
  return { num: c.num, shards: [...c.shards], groups };
}

function gids(c: ShardConfig): number[] {
  return Object.keys(c.groups)
    .map(Number)
    .sort((a, b) => a - b);
}

/** The most and least loaded groups (lowest gid first on ties) and their shard counts. */
function analyze(c: ShardConfig) {
  const counts = new Map<number, number>();
  for (const g of c.shards) counts.set(g, (counts.get(g) ?? 0) + 1);
  let most = -1;
  let mostN = -1;
  let least = -1;
  let leastN = 257;
  for (const g of gids(c)) {
    const n = counts.get(g) ?? 0;
    if (n < leastN) [least, leastN] = [g, n];
    if (n > mostN) [most, mostN] = [g, n];
  }
  return { most, mostN, least, leastN };
}

export function rebalance(c: ShardConfig): void {
  if (gids(c).length < 1) {
    c.shards.fill(0);
    return;
  }
  for (let s = 0; s < NSHARDS; s++) if (!(c.shards[s] in c.groups)) c.shards[s] = analyze(c).least;
  for (;;) {
    const { most, mostN, least, leastN } = analyze(c);
    if (mostN < leastN + 2) break;
    c.shards[c.shards.indexOf(most)] = least;
  }
}

/** Adds the groups and rebalances; false (unchanged) if one of them is already in. */
export function joinBalance(c: ShardConfig, servers: Record<number, string[]>): boolean {
  for (const g of Object.keys(servers)) if (g in c.groups) return false;
  for (const [g, srvs] of Object.entries(servers)) c.groups[Number(g)] = [...srvs];
  c.num++;
  rebalance(c);
  return true;
}

/** Removes the groups and rebalances; false (unchanged) if one of them is not in. */
export function leaveBalance(c: ShardConfig, leaving: readonly number[]): boolean {
  for (const g of leaving) if (!(g in c.groups)) return false;
  for (const g of leaving) delete c.groups[g];
  c.num++;
  rebalance(c);
  return true;
}

export function isMember(c: ShardConfig, gid: number): boolean {
  return c.shards.includes(gid);
}

/** The course's CheckConfig: exactly these groups, every shard on one of them, balanced within one. */
export function checkConfig(c: ShardConfig, groups: readonly number[]): void {
  const have = gids(c);
  if (have.length !== groups.length)
    fail('config-valid', `wanted ${groups.length} groups, got ${have.length}`);
  for (const g of groups) if (!(g in c.groups)) fail('config-valid', `missing group ${g}`);
  if (groups.length > 0)
    c.shards.forEach((g, s) => {
      if (!(g in c.groups)) fail('config-valid', `shard ${s} -> invalid group ${g}`);
    });
  const counts = have.map((g) => c.shards.filter((x) => x === g).length);
  const max = Math.max(0, ...counts);
  const min = Math.min(257, ...counts);
  if (max > min + 1) fail('config-valid', `max ${max} too much larger than min ${min}`);
}

/** Parses a configuration the learner's controller returned, failing clearly if it is not one. */
export function asConfig(value: unknown, what: string): ShardConfig {
  const c = value as ShardConfig;
  if (
    !c ||
    typeof c.num !== 'number' ||
    !Array.isArray(c.shards) ||
    c.shards.length !== NSHARDS ||
    typeof c.groups !== 'object'
  )
    fail('contract', `${what} must return a ShardConfig { num, shards[${NSHARDS}], groups }`);
  return c;
}

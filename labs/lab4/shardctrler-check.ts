// The controller suite's check helpers (the course's check and check_same_config) and the rules
// of a good rebalance: balanced, and moving as few shards as possible. Written against
// configurations as clients see them, independently of src/.
import {
  gidsOf,
  NShards,
  type Clerk,
  type Config,
  type Groups,
} from '../../harness/contracts/shardctrler';
import { fail } from '../../harness/scenario';

/** The course's check(): the latest configuration has exactly `groups`, every shard on one of them, balanced. */
export async function check(groups: readonly number[], ck: Clerk): Promise<void> {
  const c = await ck.query(-1);
  const have = gidsOf(c);
  if (have.length !== groups.length)
    fail('config-valid', `wanted ${groups.length} groups, got ${have.length}`);
  for (const g of groups) {
    if (c.groups[g] === undefined) fail('config-valid', `missing group ${g}`);
  }
  const problem = unbalanced(c);
  if (problem) fail('config-valid', problem);
}

/** Why `c` is not a valid balanced assignment (a shard off every group, or counts differing by more than one); undefined if it is. */
export function unbalanced(c: Config): string | undefined {
  const gids = gidsOf(c);
  if (gids.length === 0) return undefined;
  if (c.shards.length !== NShards)
    return `configuration ${c.num} has ${c.shards.length} shards, not ${NShards}`;
  const counts = new Map<number, number>(gids.map((g) => [g, 0]));
  for (let s = 0; s < NShards; s++) {
    const g = c.shards[s];
    if (!counts.has(g)) return `shard ${s} -> invalid group ${g}`;
    counts.set(g, counts.get(g)! + 1);
  }
  const min = Math.min(...counts.values());
  const max = Math.max(...counts.values());
  if (max > min + 1) return `max ${max} too much larger than min ${min}`;
  return undefined;
}

/**
 * The course's check_same_config: `got` (what `returned` names, e.g. "query(1) returned") has the
 * same number, shards and groups (server lists in order) as `expected`.
 */
export function checkSameConfig(
  got: Config,
  expected: Config,
  returned: string,
  expectedSide = 'expected',
): void {
  const difference = configDifference(got, expected, returned, expectedSide);
  if (difference) fail('config-same', difference);
}

/**
 * How `got` differs from `expected` (number, shards, groups or a group's server list), each side
 * named: `query(1) returned shards [...]; expected [...]`; undefined if they are the same.
 */
export function configDifference(
  got: Config,
  expected: Config,
  returned: string,
  expectedSide = 'expected',
): string | undefined {
  if (got.num !== expected.num)
    return `${returned} configuration ${got.num}; ${expectedSide} configuration ${expected.num}`;
  const of = `(configuration ${got.num})`;
  if (
    got.shards.length !== expected.shards.length ||
    got.shards.some((g, s) => expected.shards[s] !== g)
  )
    return `${returned} shards [${got.shards}]; ${expectedSide} [${expected.shards}] ${of}`;
  const g1 = gidsOf(got);
  const g2 = gidsOf(expected);
  if (g1.length !== g2.length)
    return `${returned} groups ${g1.join(', ')}; ${expectedSide} ${g2.join(', ')} ${of}`;
  for (const gid of g1) {
    if (!sameList(got.groups[gid], expected.groups[gid]))
      return `${returned} group ${gid} as ${JSON.stringify(got.groups[gid])}; ${expectedSide} ${JSON.stringify(expected.groups[gid])} ${of}`;
  }
  return undefined;
}

/** The same groups, each with the same server list in the same order. */
export function sameGroups(a: Groups, b: Groups): boolean {
  const ga = gidsOf({ groups: a });
  return ga.length === gidsOf({ groups: b }).length && ga.every((gid) => sameList(a[gid], b[gid]));
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return (
    a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => b[i] === x)
  );
}

/** How many shards have a different owner in `a` and `b`. */
export function changedShards(a: readonly number[], b: readonly number[]): number {
  return a.filter((g, s) => b[s] !== g).length;
}

/**
 * The fewest shards any balanced assignment over `gids` must move away from `prev`: every shard
 * whose owner is not in `gids`, plus each group's excess over its target, where the targets are
 * ⌊n/G⌋ or one more and the larger ones go to the groups holding the most (which minimises the
 * excess; any other choice of targets moves at least as many).
 */
export function minimalMoves(prev: readonly number[], gids: readonly number[]): number {
  const live = new Set(gids);
  const orphans = prev.filter((g) => !live.has(g)).length;
  if (live.size === 0) return prev.filter((g) => g !== 0).length;
  const held = [...live].map((g) => prev.filter((x) => x === g).length).sort((a, b) => b - a);
  const base = Math.floor(prev.length / live.size);
  const extra = prev.length % live.size;
  return (
    orphans + held.reduce((sum, h, i) => sum + Math.max(0, h - (base + (i < extra ? 1 : 0))), 0)
  );
}

/** Why `next` is not a minimal rebalance of `prev` onto its own groups; undefined if it is. */
export function nonMinimal(prev: Config, next: Config): string | undefined {
  const moved = changedShards(prev.shards, next.shards);
  const least = minimalMoves(prev.shards, gidsOf(next));
  if (moved > least)
    return `configuration ${next.num} moved ${moved} shards from configuration ${prev.num}; ${least} would do ([${prev.shards}] -> [${next.shards}])`;
  return undefined;
}

// Rebalancing, as a pure function every replica computes identically: it looks only at the
// shard array and the sorted gid list, never at the iteration order of a Map or a Set.

/**
 * The new owner of every shard once the groups are exactly `gids`: shard counts differ by at most
 * one between groups (with more groups than shards, some own none), and as few shards as possible
 * change owner. With no groups every shard goes to gid 0.
 *
 * Why it is minimal: a shard must move if its owner is gone (or is 0), or if its owner holds more
 * than its target. Each group's target is ⌊n/G⌋ or one more; the larger targets go to the groups
 * holding the most shards, which makes the sum of the excesses, hence the moves, smallest.
 */
export function rebalance(shards: readonly number[], gids: readonly number[]): number[] {
  const n = shards.length;
  // Stryker disable next-line MethodExpression,ArrowFunction,ArithmeticOperator: gids arrive sorted (Object.keys), and any order the replicas share deals as evenly and minimally
  const groups = [...new Set(gids)].sort((a, b) => a - b);
  if (groups.length === 0) return shards.map(() => 0);
  // Stryker disable all: unreachable, gid 0 never joins (invalidOp refuses it)
  if (groups.includes(0))
    throw new Error('rebalance: gid 0 is the invalid group and cannot own shards');
  // Stryker restore all

  // The shards each group keeps for now, in shard order, and those without a live owner.
  const owned = new Map<number, number[]>(groups.map((g) => [g, []]));
  const free: number[] = [];
  shards.forEach((g, s) => (owned.get(g) ?? free).push(s));

  const base = Math.floor(n / groups.length);
  const extra = n % groups.length;
  const byHolding = [...groups].sort(
    // Stryker disable next-line ArithmeticOperator: a tie may go either way as long as every replica breaks it alike
    (a, b) => owned.get(b)!.length - owned.get(a)!.length || a - b,
  );
  const target = new Map<number, number>(byHolding.map((g, i) => [g, base + (i < extra ? 1 : 0)]));

  // Groups over their target give up their highest-numbered shards.
  for (const g of groups) {
    const mine = owned.get(g)!;
    while (mine.length > target.get(g)!) free.push(mine.pop()!);
  }
  // Stryker disable next-line MethodExpression,ArrowFunction,ArithmeticOperator: any order the replicas share deals as evenly and minimally
  free.sort((a, b) => a - b);
  const next = [...shards];
  let k = 0;
  for (const g of groups) {
    const mine = owned.get(g)!;
    for (let need = target.get(g)! - mine.length; need > 0; need--) next[free[k++]] = g;
  }
  // Stryker disable all: unreachable, the targets add up to n (base for each group, plus extra)
  if (k !== free.length)
    throw new Error(
      `rebalance: ${free.length - k} shards left unassigned (targets do not add up to ${n})`,
    );
  // Stryker restore all
  return next;
}

// Rebalancing (src/shardctrler/rebalance.ts): balanced, minimal, deterministic, for any gid set;
// and the harness's independent minimal-move count (labs/lab4/shardctrler-check.ts) agrees
// with an exhaustive search on small cases.
import { expect } from 'chai';
import { minimalMoves, changedShards } from '../../labs/lab4/shardctrler-check';
import { rebalance } from '../../src/shardctrler/rebalance';
import { Rng } from '../../engine/sim/rng';

function counts(shards: readonly number[], gids: readonly number[]): number[] {
  return gids.map((g) => shards.filter((x) => x === g).length);
}

function expectBalanced(shards: readonly number[], gids: readonly number[]): void {
  if (gids.length === 0) {
    expect(
      shards.every((g) => g === 0),
      `[${shards}] with no groups`,
    ).to.equal(true);
    return;
  }
  expect(
    shards.every((g) => gids.includes(g)),
    `[${shards}] not all on [${gids}]`,
  ).to.equal(true);
  const c = counts(shards, gids);
  expect(Math.max(...c) - Math.min(...c), `counts ${c}`).to.be.at.most(1);
}

/** The fewest moves over every balanced assignment of `prev.length` shards to `gids` (small cases only). */
function bruteForceMinimum(prev: readonly number[], gids: readonly number[]): number {
  let best = Infinity;
  const next = new Array<number>(prev.length);
  const walk = (s: number): void => {
    if (s === prev.length) {
      const c = counts(next, gids);
      if (Math.max(...c) - Math.min(...c) <= 1) best = Math.min(best, changedShards(prev, next));
      return;
    }
    for (const g of gids) {
      next[s] = g;
      walk(s + 1);
    }
  };
  walk(0);
  return best;
}

/** A random starting point: shards on a mix of live, departed and no groups (as after moves). */
function randomCase(rng: Rng, n: number): { prev: number[]; gids: number[] } {
  const pool = [0, 1, 2, 3, 4, 5, 6, 7, 100, 3009];
  const prev = Array.from({ length: n }, () => pool[rng.int(pool.length)]);
  const gids = pool.slice(1).filter(() => rng.int(2) === 0);
  return { prev, gids };
}

describe('shard controller rebalance', () => {
  it('gives every shard to the first group joined', () => {
    expect(rebalance(new Array(10).fill(0), [1])).to.deep.equal(new Array(10).fill(1));
  });

  it("moves only what the new group needs on a join, and only the departed group's shards on a leave", () => {
    const two = rebalance(new Array(10).fill(1), [1, 2]);
    expect(counts(two, [1, 2])).to.deep.equal([5, 5]);
    expect(changedShards(new Array(10).fill(1), two)).to.equal(5);
    const three = rebalance(two, [1, 2, 3]);
    expectBalanced(three, [1, 2, 3]);
    expect(changedShards(two, three)).to.equal(3);
    expect(three.filter((g, s) => g !== 3 && g !== two[s])).to.deep.equal([]);
    const left = rebalance(three, [2, 3]);
    expectBalanced(left, [2, 3]);
    expect(left.filter((g, s) => three[s] !== 1 && g !== three[s])).to.deep.equal([]);
  });

  it('sends every shard to gid 0 when the last group leaves', () => {
    expect(rebalance([5, 5, 6, 6, 5, 6, 5, 6, 5, 6], [])).to.deep.equal(new Array(10).fill(0));
  });

  it('with more groups than shards, gives one shard each to groups that already hold one and moves nothing', () => {
    const prev = [100, 110, 120, 130, 140, 150, 160, 170, 180, 190];
    const gids = [11, 12, 13, 14, 15, ...prev];
    expect(rebalance(prev, gids)).to.deep.equal(prev);
    // 15 groups, 5 leave that held shards: their shards go to 5 of the groups holding none.
    const after = rebalance(prev, [11, 12, 13, 14, 15, 150, 160, 170, 180, 190]);
    expectBalanced(after, [11, 12, 13, 14, 15, 150, 160, 170, 180, 190]);
    expect(changedShards(prev, after)).to.equal(5);
  });

  it('is a function of the gid set only: order and repeats of the list do not matter', () => {
    const prev = [1, 1, 1, 1, 2, 2, 2, 0, 7, 7];
    const a = rebalance(prev, [1, 2, 3, 4]);
    expect(rebalance(prev, [4, 3, 2, 1])).to.deep.equal(a);
    expect(rebalance(prev, [3, 1, 4, 2, 3, 1])).to.deep.equal(a);
  });

  it('handles gids reused after leaving like new ones', () => {
    const one = rebalance(new Array(10).fill(0), [1]);
    const none = rebalance(one, []);
    expect(rebalance(none, [1])).to.deep.equal(one);
  });

  it('rejects gid 0 as a group', () => {
    expect(() => rebalance(new Array(10).fill(0), [0, 1])).to.throw(/gid 0/);
  });

  it('is balanced and moves exactly the minimum on 2000 random cases (10 shards, up to 9 groups)', () => {
    const rng = new Rng(42, 'rebalance');
    for (let i = 0; i < 2000; i++) {
      const { prev, gids } = randomCase(rng, 10);
      const next = rebalance(prev, gids);
      expectBalanced(next, gids);
      expect(changedShards(prev, next), `[${prev}] onto [${gids}] -> [${next}]`).to.equal(
        minimalMoves(prev, gids),
      );
    }
  });

  it('minimalMoves agrees with an exhaustive search on small cases (6 shards, up to 4 groups)', () => {
    const rng = new Rng(7, 'minimal');
    for (let i = 0; i < 300; i++) {
      const { prev } = randomCase(rng, 6);
      const gids = [1, 2, 3, 100].filter(() => rng.int(2) === 0);
      if (gids.length === 0) continue;
      expect(minimalMoves(prev, gids), `[${prev}] onto [${gids}]`).to.equal(
        bruteForceMinimum(prev, gids),
      );
    }
  });
});

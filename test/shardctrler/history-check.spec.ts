// The churn tests' history check (labs/lab4/shardctrler-history-check.ts) on small
// hand-made histories: a good one passes, and each kind of wrong history fails with its reason.
import { expect } from 'chai';
import type { Config } from '../../harness/contracts/shardctrler';
import { checkCtrlerHistory } from '../../labs/lab4/shardctrler-history-check';
import type { CtrlerInput, CtrlerOperation } from '../../labs/lab4/shardctrler-history';

const c0: Config = { num: 0, shards: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], groups: {} };
const c1: Config = { num: 1, shards: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], groups: { 1: ['a'] } };
const c2: Config = { num: 2, shards: [100, 1, 1, 1, 1, 1, 1, 1, 1, 1], groups: { 1: ['a'] } };
const c3: Config = {
  num: 3,
  shards: [2, 1, 1, 1, 1, 1, 2, 2, 2, 2],
  groups: { 1: ['a'], 2: ['b'] },
};

function op(
  client: number,
  input: CtrlerInput,
  call: number,
  ret: number | undefined,
  output?: Config,
): CtrlerOperation {
  return { client, input, call, return: ret, output };
}

const join1 = op(0, { op: 'join', servers: { 1: ['a'] } }, 1, 2);
const move0 = op(0, { op: 'move', shard: 0, gid: 100 }, 3, 4);
const join2 = op(1, { op: 'join', servers: { 2: ['b'] } }, 5, 6);
const latest = op(1, { op: 'query', num: -1 }, 7, 8, c3);
const first = op(0, { op: 'query', num: 1 }, 9, 10, c1);
const good = [join1, move0, join2, latest, first];

describe('shard controller history check', () => {
  it('passes a history the configurations explain', () => {
    expect(() => checkCtrlerHistory(good, [c0, c1, c2, c3])).to.not.throw();
  });

  it('fails a write applied twice', () => {
    expect(() => checkCtrlerHistory(good, [c0, c1, c2, c3, { ...c3, num: 4 }])).to.throw(
      /configuration 4 is explained by no write/,
    );
  });

  it('fails an acknowledged write that took effect nowhere', () => {
    expect(() => checkCtrlerHistory([join1, move0, join2], [c0, c1, c2])).to.throw(
      /join\(\{"servers":\{"2":\["b"\]\}\}\) .* was acknowledged but took effect in no configuration/,
    );
  });

  it('fails a configuration that changed after it was numbered', () => {
    const seen = op(0, { op: 'query', num: 1 }, 9, 10, { ...c1, groups: { 1: ['a', 'x'] } });
    expect(() => checkCtrlerHistory([join1, move0, join2, seen], [c0, c1, c2, c3])).to.throw(
      /configuration 1 changed/,
    );
  });

  it('fails numbers that are not dense, and a configuration 0 that is not empty', () => {
    expect(() => checkCtrlerHistory([join1], [c0, { ...c1, num: 2 }])).to.throw(
      /numbers must be dense/,
    );
    expect(() => checkCtrlerHistory([], [{ ...c1, num: 0 }])).to.throw(
      /configuration 0 is not empty/,
    );
  });

  it('fails a join whose rebalance is balanced but moves more shards than needed', () => {
    const wasteful: Config = { ...c3, shards: [1, 2, 2, 2, 2, 2, 1, 1, 1, 1] };
    expect(() => checkCtrlerHistory([join1, move0, join2], [c0, c1, c2, wasteful])).to.throw(
      /moved 6 shards from configuration 2; 5 would do/,
    );
  });

  it('fails a join that leaves a shard off every group', () => {
    const orphan: Config = { ...c3, shards: [100, 1, 1, 1, 1, 2, 2, 2, 2, 2] };
    expect(() => checkCtrlerHistory([join1, move0, join2], [c0, c1, c2, orphan])).to.throw(
      /shard 0 -> invalid group 100/,
    );
  });

  it('fails a move that also moved other shards', () => {
    const rebalanced: Config = { ...c2, shards: [100, 1, 1, 1, 1, 1, 1, 1, 1, 0] };
    expect(() => checkCtrlerHistory([join1, move0], [c0, c1, rebalanced])).to.throw(
      /configuration 2 is explained by no write/,
    );
  });

  it('fails a write that took effect before one that had returned before it was called', () => {
    const j2: Config = {
      num: 2,
      shards: [1, 1, 1, 1, 1, 2, 2, 2, 2, 2],
      groups: { 1: ['a'], 2: ['b'] },
    };
    const m3: Config = {
      num: 3,
      shards: [100, 1, 1, 1, 1, 2, 2, 2, 2, 2],
      groups: { 1: ['a'], 2: ['b'] },
    };
    expect(() => checkCtrlerHistory([join1, move0, join2], [c0, c1, j2, m3])).to.throw(
      /made configuration 2, before configuration 3 of .* which had returned before it was called/,
    );
  });

  it('fails a query answering "latest" with a configuration older than an acknowledged write', () => {
    const stale = op(1, { op: 'query', num: -1 }, 7, 8, c2);
    expect(() => checkCtrlerHistory([join1, move0, join2, stale], [c0, c1, c2, c3])).to.throw(
      /answered configuration 2 as the latest, but configuration 3 was acknowledged before the query began \(stale\)/,
    );
  });

  it('fails a query that saw a write called only after it returned', () => {
    const early = op(1, { op: 'query', num: -1 }, 4.5, 4.6, c3);
    expect(() => checkCtrlerHistory([join1, move0, join2, early], [c0, c1, c2, c3])).to.throw(
      /saw configuration 3, made by a write called after the query returned/,
    );
  });

  it('fails a query for an existing number that answers another', () => {
    const wrong = op(0, { op: 'query', num: 1 }, 9, 10, c3);
    expect(() => checkCtrlerHistory([join1, move0, join2, wrong], [c0, c1, c2, c3])).to.throw(
      /query\(\{"num":1\}\) .* answered configuration 3/,
    );
  });
});

// The search's shortcuts around operations that never returned (PartitionSearch, open and twin):
// such an operation is not linearized where it changes nothing, of two with the same input the
// earlier call goes first, and once every returned operation is placed the open ones are appended.
// A pruned search (non-verbose) must give the full search's (verbose) verdict on random histories
// with crashed clients, legal and not, and its linearizations must be valid orders.
import { expect } from 'chai';
import {
  casRegisterModel,
  checkOperations,
  kvModel,
  type CasInput,
  type CasOutput,
  type CasState,
  type Model,
  type Operation,
} from '../../checker';
import { kv, kvOpen, randomCasHistory, randomKvCrashHistory } from './helpers';

type Ops = Operation<any, any>[];

interface Case {
  name: string;
  ops: Ops;
  partition?: boolean;
}

function effort(result: { partitions: { iterations: number }[] }): number {
  return result.partitions.reduce((sum, p) => sum + p.iterations, 0);
}

/** Problems found: verdicts that differ from the full search's, and invalid linearizations. */
function problems(model: Model<any, any, any>, cases: Case[]): string[] {
  const wrong: string[] = [];
  for (const c of cases) {
    const pruned = checkOperations(model, c.ops, { partition: c.partition });
    const full = checkOperations(model, c.ops, { partition: c.partition, verbose: true });
    if (pruned.verdict !== full.verdict)
      wrong.push(`${c.name}: pruned ${pruned.verdict}, full ${full.verdict}`);
    for (const p of pruned.partitions) {
      const problem = p.linearization && orderProblem(model, p.operations, p.linearization);
      if (problem) wrong.push(`${c.name} ${p.label}: ${problem}`);
    }
  }
  return wrong;
}

/** Why `order` is not a linearization of `ops` (every operation once, legal steps, real time kept), or undefined. */
function orderProblem(model: Model<any, any, any>, ops: Ops, order: number[]): string | undefined {
  if (order.length !== ops.length || new Set(order).size !== ops.length)
    return `${order.length} entries for ${ops.length} operations`;
  let state = model.init();
  let latestCall = -Infinity;
  let earliestReturn = Infinity;
  for (const i of order) {
    const op = ops[i];
    // Real time: nothing placed later may have returned before an earlier-placed one was called.
    if (op.return < latestCall)
      return `operation ${i} returned before one placed ahead of it was called`;
    latestCall = Math.max(latestCall, op.call);
    earliestReturn = Math.min(earliestReturn, op.return);
    const next = model.step(state, op.input, op.output);
    if (next === undefined) return `operation ${i} is illegal where it is placed`;
    state = next;
  }
  return undefined;
}

/** The history with the output of one returned get, read or cas changed: often no longer linearizable. */
function broken(ops: Ops, seed: number, change: (output: any) => any): Ops {
  const returned = ops.flatMap((op, i) =>
    op.return !== Infinity && ['get', 'read', 'cas'].includes(op.input.op) ? [i] : [],
  );
  const victim = returned[(seed * 7) % returned.length];
  const copy = ops.slice();
  copy[victim] = { ...copy[victim], output: change(copy[victim].output) };
  return copy;
}

const hasTwins = (ops: Ops) => {
  const open = ops.filter((op) => op.return === Infinity).map((op) => JSON.stringify(op.input));
  return new Set(open).size < open.length;
};

function casCases(): Case[] {
  const cases: Case[] = [];
  for (let seed = 1; seed <= 60; seed++) {
    const ops = randomCasHistory(seed, 4, 9, 3, 0.3);
    cases.push({ name: `cas ${seed}`, ops });
    const change = (o: CasOutput): CasOutput =>
      o.ok !== undefined
        ? { ok: !o.ok }
        : o.exists
          ? { exists: true, value: ((o.value ?? 0) + 1) % 3 }
          : { exists: true, value: seed % 3 };
    cases.push({ name: `cas ${seed}, one output changed`, ops: broken(ops, seed, change) });
  }
  return cases;
}

describe('linearizability: operations that never returned', function () {
  this.timeout(120_000);

  it("random cas-register histories with crashed clients: the full search's verdicts, valid linearizations, less work", () => {
    const cases = casCases();
    expect(problems(casRegisterModel, cases)).to.deep.equal([]);
    const verdicts = cases.map((c) => checkOperations(casRegisterModel, c.ops).verdict);
    expect(
      verdicts.filter((v, i) => i % 2 === 0 && v !== 'ok'),
      'the generator makes legal histories',
    ).to.deep.equal([]);
    expect(verdicts.filter((v) => v === 'illegal').length).to.be.greaterThan(10);
    expect(cases.filter((c) => hasTwins(c.ops)).length, 'histories with twins').to.be.greaterThan(
      20,
    );
    const pruned = cases.reduce(
      (sum, c) => sum + effort(checkOperations(casRegisterModel, c.ops)),
      0,
    );
    const full = cases.reduce(
      (sum, c) => sum + effort(checkOperations(casRegisterModel, c.ops, { verbose: true })),
      0,
    );
    expect(pruned).to.be.lessThan(full);
  });

  it("random kv histories with crashed clients, partitioned and not: the full search's verdicts, valid linearizations", () => {
    const cases: Case[] = [];
    for (let seed = 1; seed <= 30; seed++) {
      const ops = randomKvCrashHistory(seed, 4, 8, 2, 0.2);
      for (const partition of [true, false]) {
        cases.push({ name: `kv ${seed}${partition ? '' : ', whole'}`, ops, partition });
        const stale = broken(ops, seed, () => ({ value: seed % 2 ? 'v1' : '' }));
        cases.push({
          name: `kv ${seed}, one get changed${partition ? '' : ', whole'}`,
          ops: stale,
          partition,
        });
      }
    }
    expect(problems(kvModel, cases)).to.deep.equal([]);
    const verdicts = cases.map(
      (c) => checkOperations(kvModel, c.ops, { partition: c.partition }).verdict,
    );
    expect(
      verdicts.filter((v, i) => i % 2 === 0 && v !== 'ok'),
      'the generator makes legal histories',
    ).to.deep.equal([]);
    expect(verdicts.filter((v) => v === 'illegal').length).to.be.greaterThan(10);
    expect(cases.filter((c) => hasTwins(c.ops)).length, 'histories with twins').to.be.greaterThan(
      5,
    );
  });

  it('hand-made: a crashed put needed later, twins, a crashed operation never needed', () => {
    const put = (key: string, value: string) => ({ op: 'put' as const, key, value });
    const get = (key: string) => ({ op: 'get' as const, key });
    const verdict = (ops: Ops) => checkOperations(kvModel, ops).verdict;
    // The open put changes nothing where it could first go (x is "1" already), but must take effect later.
    const late = [
      kv(0, put('x', '1'), 0, 5),
      kvOpen(1, put('x', '1'), 1),
      kv(0, put('x', '2'), 10, 15),
    ];
    expect(verdict([...late, kv(2, get('x'), 20, 30, '1')])).to.equal('ok');
    expect(verdict([...late, kv(2, get('x'), 20, 30, '3')])).to.equal('illegal');
    // Two crashed puts of the same value, called after the get that would need them.
    expect(
      verdict([
        kvOpen(0, put('x', '1'), 50),
        kvOpen(1, put('x', '1'), 60),
        kv(2, get('x'), 10, 20, '1'),
      ]),
    ).to.equal('illegal');
    // "1", "2", then "1" again needs both twins, one before the put of "2" and one after.
    const seen = [
      kv(2, get('x'), 6, 8, '1'),
      kv(2, put('x', '2'), 10, 20),
      kv(3, get('x'), 30, 40, '2'),
      kv(3, get('x'), 50, 60, '1'),
    ];
    expect(verdict([kvOpen(0, put('x', '1'), 0), kvOpen(1, put('x', '1'), 5), ...seen])).to.equal(
      'ok',
    );
    expect(verdict([kvOpen(0, put('x', '1'), 0), ...seen])).to.equal('illegal');
    expect(
      verdict([kvOpen(0, put('x', '1'), 0), kvOpen(1, get('x'), 5), kv(2, get('x'), 10, 20, '')]),
    ).to.equal('ok');
  });

  it('a model that refuses an operation with no output is named (it breaks the contract of step)', () => {
    const strict: Model<CasState, CasInput, CasOutput> = {
      ...casRegisterModel,
      step: (state, input, output) =>
        output === undefined && input.op === 'cas'
          ? undefined
          : casRegisterModel.step(state, input, output),
    };
    const ops: Operation<CasInput, CasOutput>[] = [
      { clientId: 0, input: { op: 'write', arg1: 1 }, call: 0, output: {}, return: 10 },
      {
        clientId: 1,
        input: { op: 'cas', arg1: 1, arg2: 2 },
        call: 5,
        output: undefined,
        return: Infinity,
      },
    ];
    expect(() => checkOperations(strict, ops)).to.throw(
      /step refused an operation whose output is unknown/,
    );
  });
});

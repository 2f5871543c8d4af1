// The search's pruning of read-only operations (PartitionSearch, readOnly): the models' read-only
// declarations must be exact, and a pruned search (non-verbose) must give the same verdict as
// the full one (verbose) on every fixture and on random histories, legal and not. A wrong
// declaration (a write called read-only) is caught by the same comparison.
import * as fs from 'node:fs';
import { expect } from 'chai';
import {
  casRegisterModel,
  checkOperations,
  kvModel,
  parseHistory,
  type CasInput,
  type CasOutput,
  type CasState,
  type KvInput,
  type KvOutput,
  type Model,
  type Operation,
} from '../../checker';
import { etcdFiles, kvFiles, randomKvHistory, requireFixtures } from './helpers';

type Ops = Operation<any, any>[];

function effort(result: { partitions: { iterations: number }[] }): number {
  return result.partitions.reduce((sum, p) => sum + p.iterations, 0);
}

/** Files whose verdict differs between the pruned and the full search. */
function disagreements(
  model: Model<any, any, any>,
  cases: { name: string; ops: Ops; partition?: boolean }[],
): string[] {
  const wrong: string[] = [];
  for (const c of cases) {
    const pruned = checkOperations(model, c.ops, { partition: c.partition });
    const full = checkOperations(model, c.ops, { partition: c.partition, verbose: true });
    if (pruned.verdict !== full.verdict)
      wrong.push(`${c.name}: pruned ${pruned.verdict}, full ${full.verdict}`);
  }
  return wrong;
}

function etcdCases(): { name: string; ops: Ops }[] {
  requireFixtures();
  return etcdFiles().map(({ file }) => ({
    name: file.slice(-12),
    ops: parseHistory(fs.readFileSync(file, 'utf8')).operations,
  }));
}

describe('linearizability: pruning read-only operations', function () {
  this.timeout(120_000);

  it('the models call read-only exactly the operations that never change any state', () => {
    const casStates: CasState[] = [null, 0, 1, 2, 3];
    const casOps: [CasInput, CasOutput | undefined][] = [];
    for (const input of [
      { op: 'read' },
      { op: 'write', arg1: 1 },
      { op: 'cas', arg1: 1, arg2: 2 },
      { op: 'cas', arg1: 2, arg2: 2 },
    ] as CasInput[]) {
      for (const output of [
        undefined,
        { unknown: true },
        { ok: true },
        { ok: false },
        { exists: true, value: 1 },
        { exists: false },
        {},
      ])
        casOps.push([input, output]);
    }
    for (const [input, output] of casOps) {
      const changes = casStates.some(
        (s) => ![undefined, s].includes(casRegisterModel.step(s, input, output)),
      );
      const known = output !== undefined && !output.unknown;
      // Exact, except that a successful cas to the value it expects is left out (rare, and safe).
      const expected = input.op === 'read' || (input.op === 'cas' && known && output.ok !== true);
      expect(casRegisterModel.readOnly!(input, output), JSON.stringify([input, output])).to.equal(
        expected,
      );
      if (expected) expect(changes, JSON.stringify([input, output])).to.equal(false);
      else if (!(input.op === 'cas' && input.arg1 === input.arg2))
        expect(changes, JSON.stringify([input, output])).to.equal(true);
    }
    let kvState = kvModel.init();
    const kvStates = [kvState];
    for (const input of [
      { op: 'put', key: 'x', value: 'a' },
      { op: 'append', key: 'x', value: 'b' },
      { op: 'put', key: 'y', value: 'c' },
    ] as KvInput[]) {
      kvStates.push((kvState = kvModel.step(kvState, input, {})!));
    }
    const kvOps: [KvInput, KvOutput | undefined][] = [
      [{ op: 'get', key: 'x' }, { value: 'ab' }],
      [{ op: 'get', key: 'x' }, undefined],
      [{ op: 'append', key: 'x', value: '' }, {}],
      [{ op: 'append', key: 'x', value: 'z' }, {}],
      [{ op: 'put', key: 'x', value: 'ab' }, {}],
      [{ op: 'delete', key: 'y' }, {}],
    ];
    for (const [input, output] of kvOps) {
      const changes = kvStates.some((s) => {
        const after = kvModel.step(s, input, output);
        return after !== undefined && !kvModel.equal!(after, s);
      });
      expect(kvModel.readOnly!(input, output), JSON.stringify(input)).to.equal(!changes);
    }
  });

  it('gives the verdicts of the full search on the 102 etcd logs, with less work in all', () => {
    const cases = etcdCases();
    expect(disagreements(casRegisterModel, cases)).to.deep.equal([]);
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

  it('gives the verdicts of the full search on the kv logs and on random kv histories, legal and not', () => {
    requireFixtures();
    const cases: { name: string; ops: Ops; partition?: boolean }[] = kvFiles().map(({ file }) => ({
      name: file.slice(-11),
      ops: parseHistory(fs.readFileSync(file, 'utf8')).operations,
    }));
    for (let seed = 1; seed <= 30; seed++) {
      const ops = randomKvHistory(seed, 6, 25, 3);
      cases.push({ name: `random ${seed}`, ops, partition: false });
      // A get that sees a value nobody wrote, or one from much earlier: usually illegal.
      const gets = ops.flatMap((op, i) => (op.input.op === 'get' ? [i] : []));
      const broken = ops.slice();
      const victim = gets[seed % gets.length];
      const earlier = gets[Math.max(0, (seed % gets.length) - 3)];
      broken[victim] = {
        ...broken[victim],
        output: seed % 2 ? { value: 'x' } : ops[earlier].output,
      };
      cases.push({ name: `random ${seed}, one get changed`, ops: broken, partition: false });
    }
    expect(disagreements(kvModel, cases)).to.deep.equal([]);
    expect(
      cases.filter(
        (c) => checkOperations(kvModel, c.ops, { partition: c.partition }).verdict === 'illegal',
      ).length,
    ).to.be.greaterThan(10);
  });

  it('catches a model that calls a state-changing operation read-only (writes of the value already there)', () => {
    const wrong: Model<CasState, CasInput, CasOutput> = {
      ...casRegisterModel,
      readOnly: (input, output) =>
        input.op === 'write' || casRegisterModel.readOnly!(input, output),
    };
    expect(disagreements(wrong, etcdCases()).length).to.be.greaterThan(0);
  });
});

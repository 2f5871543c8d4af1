// The suites' linearizability verdicts do not depend on the machine: a check gives up after a
// search budget in iterations (checker/budget.ts), the same on every machine, and its real-time
// limit is only a guard that says so when it fires. And the versioned model's `inert` (a maybe-put
// at a version the key has passed changes nothing, now or later) prunes the search that made
// TestSnapshotRecoverManyClients4C's checks run out of time, without changing any verdict.
import { expect } from 'chai';
import { checkOperations, type CheckOptions } from '../../checker/check';
import { silenceFor } from '../../grader/grade';
import { courseCheckOptions, unknownVerdictNote } from '../../checker/budget';
import type { Model, Operation } from '../../checker/model';
import {
  versionedKvModel,
  type VersionedInput,
  type VersionedOutput,
  type VersionedState,
} from '../../checker/models/kv-versioned';
import { mulberry32, racingMaybePuts } from './helpers';

type VOp = Operation<VersionedInput, VersionedOutput>;
type VModel = Model<VersionedState, VersionedInput, VersionedOutput>;

const withoutInert: VModel = { ...versionedKvModel, inert: undefined };
const effort = (r: { partitions: { iterations: number }[] }) =>
  r.partitions.reduce((sum, p) => sum + p.iterations, 0);

/**
 * A random history of `clients` clients on two keys, executed atomically in a random order of
 * call, effect and return steps; puts at the key's version or one near it, some answered ErrMaybe
 * whatever happened (as a clerk's retried put does), some never returning. `corrupt`: one
 * returned output is then changed, which makes most histories illegal.
 */
function randomVersionedHistory(
  seed: number,
  clients: number,
  perClient: number,
  corrupt: boolean,
): VOp[] {
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const cells = new Map<string, { value: string; version: number }>();
  const ops: VOp[] = [];
  const state = Array.from({ length: clients }, () => ({ done: 0, op: -1, applied: false }));
  let now = 0;
  while (state.some((c) => c.done < perClient || c.op >= 0)) {
    const me = Math.floor(random() * clients);
    const c = state[me];
    now++;
    if (c.op < 0) {
      if (c.done === perClient) continue;
      const key = pick(['a', 'b']);
      const current = cells.get(key)?.version ?? 0;
      const input: VersionedInput =
        random() < 0.4
          ? { op: 'get', key }
          : {
              op: 'put',
              key,
              value: `${me}.${c.done}`,
              version: Math.max(0, current + pick([-1, 0, 0, 1])),
            };
      c.op = ops.push({ clientId: me, input, call: now, output: undefined, return: Infinity }) - 1;
      c.applied = false;
    } else if (!c.applied) {
      const op = ops[c.op];
      const cell = cells.get(op.input.key);
      if (op.input.op === 'get')
        op.output = cell
          ? { err: 'OK', value: cell.value, version: cell.version }
          : { err: 'ErrNoKey' };
      else if ((cell?.version ?? 0) === op.input.version) {
        cells.set(op.input.key, { value: op.input.value!, version: op.input.version + 1 });
        op.output = { err: random() < 0.4 ? 'ErrMaybe' : 'OK' };
      } else {
        const refused = cell || op.input.version === 0 ? 'ErrVersion' : 'ErrNoKey';
        op.output = { err: random() < 0.4 ? 'ErrMaybe' : refused };
      }
      c.applied = true;
    } else {
      const op = ops[c.op];
      if (random() < 0.05)
        op.output = undefined; // the client crashed: never returned
      else op.return = now;
      c.op = -1;
      c.done++;
    }
  }
  if (corrupt) {
    const returned = ops.filter((op) => op.output !== undefined);
    const victim = pick(returned);
    victim.output =
      victim.input.op === 'get'
        ? { err: 'OK', value: 'corrupt', version: 1 }
        : { err: victim.output!.err === 'OK' ? 'ErrVersion' : 'OK' };
  }
  return ops;
}

function verdicts(model: VModel, ops: VOp[]): { pruned: string; full: string } {
  return {
    pruned: checkOperations(model, ops).verdict,
    full: checkOperations(model, ops, { verbose: true }).verdict,
  };
}

describe('linearizability: a machine-independent verdict (search budget)', function () {
  this.timeout(60_000);

  it('gives the same verdict and effort whatever the real-time limit, once the budget is spent', () => {
    const ops = racingMaybePuts(20, 10);
    const runs = [0, 60_000, 3_600_000].map((timeoutMs) =>
      checkOperations(withoutInert, ops, { maxIterations: 300_000, timeoutMs }),
    );
    for (const r of runs) {
      expect(r.verdict).to.equal('unknown');
      expect(r.reason).to.equal('iteration limit');
      expect(effort(r)).to.equal(300_000);
    }
    expect(unknownVerdictNote(runs[0])).to.match(/^info: .*search budget of 300000 iterations/);
  });

  it('spends the budget exactly, across partitions taking turns', () => {
    const ops = [
      ...racingMaybePuts(20, 10),
      ...racingMaybePuts(20, 10).map((op) => ({ ...op, input: { ...op.input, key: 'j' } })),
    ];
    const r = checkOperations(withoutInert, ops, { maxIterations: 20_000 });
    // Slices of 8192 iterations in turn: 8192 + 8192, then the first spends the rest.
    expect(r.partitions.map((p) => p.iterations)).to.deep.equal([11_808, 8_192]);
    expect(r.reason).to.equal('iteration limit');
  });

  it('gives a history within its budget its verdict whatever the real-time limit', () => {
    const ops = racingMaybePuts(20, 10);
    for (const timeoutMs of [0, 60_000]) {
      const r = checkOperations(versionedKvModel, ops, { ...courseCheckOptions(1000), timeoutMs });
      expect(r.verdict).to.equal('ok');
      expect(unknownVerdictNote(r)).to.equal(undefined);
    }
  });

  it("warns that a verdict is the machine's when the real-time guard stops the check first", () => {
    const r = checkOperations(withoutInert, racingMaybePuts(20, 10), {
      maxIterations: 1e12,
      timeoutMs: 1,
    });
    expect(r.reason).to.equal('time limit');
    expect(unknownVerdictNote(r)).to.match(
      /^warning: .*real-time guard \(1 ms\).*depends on this machine/,
    );
  });

  it("turns the course's limit into a budget, with a guard beyond it but under the hang watchdog", () => {
    const o: CheckOptions = courseCheckOptions(1000);
    expect(o.maxIterations).to.be.greaterThan(0);
    expect(o.timeoutMs).to.be.above(1000);
    // The grader reports a worker silent for 10 s as hung (grader/grade.ts silenceFor).
    expect(courseCheckOptions(10_000).timeoutMs).to.be.below(silenceFor(60_000));
    expect(courseCheckOptions(10_000).maxIterations).to.equal(10 * o.maxIterations!);
    expect(() => courseCheckOptions(0)).to.throw(/positive time in ms/);
  });
});

describe('linearizability: the versioned model prunes inert maybe-puts', function () {
  this.timeout(60_000);

  it('calls inert only what changes no state reachable from the one given', () => {
    const values = ['x', 'y'];
    const states: VersionedState[] = [versionedKvModel.init()];
    for (let i = 0; i < 4; i++) {
      const last = states[states.length - 1];
      const version = last.cells.k?.version ?? 0;
      states.push(
        versionedKvModel.step(
          last,
          { op: 'put', key: 'k', value: values[i % 2], version },
          { err: 'OK' },
        )!,
      );
    }
    for (let from = 0; from < states.length; from++)
      for (const version of [0, 1, 2, 3, 4, 5])
        for (const output of [undefined, { err: 'ErrMaybe' }, { err: 'OK' }] as (
          VersionedOutput | undefined
        )[]) {
          const input: VersionedInput = { op: 'put', key: 'k', value: 'z', version };
          if (!versionedKvModel.inert!(states[from], input, output)) continue;
          // Every later state of the key (versions only grow) is left as it is.
          for (const later of states.slice(from))
            expect(versionedKvModel.step(later, input, output), `v${version} at ${from}`).to.equal(
              later,
            );
        }
  });

  it("gives the full search's verdict on random histories, legal and not", () => {
    const wrong: string[] = [];
    const seen = { ok: 0, illegal: 0 };
    for (let seed = 1; seed <= 300; seed++) {
      const ops = randomVersionedHistory(seed, 4, 5, seed % 2 === 0);
      const v = verdicts(versionedKvModel, ops);
      if (v.pruned !== v.full) wrong.push(`seed ${seed}: pruned ${v.pruned}, full ${v.full}`);
      if (v.full === 'ok' || v.full === 'illegal') seen[v.full]++;
    }
    expect(wrong).to.deep.equal([]);
    expect(seen.ok).to.be.greaterThan(50);
    expect(seen.illegal).to.be.greaterThan(50);
  });

  it('is caught by the same comparison when it calls a put inert that may still take effect', () => {
    const careless: VModel = {
      ...versionedKvModel,
      inert: (state, input, output) =>
        input.op === 'put' &&
        output?.err === 'ErrMaybe' &&
        state.cells[input.key]?.version !== input.version,
    };
    const wrong: number[] = [];
    for (let seed = 1; seed <= 300 && wrong.length === 0; seed++) {
      const ops = randomVersionedHistory(seed, 4, 5, false);
      const v = verdicts(careless, ops);
      if (v.pruned !== v.full) wrong.push(seed);
    }
    expect(wrong).to.have.length(1);
  });

  it("finishes the racing maybe-puts of TestSnapshotRecoverManyClients4C's shape in a sliver of its budget", () => {
    const ops = racingMaybePuts(20, 10);
    const budget = courseCheckOptions(1000);
    const r = checkOperations(versionedKvModel, ops, budget);
    expect(r.verdict).to.equal('ok');
    expect(effort(r)).to.be.below(budget.maxIterations! / 100);
    const blind = checkOperations(withoutInert, ops, {
      maxIterations: budget.maxIterations! / 100,
    });
    expect(blind.verdict).to.equal('unknown');
  });
});

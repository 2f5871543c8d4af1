// The 2026 edition's lab 3 is Raft: 2023's 2A-2D tests under the course's new names (3A-3D), one
// body per test registered in both editions. A Raft folder grades the same under either: every
// 3X test runs as its 2X twin does on the same seed (outcome, failed check, virtual time, RPCs),
// for the reference and for a buggy Raft that fails some of them.
import { expect } from 'chai';
import * as path from 'node:path';
import { loadRegistry, testsOf } from '../../labs';
import { RAFT_PARTS_2026 } from '../../labs/e2026/lab3/raft-parts';
import { Implementation } from '../../harness/impl';
import { runScenario, type RunResult, type Scenario } from '../../harness/scenario';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const reg2023 = loadRegistry('', '2023');
const reg2026 = loadRegistry('', '2026');

/** Each 2026 Raft test with its 2023 twin, in the 2026 registry's order. */
function twins(): { now: Scenario; then: Scenario }[] {
  return reg2026.parts
    .filter((p) => p.lab === '3')
    .flatMap((p) => {
      const from = reg2023.parts.find((q) => q.id === RAFT_PARTS_2026[p.id])!;
      const old = testsOf(from);
      return testsOf(p).map((now, i) => ({ now, then: old[i] }));
    });
}

/** What a grade reports of a run, beside its name: identical in both editions. */
const graded = (r: RunResult) => ({
  passed: r.passed,
  check: r.check,
  firstLine: r.error?.split('\n', 1)[0],
  virtualMs: r.virtualMs,
  rpcs: r.stats?.rpcs,
  bytes: r.stats?.bytes,
});

describe('2026 lab 3: Raft under the course names', () => {
  it("names every 2023 Raft test's twin 3X for 2X, in the same order, with the course's labels", () => {
    const pairs = twins();
    expect(pairs.length).to.equal(
      reg2023.parts.filter((p) => p.lab === '2').flatMap(testsOf).length,
    );
    for (const { now, then } of pairs) {
      expect(now.name).to.equal(then.name.replace(/2([A-D])$/, '3$1'));
      expect(now.part).to.equal(then.part.replace('2', '3'));
      expect(now.description).to.match(/^Test \(3[A-D][,)]/);
    }
    const names = pairs.map((p) => p.now.name);
    expect(names.slice(0, 3)).to.deep.equal([
      'TestInitialElection3A',
      'TestReElection3A',
      'TestManyElections3A',
    ]);
    expect(names).to.include.members(['TestPersist13C', 'TestFigure83C', 'TestSnapshotInit3D']);
    const label = (n: string) => pairs.find((p) => p.now.name === n)!.now.description;
    expect(label('TestSnapshotInstallUnreliable3D')).to.equal(
      'Test (3D): install snapshots (disconnect)',
    );
  });

  for (const folder of ['src', 'impls/raft-no-persist-votedfor']) {
    it(`${folder} grades the same under 2026's 3A-3D as under 2023's 2A-2D (seed 1)`, async function () {
      this.timeout(120_000);
      const impl = new Implementation(path.join(ROOT, folder));
      let failed = 0;
      for (const { now, then } of twins()) {
        const a = await runScenario(then, { seed: 1, impl });
        const b = await runScenario(now, { seed: 1, impl });
        expect(graded(b), `${now.name} vs ${then.name}`).to.deep.equal(graded(a));
        if (!a.passed) failed++;
      }
      // The buggy Raft must fail somewhere, or the comparison shows nothing about failures.
      expect(failed > 0).to.equal(folder !== 'src');
    });
  }
});

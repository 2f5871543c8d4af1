// The key/value suites have teeth: each buggy variant in impls/kvraft-* fails a scenario on a seed
// known to expose it, while the reference passes the same scenario and seed (so the failure is the
// bug's). Which tests catch which bug, within how many seeds: impls/README-kvraft.md.
import { expect } from 'chai';
import * as path from 'node:path';
import { findScenario } from '../../labs';
import { Implementation } from '../../harness/impl';
import { runScenario } from '../../harness/scenario';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Case {
  variant: string;
  test: string;
  seed: number;
  /** What the failure message says (a fragment). */
  expect: RegExp;
}

const CASES: Case[] = [
  { variant: 'kvraft-no-dedup', test: 'TestUnreliableOneKey3A', seed: 1, expect: /duplicate element/ },
  { variant: 'kvraft-dedup-not-in-snapshot', test: 'TestDeleteSnapshotRestart3B', seed: 1, expect: /history is not linearizable/ },
  { variant: 'kvraft-follower-reads', test: 'TestOnePartition3A', seed: 1, expect: /Get in minority completed/ },
  { variant: 'kvraft-leader-local-reads', test: 'TestPersistOneClient3A', seed: 1, expect: /missing element/ },
  { variant: 'kvraft-snapshot-not-trimmed', test: 'TestSnapshotSize3B', seed: 1, expect: /logs were not trimmed/ },
  { variant: 'kvraft-clerk-gives-up', test: 'TestUnreliableOneKey3A', seed: 1, expect: /missing element/ },
];

describe('buggy key/value variants are caught by the suites', function () {
  this.timeout(60_000);
  const reference = new Implementation(path.join(ROOT, 'src'));
  for (const c of CASES) {
    it(`${c.variant}: fails ${c.test} on seed ${c.seed}; the reference passes it`, async () => {
      const scenario = findScenario(c.test);
      expect(scenario, `no scenario ${c.test}`).to.not.equal(undefined);
      const base = await runScenario(scenario!, { seed: c.seed, impl: reference });
      expect(base.passed, `the reference should pass: ${base.error?.split('\n')[0]}`).to.equal(true);
      const buggy = await runScenario(scenario!, { seed: c.seed, impl: new Implementation(path.join(ROOT, 'impls', c.variant)) });
      expect(buggy.passed, `${c.variant} passed ${c.test} on seed ${c.seed}`).to.equal(false);
      expect(buggy.error!.split('\n')[0]).to.match(c.expect);
    });
  }
});

// The 4B suite has teeth: each buggy variant in impls/shardkv-* fails a scenario on a seed known to
// expose it, while the reference passes the same scenario and seed (so the failure is the bug's).
// Which tests catch which bug, within how many seeds: impls/README-shardkv.md.
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
  { variant: 'shardkv-dedup-not-moved', test: 'TestUnreliable3', seed: 2, expect: /history is not linearizable/ },
  { variant: 'shardkv-serves-before-arrival', test: 'TestMissChange', seed: 1, expect: /Get\("0"\): expected/ },
  { variant: 'shardkv-skips-configs', test: 'TestUnreliable1', seed: 2, expect: /virtual time limit of 150s reached/ },
  { variant: 'shardkv-keeps-given-shards', test: 'TestChallenge1Delete', seed: 1, expect: /snapshot \+ persisted Raft state are too big/ },
  { variant: 'shardkv-stops-serving-in-migration', test: 'TestChallenge2Partial', seed: 1, expect: /virtual time limit of 150s reached/ },
  { variant: 'shardkv-double-owner', test: 'TestJoinLeave', seed: 1, expect: /Get\("7"\): expected/ },
];

describe('buggy sharded key/value variants are caught by the 4B suite', function () {
  this.timeout(120_000);
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

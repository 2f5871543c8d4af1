// A slow Raft is not a failing Raft: impls/raft-replicate-on-heartbeat, whose start() leaves new
// entries to the next heartbeat (up to 120 ms later), must pass the Raft suites like the reference.
// Every test of lab 2 on two seeds, and the swarm on seed 39, where the old reference's byte framing
// threw "offset is out of bounds" under this schedule (lab 2 on seeds 1–5 and the swarm on seeds
// 30–49 pass too: impls/README.md).
import { expect } from 'chai';
import * as path from 'node:path';
import { scenariosByPart } from '../../labs';
import { TestSwarmRaft } from '../../labs/ours/raft-swarm';
import { Implementation } from '../../harness/impl';
import { runScenario, type Scenario } from '../../harness/scenario';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const VARIANT = path.join(ROOT, 'impls', 'raft-replicate-on-heartbeat');

async function expectPass(scenario: Scenario, seed: number): Promise<void> {
  const r = await runScenario(scenario, { seed, impl: new Implementation(VARIANT) });
  expect(r.passed, `${scenario.name} seed ${seed}: ${r.error?.split('\n')[0]}`).to.equal(true);
}

describe('raft-replicate-on-heartbeat: new entries leave with the next heartbeat, and it passes', function () {
  this.timeout(120_000);

  for (const seed of [1, 2]) {
    it(`passes every test of 2A–2D on seed ${seed}`, async () => {
      for (const part of ['2A', '2B', '2C', '2D'] as const)
        for (const scenario of scenariosByPart[part]) await expectPass(scenario, seed);
    });
  }

  it('passes the swarm on seed 39 (where the byte framing of the old reference threw)', async () => {
    await expectPass(TestSwarmRaft, 39);
  });
});

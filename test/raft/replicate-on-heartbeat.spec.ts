// A slow Raft is not a failing Raft: impls/raft-replicate-on-heartbeat, whose start() leaves new
// entries to the next heartbeat (up to 120 ms later), must pass the Raft suites like the reference.
// Every test of lab 2 on two seeds, and the swarm on seed 39, where the old reference's byte framing
// threw "offset is out of bounds" under this schedule (lab 2 on seeds 1–5 and the swarm on seeds
// 30–49 pass too: impls/README.md).
import { expect } from 'chai';
import * as path from 'node:path';
import { partTests } from '../../labs';
import { executeRun } from '../../labs/run';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const VARIANT = path.join(ROOT, 'dist', 'impls', 'raft-replicate-on-heartbeat');

async function expectPass(test: string, seed: number, level?: string): Promise<void> {
  const params = level ? { params: { level } } : {};
  const r = await executeRun({ test, seed, implDir: VARIANT, ...params });
  expect(r.passed, `${test} seed ${seed}: ${r.error?.split('\n')[0]}`).to.equal(true);
}

describe('raft-replicate-on-heartbeat: new entries leave with the next heartbeat, and it passes', function () {
  this.timeout(120_000);

  for (const seed of [1, 2]) {
    it(`passes every test of 2A–2D on seed ${seed}`, async () => {
      for (const part of ['2A', '2B', '2C', '2D'])
        for (const scenario of partTests(part)) await expectPass(scenario.name, seed);
    });
  }

  it('passes the swarm on seed 39 at every level (where the byte framing of the old reference threw)', async () => {
    for (const level of ['2B', '2C', '2D']) await expectPass('TestSwarmRaft', 39, level);
  });
});

// The Raft swarm (labs/ours/raft-swarm.ts): knobs drawn per seed, passed by the reference, and a
// net that catches bugs the ported tests miss or need special seeds for (the first failing seed of
// each variant over seeds 1–80; impls/README.md).
import { expect } from 'chai';
import * as path from 'node:path';
import { Implementation } from '../../harness/impl';
import { runScenario } from '../../harness/scenario';
import { Rng } from '../../engine/sim/rng';
import { describeKnobs, drawKnobs, TestSwarmRaft } from '../../labs/ours/raft-swarm';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const swarm = TestSwarmRaft;

describe('Raft swarm (ours)', function () {
  this.timeout(120_000);

  it('draws its knobs from the seed alone and prints them first', async () => {
    expect(describeKnobs(drawKnobs(new Rng(7, 'swarm/knobs')))).to.equal(
      describeKnobs(drawKnobs(new Rng(7, 'swarm/knobs'))),
    );
    const r = await runScenario(swarm, {
      seed: 7,
      impl: new Implementation(path.join(ROOT, 'src')),
    });
    expect(r.output[0]).to.equal(
      `swarm knobs: ${describeKnobs(drawKnobs(new Rng(7, 'swarm/knobs')))}`,
    );
  });

  it('the reference passes seeds 1–5 (chaos, then heal, restart all and agree)', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const r = await runScenario(swarm, {
        seed,
        impl: new Implementation(path.join(ROOT, 'src')),
      });
      expect(r.passed, `seed ${seed}: ${r.error?.split('\n')[0]} (${r.output[0]})`).to.equal(true);
    }
  });

  const caught = [
    {
      variant: 'raft-forget-vote',
      seed: 1,
      expect: /^election safety: servers 1 and 4 both led term 1/,
    },
    {
      variant: 'raft-no-persist-votedfor',
      seed: 19,
      expect: /^election safety: servers 3 and 2 both led term 6/,
    },
    {
      variant: 'raft-no-persist-term',
      seed: 1,
      expect: /^term monotonicity: server 2's term went from 1/,
    },
    {
      variant: 'raft-no-persist-log',
      seed: 12,
      expect: /leader completeness: server 4, leader of term 4/,
    },
    {
      variant: 'raft-snapshot-off-by-one',
      seed: 1,
      expect: /snapshot doesn't match m.SnapshotIndex/,
    },
  ];
  for (const c of caught) {
    it(`catches ${c.variant} on seed ${c.seed}`, async () => {
      const r = await runScenario(swarm, {
        seed: c.seed,
        impl: new Implementation(path.join(ROOT, 'impls', c.variant)),
      });
      expect(r.passed).to.equal(false);
      expect(r.error!.split('\n')[0]).to.match(c.expect);
    });
  }
});

// TestStableTerm2A (labs/ours/raft-elections.ts) needs 2A alone: the starter kit with only its 2A
// hooks filled (the minimal election of test/learner) passes it, and fails it once a vote no
// longer restarts the voter's election timer.
import { expect } from 'chai';
import { runScenario } from '../../harness/scenario';
import { scenarios } from '../../labs/ours/raft-elections';
import { dropResetOnVote, fillElection, KitCopies } from './kit';

const [TestStableTerm2A] = scenarios;
const SEEDS = 10;

describe('TestStableTerm2A on the starter kit, 2A filled in (ours)', function () {
  this.timeout(180_000);
  const kits = new KitCopies();
  after(() => kits.cleanup());

  it(`passes seeds 1–${SEEDS}, with no part beyond 2A called`, async () => {
    const impl = KitCopies.implementation(kits.make('stable-2a', fillElection));
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = await runScenario(TestStableTerm2A, { seed, impl });
      expect(r.passed, `seed ${seed}: ${r.error?.split('\n')[0]}`).to.equal(true);
    }
  });

  it('fails, naming the stable term, once granting a vote no longer restarts the timer', async () => {
    const impl = KitCopies.implementation(
      kits.make('stable-noreset', (dir) => {
        fillElection(dir);
        dropResetOnVote(dir);
      }),
    );
    const failed: number[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = await runScenario(TestStableTerm2A, { seed, impl });
      if (r.passed) continue;
      expect(r.error!.split('\n')[0]).to.match(
        /^stable term: server \d reached term \d+ at [\d.]+s, after server \d was seen leading term \d+/,
      );
      failed.push(seed);
    }
    expect(failed.length, `failing seeds: ${failed.join(', ')}`).to.be.at.least(SEEDS / 2);
  });
});

// Quick end-to-end checks of the reference Raft on the mini cluster (the graded suites are labs/).
import { expect } from 'chai';
import { Simulator } from '../../engine/sim/simulator';
import { MiniCluster } from './mini-cluster';

async function until(sim: Simulator, cond: () => boolean, ms: number): Promise<boolean> {
  const tester = sim.node('tester');
  const end = sim.now() + ms;
  while (sim.now() < end) {
    if (cond()) return true;
    await tester.sleep(10);
  }
  return cond();
}

describe('raft reference (mini cluster)', () => {
  it('elects one leader and commits a few commands on 3 servers', async () => {
    const sim = new Simulator(1);
    const c = new MiniCluster(sim, 3);
    await sim.run(
      async () => {
        expect(await until(sim, () => c.leaders().length === 1, 2000)).to.equal(true);
        const leader = c.leaders()[0];
        for (let k = 1; k <= 5; k++) {
          const r = c.rafts[leader]!.start(k * 100);
          expect(r).to.deep.equal({ index: k, term: r.term, isLeader: true });
        }
        expect(await until(sim, () => c.nCommitted(5) === 3, 1000)).to.equal(true);
        for (let i = 0; i < 3; i++) c.rafts[i]?.kill();
      },
      { virtualTimeLimitMs: 10_000 },
    );
    expect(c.errors).to.deep.equal([]);
  });

  it('survives leader crash and restart with snapshots', async () => {
    const sim = new Simulator(2);
    const c = new MiniCluster(sim, 3);
    c.snapshotEvery = 10;
    await sim.run(
      async () => {
        let next = 1;
        for (let round = 0; round < 6; round++) {
          expect(await until(sim, () => c.leaders().length >= 1, 5000)).to.equal(true);
          const leader = c.leaders()[0];
          for (let k = 0; k < 13; k++) c.rafts[leader]!.start(next++);
          const target = c.rafts[leader]!.start(next++).index;
          expect(await until(sim, () => c.nCommitted(target) >= 2, 3000)).to.equal(true);
          c.crash(leader);
          expect(await until(sim, () => c.leaders().length >= 1, 5000)).to.equal(true);
          c.start(leader);
          c.connect(leader);
        }
        const leader = c.leaders()[0];
        const last = c.rafts[leader]!.start(next++).index;
        expect(await until(sim, () => c.nCommitted(last) === 3, 5000)).to.equal(true);
        for (let i = 0; i < 3; i++) c.rafts[i]?.kill();
      },
      { virtualTimeLimitMs: 120_000 },
    );
    expect(c.errors).to.deep.equal([]);
  });
});

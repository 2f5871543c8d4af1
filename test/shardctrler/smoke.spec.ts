// The reference shard controller end to end on the controller fixture: the operations' semantics,
// exactly-once writes on an unreliable network, and recovery of every configuration after a
// whole-cluster restart.
import { expect } from 'chai';
import { CtrlerCluster } from '../../labs/lab4/shardctrler';
import { Implementation } from '../../harness/impl';
import { runScenario, type TestContext } from '../../harness/scenario';

const impl = new Implementation();

async function run(seed: number, body: (t: TestContext) => Promise<void>): Promise<void> {
  const result = await runScenario(
    { name: 'TestCtrlerSmoke', part: '4A', description: 'smoke', run: body },
    { seed, impl },
  );
  expect(result.passed, result.error).to.equal(true);
}

describe('shard controller (reference) smoke', function () {
  this.timeout(60_000);

  it('join, leave, move and query do what the course says', () =>
    run(1, async (t) => {
      const cfg = new CtrlerCluster(t, 3, false);
      try {
        const ck = cfg.makeClient();
        const c0 = await ck.query(-1);
        expect(c0).to.deep.equal({ num: 0, shards: new Array(10).fill(0), groups: {} });
        await ck.join({ 7: ['b', 'a', 'a'], 3: ['z'] });
        const c1 = await ck.query(-1);
        expect(c1.num).to.equal(1);
        expect(c1.groups).to.deep.equal({ 3: ['z'], 7: ['b', 'a', 'a'] });
        expect(Object.keys(c1.groups)).to.deep.equal(['3', '7']);
        expect(c1.shards.filter((g) => g === 3)).to.have.length(5);
        await ck.move(0, 7);
        const c2 = await ck.query(-1);
        expect(c2.num).to.equal(2);
        expect(c2.shards[0]).to.equal(7);
        expect(c2.shards.slice(1)).to.deep.equal(c1.shards.slice(1));
        await ck.leave([3]);
        const c3 = await ck.query(100);
        expect(c3.num).to.equal(3);
        expect(c3.shards).to.deep.equal(new Array(10).fill(7));
        expect(await ck.query(1)).to.deep.equal(c1);
        await ck.leave([7]);
        expect((await ck.query(-1)).shards).to.deep.equal(new Array(10).fill(0));
        let error: Error | undefined;
        await ck.move(10, 1).catch((e: Error) => (error = e));
        expect(error?.message).to.match(/shard 10 is not in 0\.\.9/);
      } finally {
        cfg.cleanup();
      }
    }));

  it('applies every write once on an unreliable network, and replays them all after a restart', () =>
    run(3, async (t) => {
      const cfg = new CtrlerCluster(t, 3, true);
      try {
        const ck = cfg.makeClient();
        for (let g = 1; g <= 10; g++) await ck.join({ [g]: [`s${g}`] });
        for (let g = 1; g <= 5; g++) await ck.leave([g]);
        const before = await ck.query(-1);
        expect(before.num).to.equal(15);
        for (const i of cfg.all) cfg.shutdownServer(i);
        for (const i of cfg.all) cfg.startServer(i);
        cfg.connectAll();
        expect(await ck.query(-1)).to.deep.equal(before);
        expect(Object.keys((await ck.query(10)).groups)).to.have.length(10);
      } finally {
        cfg.cleanup();
      }
    }));
});

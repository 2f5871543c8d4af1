// The key/value fixture's own pieces: partitions, history stamps, the append checks, the
// linearizability check's report on failure, and determinism of a whole key/value test.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KVCluster } from '../../labs/lab3/kv';
import { checkLinearizable } from '../../labs/lab3/kv-check';
import { checkClntAppends, History, KVOps } from '../../labs/lab3/kv-history';
import { Implementation } from '../../harness/impl';
import { runScenario, type Scenario, type TestContext } from '../../harness/scenario';
import { findScenario } from '../../labs';

const impl = new Implementation();

function scenario(run: (t: TestContext) => Promise<void>): Scenario {
  return { name: 'TestFixture', part: '3A', description: 'fixture', run };
}

describe('kvraft fixture', function () {
  this.timeout(60_000);

  it('makePartition: a majority without the leader, the leader in the minority', async () => {
    const result = await runScenario(
      scenario(async (t) => {
        const cfg = new KVCluster(t, 5, false, -1);
        try {
          const ops = new KVOps(cfg);
          await ops.put(cfg.makeClient(), 'a', 'b'); // a leader exists once a put completes
          const leader = cfg.leader();
          expect(leader).to.not.equal(undefined);
          const [p1, p2] = cfg.makePartition();
          expect(p1).to.have.length(3);
          expect(p2).to.have.length(2);
          expect(p2[1]).to.equal(leader);
          expect(p1).to.not.include(leader);
          expect([...p1, ...p2].sort()).to.deep.equal([0, 1, 2, 3, 4]);
        } finally {
          cfg.cleanup();
        }
      }),
      { seed: 5, impl },
    );
    expect(result.passed, result.error).to.equal(true);
  });

  it('history stamps strictly increase, even at one virtual instant', () => {
    const h = new History(() => 7);
    const a = h.stamp();
    const b = h.stamp();
    expect(a).to.equal(7);
    expect(b).to.be.greaterThan(a);
    expect(b - a).to.be.lessThan(0.01);
  });

  it('checkClntAppends: missing, duplicate and out-of-order elements fail', () => {
    expect(() => checkClntAppends(0, 'x 0 0 yx 0 1 y', 2)).to.not.throw();
    expect(() => checkClntAppends(0, 'x 0 0 y', 2)).to.throw(/missing element x 0 1 y/);
    expect(() => checkClntAppends(0, 'x 0 0 yx 0 1 yx 0 1 y', 2)).to.throw(
      /duplicate element x 0 1 y/,
    );
    expect(() => checkClntAppends(0, 'x 0 1 yx 0 0 y', 2)).to.throw(
      /wrong order for element x 0 1 y/,
    );
  });

  it('an illegal history fails the test and leaves an HTML report, named in the error', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kv-fixture-'));
    const result = await runScenario(
      scenario(async (t) => {
        let now = 0;
        const h = new History(() => now);
        h.begin(0, { op: 'put', key: 'k', value: '1' }).end({}, h.stamp());
        now = 10;
        h.begin(1, { op: 'get', key: 'k' }).end({ value: '2' }, h.stamp());
        checkLinearizable(t, h);
      }),
      { seed: 1, impl, outDir },
    );
    expect(result.passed).to.equal(false);
    expect(result.error).to.match(/history is not linearizable \(report: .*\.html\)/);
    expect(result.artefacts).to.have.length(1);
    expect(fs.readFileSync(result.artefacts[0], 'utf8')).to.match(/<html/i);
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('a key/value test is deterministic: same seed, same fingerprint', async () => {
    const s = findScenario('TestDeleteBasic3A')!;
    const a = await runScenario(s, { seed: 3, impl });
    const b = await runScenario(s, { seed: 3, impl });
    expect(a.passed, a.error).to.equal(true);
    expect(a.fingerprint).to.equal(b.fingerprint);
    expect(a.output).to.deep.equal(b.output);
  });
});

// The key/value swarm (labs/ours/kv-swarm.ts): knobs drawn per seed and printed first, plans given
// through the run's params checked for their family and level, the exactly-once check on
// hand-made histories, and
// buggy services caught on seeds the reference passes (first failing seeds over 1–200 in
// impls/README-kvraft.md).
import { expect } from 'chai';
import * as path from 'node:path';
import { Implementation } from '../../harness/impl';
import { runScenario } from '../../harness/scenario';
import { Rng } from '../../engine/sim/rng';
import { describeKvKnobs, drawKvKnobs, drawKvPlan, TestSwarmKV } from '../../labs/ours/kv-swarm';
import { checkExactlyOnce } from '../../labs/ours/kv-swarm-checks';
import type { KvOperation } from '../../labs/lab3/kv-history';
import { describeVariants } from '../support/variants';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('key/value swarm (ours)', function () {
  this.timeout(60_000);

  it('draws its knobs from the seed alone and prints them first', async () => {
    const knobs = describeKvKnobs(drawKvKnobs(new Rng(3, 'kv-swarm/knobs')));
    expect(describeKvKnobs(drawKvPlan(3).knobs)).to.equal(knobs);
    const r = await runScenario(TestSwarmKV, {
      seed: 3,
      impl: new Implementation(path.join(ROOT, 'src')),
    });
    expect(r.passed, r.error).to.equal(true);
    expect(r.output[0]).to.equal(`swarm knobs: ${knobs}`);
  });

  it('refuses a plan of the Raft swarm given in params', async () => {
    const r = await runScenario(TestSwarmKV, {
      seed: 1,
      impl: new Implementation(path.join(ROOT, 'src')),
      params: { plan: { knobs: { snapshot: true }, faults: [] } },
    });
    expect(r.passed).to.equal(false);
    expect(r.error).to.match(
      /^the plan given \(params\.plan\) is not a plan of the key\/value swarm/,
    );
  });

  it("runs a plan given in params instead of the seed's own, and refuses one above its level", async () => {
    const impl = new Implementation(path.join(ROOT, 'src'));
    const plan = drawKvPlan(5);
    plan.knobs.chaosMs = 1000;
    plan.faults = plan.faults.filter((f) => f.atMs < 1000);
    const r = await runScenario(TestSwarmKV, { seed: 3, impl, params: { plan } });
    expect(r.passed, r.error).to.equal(true);
    expect(r.output[0]).to.equal(`swarm knobs: ${describeKvKnobs(plan.knobs)}`);
    const low = await runScenario(TestSwarmKV, {
      seed: 3,
      impl,
      params: { plan: { ...plan, knobs: { ...plan.knobs, maxraftstate: 400 } }, level: '3A' },
    });
    expect(low.error).to.match(
      /^the plan given snapshots \(maxraftstate 400\), which level 3A does not/,
    );
  });

  it('draws at level 3A the 3B plan without snapshots, and refuses a level below 3A', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const full = drawKvPlan(seed);
      expect(drawKvPlan(seed, '3B')).to.deep.equal(full);
      expect(drawKvPlan(seed, '3A')).to.deep.equal({
        knobs: { ...full.knobs, maxraftstate: -1 },
        faults: full.faults,
      });
    }
    const r = await runScenario(TestSwarmKV, {
      seed: 1,
      impl: new Implementation(path.join(ROOT, 'src')),
      params: { level: '2d' },
    });
    expect(r.error).to.match(
      /^the key\/value swarm needs part 3A at least \(the level given is 2D\)/,
    );
  });

  describe('exactly-once check', () => {
    let clock = 0;
    const op = (input: KvOperation['input'], value?: string): KvOperation => ({
      clientId: 0,
      input,
      call: clock++,
      return: clock++,
      output: value === undefined ? {} : { value },
    });
    const append = (key: string, value: string) => op({ op: 'append', key, value });

    it('passes a history whose every append is in the final value once', () => {
      const ops = [
        append('k0', 'x 0 0 y'),
        append('k0', 'x 1 0 y'),
        op({ op: 'get', key: 'k0' }, 'x 0 0 yx 1 0 y'),
      ];
      expect(() => checkExactlyOnce(ops, new Map([['k0', 'x 0 0 yx 1 0 y']]))).to.not.throw();
    });

    it('names an element read twice', () => {
      const ops = [append('k0', 'x 0 0 y'), op({ op: 'get', key: 'k0' }, 'x 0 0 yx 0 0 y')];
      expect(() => checkExactlyOnce(ops, new Map())).to.throw(
        /read element "x 0 0 y" twice: a write was applied twice/,
      );
    });

    it('names an append missing from the final value, unless a put may have followed it', () => {
      const ops = [append('k0', 'x 0 0 y'), append('k0', 'x 0 1 y')];
      expect(() => checkExactlyOnce(ops, new Map([['k0', 'x 0 0 y']]))).to.throw(
        /append\("k0", "x 0 1 y"\) .* the final value lacks it/,
      );
      const put = op({ op: 'put', key: 'k0', value: 'x 1 0 y' });
      put.call = 0; // concurrent with both appends: it may be ordered last
      expect(() => checkExactlyOnce([...ops, put], new Map([['k0', 'x 1 0 y']]))).to.not.throw();
    });
  });
});

describeVariants('buggy key/value services are caught by the key/value swarm', [
  {
    variant: 'kvraft-no-dedup',
    test: 'TestSwarmKV',
    seed: 1,
    expect: 'exactly-once',
    message: /^exactly-once: .* read element "x 2 2 y" twice: a write was applied twice/,
  },
  {
    variant: 'kvraft-follower-reads',
    test: 'TestSwarmKV',
    seed: 1,
    expect: 'linearizability',
    message: /^history is not linearizable/,
  },
  {
    variant: 'kvraft-dedup-not-in-snapshot',
    test: 'TestSwarmKV',
    seed: 195,
    expect: 'exactly-once',
    message: /^exactly-once: .* read element "x 1 0 y" twice/,
  },
]);

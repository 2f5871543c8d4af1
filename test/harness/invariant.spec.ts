// Runtime.invariant: an implementation's own check fails its run under its own id, apart from the
// tester's checks and from a crash, and DSLAB_INVARIANTS=off (mutation runs) switches it off.
import { expect } from 'chai';
import { Implementation } from '../../harness/impl';
import { runScenario, type Scenario } from '../../harness/scenario';
import { Simulator } from '../../engine/sim/simulator';

/** A node that checks its own invariant once, 10 ms in; it holds only when `holds`. */
function checking(holds: boolean): Scenario {
  return {
    name: 'TestOwnInvariant',
    part: '2A',
    description: 'a node checks its own invariant',
    async run(t) {
      const rt = t.sim.node('S0');
      await rt.sleep(10);
      rt.invariant(holds, () => 'S0: entries must arrive in order');
    },
  };
}

async function outcome(holds: boolean) {
  return runScenario(checking(holds), { seed: 1, impl: new Implementation() });
}

describe('Runtime.invariant', () => {
  afterEach(() => delete process.env.DSLAB_INVARIANTS);

  it('fails the run under implementation-invariant with the implementation message', async () => {
    const r = await outcome(false);
    expect(r.passed).to.equal(false);
    expect(r.check).to.equal('implementation-invariant');
    expect(r.error).to.contain('S0: entries must arrive in order');
  });

  it('passes when it holds, and builds no message', () => {
    const rt = new Simulator(1).node('S0');
    expect(() =>
      rt.invariant(true, () => {
        throw new Error('the message was built');
      }),
    ).not.to.throw();
  });

  it('is off with DSLAB_INVARIANTS=off, as in a mutation run', async () => {
    process.env.DSLAB_INVARIANTS = 'off';
    const r = await outcome(false);
    expect(r.passed, r.error).to.equal(true);
    expect(() =>
      new Simulator(1, { invariants: false }).node('S0').invariant(false, () => 'x'),
    ).not.to.throw();
  });
});

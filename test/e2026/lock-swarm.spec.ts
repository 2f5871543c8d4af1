// The lock swarm (labs/e2026/lab2/lock-swarm.ts, part 2LOCK of the 2026 edition): plans drawn per
// seed and printed first, plans given through params checked for their family, crashed holders
// keeping their locks (and the liveness phase excusing a clerk that waits for one), and buggy locks
// and servers caught on seeds the reference passes, one of them (lock-steals-stale) by the swarm
// alone.
import { expect } from 'chai';
import * as path from 'node:path';
import { Implementation } from '../../harness/impl';
import { runScenario, type RunResult } from '../../harness/scenario';
import { TestSwarmLock } from '../../labs/e2026/lab2/lock-swarm';
import {
  describeLockKnobs,
  drawLockPlan,
  type LockSwarmPlan,
} from '../../labs/e2026/lab2/lock-swarm-plan';
import { describeVariants } from '../support/variants';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const reference = () => new Implementation(path.join(ROOT, 'src'));
const first = (r: RunResult) => r.error?.split('\n')[0];

/** A variant of the server alone, run under the reference lock. */
class WithReferenceLock extends Implementation {
  override layer<T>(name: Parameters<Implementation['layer']>[0]): T {
    return name === 'lock' ? reference().layer<T>('lock') : super.layer<T>(name);
  }
}

/** Two clerks on one lock, reliable, no pauses; `faults` on them. */
function planOf(faults: LockSwarmPlan['faults']): LockSwarmPlan {
  const { knobs } = drawLockPlan(1);
  return {
    knobs: { ...knobs, clients: 2, locks: 1, unreliable: false, longReordering: false },
    faults,
  };
}

describe('lock swarm (ours, 2026 lab 2)', function () {
  this.timeout(60_000);

  it('draws its plan from the seed alone, prints it first, and the reference passes seeds 1-20', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = await runScenario(TestSwarmLock, { seed, impl: reference() });
      expect(r.passed, `seed ${seed}: ${first(r)}`).to.equal(true);
      expect(r.output[0]).to.equal(`swarm knobs: ${describeLockKnobs(drawLockPlan(seed).knobs)}`);
    }
  });

  it('crashes at most all clerks but one, and only clerks the world has', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const { knobs, faults } = drawLockPlan(seed);
      const crashed = faults.flatMap((f) => ('crash' in f ? [f.crash] : []));
      expect(new Set(crashed).size, `seed ${seed}`).to.equal(crashed.length);
      expect(crashed.length, `seed ${seed}`).to.be.below(knobs.clients);
      for (const f of faults) expect('cut' in f ? f.cut : f.crash).to.be.below(knobs.clients);
    }
  });

  it('refuses a plan of another family', async () => {
    const r = await runScenario(TestSwarmLock, {
      seed: 1,
      impl: reference(),
      params: { plan: { knobs: { maxraftstate: -1 }, faults: [] } },
    });
    expect(first(r)).to.match(/^the plan given \(params\.plan\) is not a plan of the lock swarm/);
  });

  it('a clerk crashed holding its lock keeps it: the other waits, excused, and the reference passes', async () => {
    const plan = planOf([{ atMs: 0, crash: 0, during: 'hold', afterMs: 0 }]);
    const r = await runScenario(TestSwarmLock, {
      seed: 1,
      impl: reference(),
      params: { plan },
      keepTrace: true,
    });
    expect(r.passed, first(r)).to.equal(true);
    const lines = r.trace?.map((e) => e.detail) ?? [];
    expect(lines).to.include('swarm: clerk 0 crashed in its hold of lock0');
    expect(lines).to.include(
      'swarm: liveness: 0 of 1 live clerks done; clerk 1 waits for lock0, which crashed clerk 0 may hold',
    );
  });

  it('a lock that takes over a lock held too long is caught on a crashed holder and on a cut-off one', async () => {
    const impl = new Implementation(path.join(ROOT, 'impls', 'lock-steals-stale'));
    const crashed = await runScenario(TestSwarmLock, {
      seed: 1,
      impl,
      params: { plan: planOf([{ atMs: 0, crash: 0, during: 'hold', afterMs: 0 }]) },
    });
    expect(first(crashed)).to.match(
      /acquired lock0, which clerk 0 holds \(it crashed holding it: a crashed holder keeps its lock, there is no lease\)$/,
    );
    const cut = await runScenario(TestSwarmLock, {
      seed: 1,
      impl,
      params: { plan: planOf([{ atMs: 200, cut: 0, forMs: 3000 }]) },
    });
    // At 0.2 s clerk 0 holds the lock (seed 1's timing), cut off for 3 s: it still holds it.
    expect(first(cut)).to.match(/acquired lock0, which clerk 0 holds$/);
    const ref = await runScenario(TestSwarmLock, {
      seed: 1,
      impl: reference(),
      params: { plan: planOf([{ atMs: 200, cut: 0, forMs: 3000 }]) },
    });
    expect(ref.passed, first(ref)).to.equal(true);
  });

  it('kvsrv-no-maybe (a server clerk that reports a retried put ErrVersion) under the reference lock', async () => {
    const impl = new WithReferenceLock(path.join(ROOT, 'impls', 'kvsrv-no-maybe'));
    const r = await runScenario(TestSwarmLock, { seed: 5, impl });
    expect(r.check, first(r)).to.equal('mutual-exclusion');
    expect(first(r)).to.match(/put of guard1 at version 2 failed ErrVersion$/);
    expect((await runScenario(TestSwarmLock, { seed: 5, impl: reference() })).passed).to.equal(
      true,
    );
  });
});

describeVariants(
  'buggy locks and servers are caught by the lock swarm',
  [
    {
      variant: 'lock-acquire-no-check',
      test: 'TestSwarmLock',
      seed: 1,
      expect: 'mutual-exclusion',
    },
    { variant: 'lock-maybe-is-held', test: 'TestSwarmLock', seed: 5, expect: 'mutual-exclusion' },
    // Caught by the liveness phase: clerk 0 crashed in its release of lock0 before its put left;
    // clerk 1, cut off, took an ErrMaybe on an old put for lock0 as acquired (that ends clerk 0's
    // claim), released nothing, and lock0 stays taken by clerk 0 while the others wait for it.
    {
      variant: 'lock-maybe-is-held',
      test: 'TestSwarmLock',
      seed: 7,
      expect: 'liveness',
      message: /had not finished a round on every lock/,
    },
    { variant: 'lock-release-any', test: 'TestSwarmLock', seed: 10, expect: 'mutual-exclusion' },
    {
      variant: 'lock-steals-stale',
      test: 'TestSwarmLock',
      seed: 3,
      expect: 'mutual-exclusion',
      message: /which clerk 4 holds \(it crashed holding it/,
    },
    {
      variant: 'kvsrv-maybe-by-value',
      test: 'TestSwarmLock',
      seed: 5,
      expect: 'linearizability',
      message: /^history is not linearizable/,
    },
  ],
  [TestSwarmLock],
);

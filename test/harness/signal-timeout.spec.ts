// Signal.wait(timeoutMs): true when notified in time, false at the virtual deadline, the same on
// every run of a seed; a crashed node's wait never resolves; a bad timeout is an error.
import { expect } from 'chai';
import { DeadlockError, Simulator, harnessSignal } from '../../engine/sim/simulator';

/** A node's signal notified at `notifyAt` (never if undefined), waited on with `timeoutMs`. */
async function race(
  timeoutMs: number,
  notifyAt: number | undefined,
): Promise<{ notified: boolean; at: number; waiters: number }> {
  const sim = new Simulator(3);
  const node = sim.node('kv0');
  const applied = node.signal('apply of index 7');
  let out = { notified: false, at: -1, waiters: -1 };
  await sim.run(async () => {
    if (notifyAt !== undefined) node.setTimer(notifyAt, () => applied.notifyAll(), 'applier');
    const notified = await applied.wait(timeoutMs);
    out = { notified, at: sim.now(), waiters: applied.waiters };
  });
  return out;
}

describe('Signal.wait with a timeout', () => {
  it('resolves true when notified before the deadline, at the notification', async () => {
    expect(await race(500, 200)).to.deep.equal({ notified: true, at: 200, waiters: 0 });
  });

  it('resolves false at the deadline when nothing notifies, and leaves no waiter behind', async () => {
    expect(await race(500, 900)).to.deep.equal({ notified: false, at: 500, waiters: 0 });
    expect(await race(500, undefined)).to.deep.equal({ notified: false, at: 500, waiters: 0 });
  });

  it('is deterministic: the same seed, the same trace', async () => {
    const traceOf = async () => {
      const lines: string[] = [];
      const sim = new Simulator(11, {
        onTrace: (r) => lines.push(`${r.time} ${r.kind} ${r.node} ${r.detail}`),
      });
      const node = sim.node('kv1');
      const s = node.signal('leadership');
      await sim.run(async () => {
        const results: boolean[] = [];
        for (let i = 0; i < 5; i++) {
          node.setTimer(node.randomInt(100), () => s.notifyAll(), 'maybe');
          results.push(await s.wait(node.randomInt(100)));
        }
        node.log('info', results.join(','));
      });
      return lines.join('\n');
    };
    const first = await traceOf();
    // Some waits were notified and some timed out (both show in the trace), the same way twice.
    expect(first).to.include('timeout of a wait for leadership');
    expect(first).to.match(/log kv1 (true|false)(,(true|false)){4}/);
    expect(first).to.match(/true/);
    expect(await traceOf()).to.equal(first);
  });

  it('a plain wait resolves true; a wait on a crashed node never resolves', async () => {
    const sim = new Simulator(5);
    const node = sim.node('s0');
    const s = node.signal('commit');
    const outcomes: string[] = [];
    await sim.run(async () => {
      node.setTimer(10, () => s.notifyAll(), 'notify');
      outcomes.push(`plain ${await s.wait()}`);
      void s.wait(100).then((v) => outcomes.push(`after crash ${v}`));
      node.crash();
      await sim.node('tester').sleep(1000);
    });
    expect(outcomes).to.deep.equal(['plain true']);
  });

  it('a harness signal times out too; a timed wait is not a deadlock', async () => {
    const sim = new Simulator(2);
    let result: boolean | undefined;
    await sim.run(async () => {
      result = await harnessSignal(sim, 'the leader').wait(250);
    });
    expect(result).to.equal(false);
    expect(sim.now()).to.equal(250);
    let error: Error | undefined;
    await new Simulator(2)
      .run(async () => void (await harnessSignal(sim, 'nothing').wait()))
      .catch((e: Error) => (error = e));
    expect(error).to.be.instanceOf(DeadlockError);
  });

  it('rejects a timeout that is not a finite number of milliseconds >= 0', () => {
    const s = harnessSignal(new Simulator(1), 'apply');
    for (const bad of [-1, Number.NaN, Infinity])
      expect(() => s.wait(bad)).to.throw(/a timeout is a finite number of virtual milliseconds/);
  });
});

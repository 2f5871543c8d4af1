// The simulator: virtual time, event order, crash semantics, deadlock detection and the guard.
import { expect } from 'chai';
import {
  BLOCKED_LINES,
  DeadlockError,
  SimulationError,
  Simulator,
  harnessSignal,
} from '../../engine/sim/simulator';
import { Network, Server, Service } from '../../engine/rpc';
import { parseSeed, Rng } from '../../engine/sim/rng';

describe('simulator', () => {
  it('runs sleeps in virtual time, in (time, sequence) order', async () => {
    const sim = new Simulator(1);
    const order: string[] = [];
    const a = sim.node('a');
    const b = sim.node('b');
    const started = performance.now();
    await sim.run(async () => {
      await Promise.all([
        a.sleep(30_000).then(() => order.push(`a@${sim.now()}`)),
        b.sleep(10_000).then(() => order.push(`b@${sim.now()}`)),
        a.sleep(10_000).then(() => order.push(`a2@${sim.now()}`)),
      ]);
    });
    expect(order).to.deep.equal(['b@10000', 'a2@10000', 'a@30000']);
    expect(sim.now()).to.equal(30_000);
    expect(performance.now() - started).to.be.below(1000);
  });

  it('every promise job an event causes runs before the next event, however deep the chain', async () => {
    // Two nodes alternate at the same virtual instants; each event starts a chain of promise jobs
    // whose last job writes what the next event must see. Hundreds of events span many batches.
    const sim = new Simulator(1);
    const seen: number[] = [];
    let written = -1;
    const chain = (depth: number, value: number): Promise<void> =>
      depth === 0
        ? Promise.resolve().then(() => void (written = value))
        : Promise.resolve().then(() => chain(depth - 1, value));
    await sim.run(async () => {
      await Promise.all(
        ['a', 'b'].map(async (name, offset) => {
          const node = sim.node(name);
          for (let k = 0; k < 300; k++) {
            await node.sleep(1);
            seen.push(written);
            await chain(50, 2 * k + offset);
          }
        }),
      );
    });
    // Event k of node a (b) at time k+1 sees the value written by the previous event, b's (a's).
    expect(seen.slice(0, 4)).to.deep.equal([-1, 0, 1, 2]);
    expect(seen.every((v, i) => v === i - 1)).to.equal(true);
  });

  it('cancelled timers do not fire; a crashed node goes silent for good', async () => {
    const sim = new Simulator(2);
    const n = sim.node('n');
    const fired: string[] = [];
    await sim.run(async () => {
      const t = n.setTimer(100, () => fired.push('cancelled'));
      t.cancel();
      expect(t.pending).to.equal(false);
      n.setTimer(200, () => fired.push('crashed'));
      void n.sleep(300).then(() => fired.push('sleep resumed'));
      const tester = sim.node('tester');
      await tester.sleep(50);
      n.crash();
      await tester.sleep(1000);
      n.setTimer(10, () => fired.push('after crash'));
      await tester.sleep(100);
    });
    expect(fired).to.deep.equal([]);
  });

  it('returns the body result and rethrows its error', async () => {
    expect(await new Simulator(1).run(async () => 42)).to.equal(42);
    let message = '';
    await new Simulator(1)
      .run(async () => {
        throw new Error('boom');
      })
      .catch((e: Error) => (message = e.message));
    expect(message).to.equal('boom');
  });

  it('an exception thrown by a node timer fails the run, naming the node', async () => {
    const sim = new Simulator(1);
    const n = sim.node('peer3');
    let message = '';
    await sim
      .run(async () => {
        n.setTimer(10, () => {
          throw new Error('nil log entry');
        });
        await sim.node('tester').sleep(1000);
      })
      .catch((e: Error) => (message = e.message));
    expect(message).to.match(/nil log entry \(node peer3 threw at virtual time 0\.010s\)/);
  });

  it('an unhandled rejection in node code fails the run', async () => {
    const sim = new Simulator(1);
    const n = sim.node('p');
    let message = '';
    await sim
      .run(async () => {
        n.setTimer(5, () => {
          void (async () => {
            await n.sleep(1);
            throw new Error('async oops');
          })();
        });
        await sim.node('tester').sleep(1000);
      })
      .catch((e: Error) => (message = e.message));
    expect(message).to.match(/async oops/);
  });

  it('fails at the virtual time limit, listing what is blocked', async () => {
    const sim = new Simulator(1);
    let message = '';
    await sim
      .run(
        async () => {
          const n = sim.node('ticker');
          for (;;) await n.sleep(100, 'heartbeat');
        },
        { virtualTimeLimitMs: 5000 },
      )
      .catch((e: Error) => (message = e.message));
    expect(message).to.match(/virtual time limit of 5s reached/);
    expect(message).to.match(/^ {2}ticker: heartbeat due at 5\.100s$/m);
  });

  it('lists waits without timer noise, one line per node, at most a dozen lines', async () => {
    const sim = new Simulator(1);
    let error: SimulationError | undefined;
    await sim
      .run(
        async () => {
          for (let i = 0; i < 20; i++) {
            const n = sim.node(`n${i}`);
            n.setTimer(1000, () => {}, 'election');
            void n.signal('a commit').wait();
            void n.signal('a commit').wait();
            void n.signal('an apply').wait();
          }
          await sim.node('tester').sleep(9000, 'test sleep');
        },
        { virtualTimeLimitMs: 5000 },
      )
      .catch((e: SimulationError) => (error = e));
    expect(error).to.be.instanceOf(SimulationError);
    expect(error!.reason).to.equal('virtual-time-limit');
    expect(error!.blocked).to.have.length(BLOCKED_LINES);
    expect(error!.blocked[0]).to.equal('tester: test sleep due at 9.000s');
    expect(error!.blocked[1]).to.equal('n0: waiting for a commit (x2); waiting for an apply');
    expect(error!.blocked.at(-1)).to.equal('... and 10 more nodes');
    expect(error!.message).not.to.match(/election/);
  });

  it('detects a busy loop that never advances virtual time', async () => {
    const sim = new Simulator(1);
    let message = '';
    await sim
      .run(
        async () => {
          const n = sim.node('spinner');
          for (;;) await n.sleep(0);
        },
        { maxEventsWithoutProgress: 10_000 },
      )
      .catch((e: Error) => (message = e.message));
    expect(message).to.match(/10000 events ran without virtual time advancing/);
  });

  it('stops at its real-time limit a run that keeps making events', async () => {
    const sim = new Simulator(1);
    let message = '';
    const started = performance.now();
    await sim
      .run(
        async () => {
          const n = sim.node('slow');
          for (;;) await n.sleep(1);
        },
        { realTimeLimitMs: 200 },
      )
      .catch((e: Error) => (message = e.message));
    expect(message).to.match(/real-time limit of 0\.2s reached at virtual time/);
    expect(performance.now() - started).to.be.below(2000);
    // The guard is gone: another run can start at once.
    expect(await new Simulator(2).run(async () => 'next')).to.equal('next');
  });

  it('enqueue: an event runs its function on its target; passive events alone end in deadlock', async () => {
    const sim = new Simulator(1);
    const seen: string[] = [];
    const target = { name: 'poll' };
    let error: Error | undefined;
    await sim
      .run(async () => {
        sim.enqueue(
          5,
          function (this: unknown) {
            seen.push(`${(this as typeof target).name}@${sim.now()}`);
          },
          { target, passive: true },
        );
        await sim.node('tester').sleep(10);
        sim.enqueue(5, () => seen.push('never'), { passive: true });
        await harnessSignal(sim, 'nothing').wait();
      })
      .catch((e: Error) => (error = e));
    expect(seen).to.deep.equal(['poll@5']);
    expect(error).to.be.instanceOf(DeadlockError);
    expect(error!.message).to.match(/deadlock at virtual time 0\.010s/);
  });

  it('enqueue: a node timer records its label when it fires, keeps the run going and dies with its node', async () => {
    const sim = new Simulator(1, { keepTrace: true });
    const n = sim.node('n1');
    let error: Error | undefined;
    await sim
      .run(async () => {
        sim.enqueue(1, () => {}, { owner: n, label: 'election timeout', timer: true });
        sim.enqueue(50, () => {}, { owner: n, label: 'heartbeat', timer: true });
        await sim.node('tester').sleep(2);
        await harnessSignal(sim, 'a leader').wait();
      })
      .catch((e: Error) => (error = e));
    const timers = sim.trace.records!.filter((r) => r.kind === 'timer');
    expect(timers.map((r) => `${r.node} ${r.detail}@${r.time}`)).to.deep.equal([
      'n1 election timeout@1',
      'tester sleep@2',
      'n1 heartbeat@50',
    ]);
    // A timer may wake whatever waits, so the deadlock is found once none is left.
    expect(error!.message).to.match(/deadlock at virtual time 0\.050s/);
    expect((error as DeadlockError).blocked).to.deep.equal(['test: waiting for a leader']);
    const crashed = new Simulator(1);
    const m = crashed.node('m');
    const ran: string[] = [];
    await crashed.run(async () => {
      crashed.enqueue(5, () => ran.push('timer'), { owner: m, label: 't', timer: true });
      m.crash();
      await crashed.node('tester').sleep(10);
    });
    expect(ran).to.deep.equal([]);
  });

  it('Simulator.active is the simulator whose run is under way; runs cannot overlap', async () => {
    const first = new Simulator(1);
    const second = new Simulator(2);
    expect(Simulator.active).to.equal(undefined);
    let refused = '';
    await first.run(async () => {
      expect(Simulator.active).to.equal(first);
      await second.run(async () => 'never').catch((e: Error) => (refused = e.message));
      await first.node('tester').sleep(1);
    });
    expect(refused).to.match(/runs must not overlap/);
    expect(Simulator.active).to.equal(undefined);
    // The refused simulator is not left half-started: it runs once the other has finished.
    expect(await second.run(async () => 'second')).to.equal('second');
  });

  it("every simulator has a codec of its own, also its nodes' runtime.codec", () => {
    const a = new Simulator(1);
    const b = new Simulator(1);
    expect(a.codec).to.not.equal(b.codec);
    expect(a.node('x').codec).to.equal(a.codec);
    const value = { term: 3, entries: [[1, 'x'.repeat(100)]], ok: true };
    expect(b.codec.decode(a.codec.encode(value))).to.deep.equal(value);
  });

  describe('deadlock detection', () => {
    it('fails at once when the body waits on something nothing can signal', async () => {
      const sim = new Simulator(7);
      const started = performance.now();
      let error: Error | undefined;
      await sim
        .run(async () => {
          await sim.node('tester').sleep(1500);
          await harnessSignal(sim, 'the leader to commit index 3').wait();
        })
        .catch((e: Error) => (error = e));
      expect(error).to.be.instanceOf(DeadlockError);
      expect(error!.message).to.match(/deadlock at virtual time 1\.500s \(seed 7\)/);
      expect(error!.message).to.match(/test: waiting for the leader to commit index 3/);
      expect(performance.now() - started).to.be.below(500);
    });

    it('names the blocked RPC call and what its handler waits for', async () => {
      const sim = new Simulator(1);
      const net = new Network(sim);
      net.setLatency(0, 0); // exact times in the report below
      const server = sim.node('kv1');
      const lock = server.signal('the apply loop to release the state lock');
      net.addServer(
        'kv1',
        new Server().addService(
          new Service('KV', { Get: async () => (await lock.wait(), { value: 'x' }) }),
        ),
      );
      const clerk = sim.node('clerk0');
      const end = net.makeEnd('clerk0-kv1', clerk);
      net.connect('clerk0-kv1', 'kv1');
      net.enable('clerk0-kv1', true);
      let error: Error | undefined;
      const started = performance.now();
      await sim
        .run(async () => void (await end.call('KV.Get', { key: 'a' })))
        .catch((e: Error) => (error = e));
      expect(error).to.be.instanceOf(DeadlockError);
      expect((error as DeadlockError).blocked).to.deep.equal([
        'clerk0: RPC #1 KV.Get to kv1 awaiting its outcome',
        'kv1: handler KV.Get #1 from clerk0 has not replied since 0.000s; waiting for the apply loop to release the state lock',
      ]);
      expect(performance.now() - started).to.be.below(500);
    });

    it('lists calls in flight once per kind, naming the oldest, and leaves out crashed callers', async () => {
      const sim = new Simulator(5);
      const net = new Network(sim);
      const server = sim.node('kv1');
      const never = server.signal('an apply that never comes');
      net.addServer(
        'kv1',
        new Server().addService(
          new Service('KV', {
            Get: async () => (await never.wait(), {}),
            Put: async () => (await never.wait(), {}),
          }),
        ),
      );
      const ends = ['clerk0', 'clerk1', 'clerk2'].map((name) => {
        const end = net.makeEnd(`${name}-kv1`, sim.node(name));
        net.connect(`${name}-kv1`, 'kv1');
        net.enable(`${name}-kv1`, true);
        return end;
      });
      let error: Error | undefined;
      await sim
        .run(async () => {
          const tester = sim.node('tester');
          for (let i = 0; i < 4; i++) void ends[0].call('KV.Get', { i });
          void ends[0].call('KV.Put', {});
          await tester.sleep(3);
          for (let i = 0; i < 3; i++) void ends[1].call('KV.Get', { i });
          void ends[2].call('KV.Get', {});
          await tester.sleep(20);
          (ends[2] as unknown as { owner: { crash(): void } }).owner.crash();
          await never.wait();
        })
        .catch((e: Error) => (error = e));
      expect(error).to.be.instanceOf(DeadlockError);
      // Handler #2 started before #1 (latencies differ), #8 before #6 and #7; clerk2 crashed.
      expect((error as DeadlockError).blocked).to.deep.equal([
        'clerk0: RPC #1 KV.Get to kv1 awaiting its outcome (+3 more like it); RPC #5 KV.Put to kv1 awaiting its outcome',
        'clerk1: RPC #6 KV.Get to kv1 awaiting its outcome (+2 more like it)',
        'kv1: handler KV.Get #2 from clerk0 has not replied since 0.001s (+3 more like it); handler KV.Get #8 from clerk1 has not replied since 0.007s (+2 more like it); ' +
          'handler KV.Get #9 from clerk2 has not replied since 0.008s; handler KV.Put #5 from clerk0 has not replied since 0.002s; and 1 more',
      ]);
    });

    it('does not report a crashed node as blocked', async () => {
      const sim = new Simulator(1);
      const dead = sim.node('dead');
      let error: Error | undefined;
      await sim
        .run(async () => {
          void dead.signal('never').wait();
          dead.crash();
          await harnessSignal(sim, 'something').wait();
        })
        .catch((e: Error) => (error = e));
      expect((error as DeadlockError).blocked).to.deep.equal(['test: waiting for something']);
      expect(error!.message).to.match(/test: waiting for something/);
    });
  });

  describe('guard against real time and unseeded randomness', () => {
    const cases: [string, () => unknown, RegExp][] = [
      [
        'setTimeout',
        () => setTimeout(() => {}, 10),
        /setTimeout was called on node n.*use runtime\.sleep\(ms\) or runtime\.setTimer/,
      ],
      ['setInterval', () => setInterval(() => {}, 10), /setInterval was called on node n/],
      [
        'Math.random',
        () => Math.random(),
        /Math\.random was called on node n.*use runtime\.random\(\)/,
      ],
      ['Date.now', () => Date.now(), /Date\.now was called on node n.*use runtime\.now\(\)/],
      ['new Date()', () => new Date(), /new Date\(\) was called on node n/],
      ['performance.now', () => performance.now(), /performance\.now was called on node n/],
    ];
    for (const [what, misuse, expected] of cases) {
      it(`catches ${what} inside a simulated node`, async () => {
        const sim = new Simulator(1);
        const n = sim.node('n');
        let message = '';
        await sim
          .run(async () => {
            n.setTimer(10, () => {
              try {
                misuse();
              } catch {
                // an implementation may swallow the error: the run must fail anyway
              }
            });
            await sim.node('tester').sleep(100);
          })
          .catch((e: Error) => (message = e.message));
        expect(message).to.match(expected);
      });
    }

    it('restores the real functions after the run', async () => {
      await new Simulator(1).run(async () => {});
      expect(typeof Math.random()).to.equal('number');
      expect(Date.now()).to.be.greaterThan(0);
      expect(new Date(0).getTime()).to.equal(0);
      await new Promise((resolve) => setTimeout(resolve, 1));
    });
  });
});

describe('seeded random streams', () => {
  it('the same (seed, name) gives the same stream; names and seeds are independent', () => {
    const take = (r: Rng) => Array.from({ length: 5 }, () => r.int(1_000_000));
    expect(take(new Rng(5, 'network'))).to.deep.equal(take(new Rng(5, 'network')));
    expect(take(new Rng(5, 'network'))).to.not.deep.equal(take(new Rng(5, 'node/0/1')));
    expect(take(new Rng(5, 'network'))).to.not.deep.equal(take(new Rng(6, 'network')));
  });

  it('int(n) is uniform over [0, n)', () => {
    const r = new Rng(1, 'u');
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[r.int(10)]++;
    for (const c of counts) expect(c).to.be.within(9_500, 10_500);
  });

  it('parseSeed accepts whole numbers and explains anything else', () => {
    expect(parseSeed('81723')).to.equal(81723);
    expect(() => parseSeed('-1')).to.throw(/bad seed "-1": a seed is a non-negative whole number/);
    expect(() => parseSeed('1e3')).to.throw(/bad seed/);
    expect(() => parseSeed('99999999999999999999')).to.throw(/at most 9007199254740991/);
  });
});

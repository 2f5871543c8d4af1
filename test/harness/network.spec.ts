// The network's behaviour, after the course's own labrpc self-tests, all in virtual time.
import { expect } from 'chai';
import { Simulator } from '../../engine/sim/simulator';
import { Network, Server, Service } from '../../engine/rpc';

function junkService(sim: Simulator, seen: unknown[] = []) {
  const node = sim.node('server');
  const service = new Service('Junk', {
    Handler2: (args: number) => {
      seen.push(args);
      return { x: `handler2-${args}` };
    },
    Handler4: (args: { x: string }) => {
      seen.push(args.x);
      return { x: 'pointer' };
    },
    Handler5: (args: { name: string }) => {
      seen.push(args.name);
      return { x: args.name.length };
    },
    Sleep: async (args: { ms: number }) => {
      await node.sleep(args.ms);
      return { ok: true };
    },
  });
  return { node, server: new Server().addService(service), seen };
}

/** A fresh simulator and network with one junk server "server99". */
function setup(seed = 1) {
  const sim = new Simulator(seed);
  const net = new Network(sim);
  const junk = junkService(sim);
  net.addServer('server99', junk.server);
  const endTo = (name: string, enabled = true) => {
    const end = net.makeEnd(name);
    net.connect(name, 'server99');
    net.enable(name, enabled);
    return end;
  };
  return { sim, net, endTo, ...junk };
}

describe('network (labrpc semantics)', () => {
  it('basic: a call returns the handler reply', async () => {
    const { sim, endTo } = setup();
    await sim.run(async () => {
      const end = endTo('end1-99');
      expect(await end.call('Junk.Handler2', 111)).to.deep.equal({ x: 'handler2-111' });
      expect(await end.call('Junk.Handler4', { x: '9099' })).to.deep.equal({ x: 'pointer' });
    });
  });

  it('several services on one server', async () => {
    const sim = new Simulator(1);
    const net = new Network(sim);
    net.addServer(
      's',
      new Server()
        .addService(new Service('A', { Get: () => ({ from: 'A' }) }))
        .addService(new Service('B', { Get: () => ({ from: 'B' }) })),
    );
    const end = net.makeEnd('e');
    net.connect('e', 's');
    net.enable('e', true);
    await sim.run(async () => {
      expect(await end.call('A.Get', {})).to.deep.equal({ from: 'A' });
      expect(await end.call('B.Get', {})).to.deep.equal({ from: 'B' });
    });
  });

  it('disconnect: a call on a disabled end fails; after enable it works', async () => {
    const { sim, endTo, net, seen } = setup();
    await sim.run(async () => {
      const end = endTo('end1-99', false);
      expect(await end.call('Junk.Handler2', 1)).to.equal(null);
      expect(seen).to.deep.equal([]);
      net.enable('end1-99', true);
      expect(await end.call('Junk.Handler2', 2)).to.deep.equal({ x: 'handler2-2' });
    });
  });

  it('counts: 17 sequential calls are 17 at the server', async () => {
    const { sim, endTo, net } = setup();
    await sim.run(async () => {
      const end = endTo('end1-99');
      for (let i = 0; i < 17; i++)
        expect(await end.call('Junk.Handler2', i)).to.deep.equal({ x: `handler2-${i}` });
    });
    expect(net.getCount('server99')).to.equal(17);
    expect(net.getTotalCount()).to.equal(17);
  });

  it('bytes: args counted on every call, replies when delivered (calibrated to our codec)', async () => {
    const { sim, endTo, net } = setup();
    await sim.run(async () => {
      const end = endTo('end1-99');
      const args = { name: 'x'.repeat(288) };
      for (let i = 0; i < 17; i++) await end.call('Junk.Handler5', args);
      const first = net.getTotalBytes();
      // 288 characters of payload plus a little framing each way.
      expect(first).to.be.within(17 * 288, 17 * 320);
      for (let i = 0; i < 17; i++) await end.call('Junk.Handler2', 107);
      expect(net.getTotalBytes() - first).to.be.within(17 * 10, 17 * 40);
    });
  });

  it('many concurrent clients: 20 ends × 10 calls all succeed', async () => {
    const { sim, endTo, net } = setup();
    await sim.run(async () => {
      const clients = Array.from({ length: 20 }, async (_, c) => {
        const end = endTo(`end-${c}`);
        let ok = 0;
        for (let j = 0; j < 10; j++)
          if ((await end.call('Junk.Handler2', c * 100 + j)) !== null) ok++;
        return ok;
      });
      expect(await Promise.all(clients)).to.deep.equal(Array(20).fill(10));
    });
    expect(net.getCount('server99')).to.equal(200);
  });

  it('concurrent calls on one end: 20 all succeed', async () => {
    const { sim, endTo, net, seen } = setup();
    await sim.run(async () => {
      const end = endTo('one');
      const replies = await Promise.all(
        Array.from({ length: 20 }, (_, i) => end.call('Junk.Handler2', i)),
      );
      expect(replies.every((r) => r !== null)).to.equal(true);
    });
    expect(seen).to.have.length(20);
    expect(net.getCount('server99')).to.equal(20);
  });

  it('unreliable: of 300 calls some succeed and some fail', async () => {
    const { sim, endTo, net } = setup();
    net.setReliable(false);
    await sim.run(async () => {
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, i) => endTo(`u${i}`).call('Junk.Handler2', i)),
      );
      const ok = results.filter((r) => r !== null).length;
      expect(ok).to.be.greaterThan(0);
      expect(ok).to.be.lessThan(300);
    });
  });

  it('regression: delayed failures on a disabled end do not hold up a later call', async () => {
    const { sim, endTo, net, seen } = setup();
    await sim.run(async () => {
      const end = endTo('r', false);
      const failing = Array.from({ length: 20 }, () => end.call('Junk.Handler2', 0));
      const tester = sim.node('tester');
      await tester.sleep(100);
      net.enable('r', true);
      const t0 = sim.now();
      expect(await end.call('Junk.Handler2', 99)).to.deep.equal({ x: 'handler2-99' });
      expect(sim.now() - t0).to.be.lessThan(30);
      await Promise.all(failing);
    });
    expect(seen).to.deep.equal([99]);
    expect(net.getCount('server99')).to.equal(1);
  });

  it('killed: a call into a deleted server returns false within 100 ms', async () => {
    const { sim, endTo, net } = setup();
    await sim.run(async () => {
      const end = endTo('k');
      const tester = sim.node('tester');
      let returned: number | undefined;
      const call = end.call('Junk.Sleep', { ms: 20_000 }).then((r) => {
        returned = sim.now();
        return r;
      });
      await tester.sleep(1000);
      expect(returned).to.equal(undefined);
      await tester.sleep(100);
      expect(returned).to.equal(undefined);
      const deletedAt = sim.now();
      net.deleteServer('server99');
      expect(await call).to.equal(null);
      expect(returned! - deletedAt).to.be.at.most(100);
    });
  });

  it('calls to a deleted or never-added server fail within the long-delay bound', async () => {
    const { sim, endTo, net } = setup();
    net.setLongDelays(true);
    net.deleteServer('server99');
    await sim.run(async () => {
      const end = endTo('gone');
      const t0 = sim.now();
      const results = await Promise.all(
        Array.from({ length: 50 }, () => end.call('Junk.Handler2', 1)),
      );
      expect(results.every((r) => r === null)).to.equal(true);
      expect(sim.now() - t0).to.be.below(7000);
    });
  });

  it('a disabled end abandons a stuck handler at the next 100 ms poll', async () => {
    const { sim, endTo, net } = setup();
    await sim.run(async () => {
      const end = endTo('d');
      const tester = sim.node('tester');
      const call = end.call('Junk.Sleep', { ms: 60_000 });
      await tester.sleep(250);
      net.enable('d', false);
      const t0 = sim.now();
      expect(await call).to.equal(null);
      expect(sim.now() - t0).to.be.at.most(100);
    });
  });

  it('a crashed caller never sees the outcome of its call', async () => {
    const sim = new Simulator(3);
    const net = new Network(sim);
    const junk = junkService(sim);
    net.addServer('s', junk.server);
    const caller = sim.node('caller');
    const end = net.makeEnd('c', caller);
    net.connect('c', 's');
    net.enable('c', true);
    let outcome = 'none';
    await sim.run(async () => {
      void end.call('Junk.Sleep', { ms: 500 }).then(() => (outcome = 'settled'));
      const tester = sim.node('tester');
      await tester.sleep(100);
      caller.crash();
      await tester.sleep(2000);
    });
    expect(outcome).to.equal('none');
  });

  it('after cleanup, new calls fail at once', async () => {
    const { sim, endTo, net } = setup();
    await sim.run(async () => {
      const end = endTo('x');
      net.cleanup();
      const t0 = sim.now();
      expect(await end.call('Junk.Handler2', 1)).to.equal(null);
      expect(sim.now()).to.equal(t0);
    });
  });

  it('an unknown method or service fails the run with the known names', async () => {
    const { sim, endTo } = setup();
    let error: Error | undefined;
    await sim
      .run(async () => {
        await endTo('x').call('Junk.Nope', 1);
      })
      .catch((e: Error) => (error = e));
    expect(error?.message).to.match(
      /unknown method "Nope" of service Junk; known methods: Handler2, Handler4, Handler5, Sleep/,
    );
    const again = setup();
    await again.sim
      .run(async () => void (await again.endTo('y').call('Nope.X', 1)))
      .catch((e: Error) => (error = e));
    expect(error?.message).to.match(/unknown service "Nope".*known services: Junk/);
  });

  it('arguments are copied at call time: later mutation is invisible to the server', async () => {
    const { sim, endTo, seen } = setup();
    await sim.run(async () => {
      const args = { x: 'before' };
      const p = endTo('m').call('Junk.Handler4', args);
      args.x = 'after';
      await p;
    });
    expect(seen).to.deep.equal(['before']);
  });

  // Which of two promise chains runs first inside one event is part of a run (a learner's code may
  // race a reply against its own continuations): the network's steps between a handler's return
  // and its caller's continuation must stay as many promise jobs as they have always been (3).
  it('a reply reaches its caller three promise jobs after its handler returns, sync or async', async () => {
    const sim = new Simulator(1);
    const net = new Network(sim);
    net.setLatency(0, 0);
    let hops = 0;
    /** A chain of promise jobs counting from the handler's return (bounded: it must not spin). */
    const countHops = () => {
      hops = 0;
      const step = () => {
        if (++hops < 20) void Promise.resolve().then(step);
      };
      void Promise.resolve().then(step);
    };
    const service = new Service('T', {
      Sync: () => {
        countHops();
        return { ok: true };
      },
      Async: async () => {
        await null;
        countHops();
        return { ok: true };
      },
    });
    net.addServer('s', new Server().addService(service));
    const end = net.makeEnd('e');
    net.connect('e', 's');
    net.enable('e', true);
    const seen: number[] = [];
    await sim.run(async () => {
      for (const method of ['T.Sync', 'T.Async']) {
        expect(await end.call(method, {})).to.deep.equal({ ok: true });
        seen.push(hops);
      }
    });
    expect(seen).to.deep.equal([3, 3]);
  });

  it('an argument the codec cannot send rejects the call with its path', async () => {
    const { sim, endTo } = setup();
    await sim.run(async () => {
      let message = '';
      await endTo('f')
        .call('Junk.Handler4', { entries: [1, 2, 3, { command: () => 1 }] })
        .catch((e: Error) => (message = e.message));
      expect(message).to.equal('args.entries[3].command: a function cannot be sent');
    });
  });
});

// The network's adversary (engine/rpc/hold.ts): held messages wait for their release, and a
// released request goes to whichever server holds its name then.
import { expect } from 'chai';
import { Simulator } from '../../engine/sim/simulator';
import { Network, Server, Service } from '../../engine/rpc';

function setup() {
  const sim = new Simulator(1);
  const net = new Network(sim);
  const calls: string[] = [];
  const serve = (who: string) =>
    new Server().addService(
      new Service('S', {
        Echo: (args: { n: number }) => {
          calls.push(`${who} ${args.n}`);
          return { n: args.n, by: who };
        },
      }),
    );
  net.addServer('s', serve('first'));
  const end = net.makeEnd('e', sim.node('c'));
  net.connect('e', 's');
  net.enable('e', true);
  return { sim, net, end, calls, serve, caller: sim.node('tester') };
}

describe('network adversary (holdBack)', () => {
  it('holds a reply until released; the handler ran, the caller waits', async () => {
    const { sim, net, end, calls, caller } = setup();
    await sim.run(async () => {
      const hold = net.holdBack((m) => m.kind === 'reply' && (m.reply as { n: number }).n === 1);
      let got: unknown = 'pending';
      void end.call('S.Echo', { n: 1 }).then((r) => (got = r));
      expect(await end.call('S.Echo', { n: 2 })).to.deep.equal({ n: 2, by: 'first' });
      await caller.sleep(1000);
      expect(got).to.equal('pending');
      expect([...calls].sort()).to.deep.equal(['first 1', 'first 2']);
      const [held] = hold.held();
      expect(held).to.include({ kind: 'reply', method: 'S.Echo', from: 'c', to: 's' });
      expect(held.args).to.deep.equal({ n: 1 });
      expect(hold.release()).to.equal(1);
      await caller.sleep(50);
      expect(got).to.deep.equal({ n: 1, by: 'first' });
      expect(hold.held()).to.deep.equal([]);
    });
  });

  it('holds a request; released, it reaches the server now registered under its name', async () => {
    const { sim, net, end, calls, serve, caller } = setup();
    await sim.run(async () => {
      const hold = net.holdBack((m) => m.kind === 'request');
      let got: unknown = 'pending';
      void end.call('S.Echo', { n: 7 }).then((r) => (got = r));
      await caller.sleep(100);
      hold.stop();
      expect(calls).to.deep.equal([]);
      expect(await end.call('S.Echo', { n: 8 })).to.deep.equal({ n: 8, by: 'first' });
      net.addServer('s', serve('second'));
      hold.release((m) => (m.args as { n: number }).n === 7);
      await caller.sleep(50);
      expect(got).to.deep.equal({ n: 7, by: 'second' });
      expect(calls).to.deep.equal(['first 8', 'second 7']);
    });
  });
  it("drops a held reply: the handler ran, the caller's call fails as for a lost reply", async () => {
    const { sim, net, end, calls, caller } = setup();
    await sim.run(async () => {
      const hold = net.holdBack((m) => m.kind === 'reply');
      let got: unknown = 'pending';
      void end.call('S.Echo', { n: 3 }).then((r) => (got = r));
      await caller.sleep(100);
      hold.stop();
      expect(calls).to.deep.equal(['first 3']);
      expect(got).to.equal('pending');
      expect(hold.drop((m) => (m.args as { n: number }).n === 4)).to.equal(0);
      expect(hold.drop()).to.equal(1);
      await caller.sleep(1);
      expect(got).to.equal(null);
      expect(hold.held()).to.deep.equal([]);
      expect(await end.call('S.Echo', { n: 5 })).to.deep.equal({ n: 5, by: 'first' });
    });
  });
});

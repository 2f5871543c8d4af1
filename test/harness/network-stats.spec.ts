// The unreliable network's numbers, measured over many calls and compared with the semantics the
// header of engine/rpc/network.ts states (labrpc's: each of request and reply lost with p = 0.1
// when unreliable, the delays' ranges, long reordering's share and length), with the latency beyond
// labrpc switched off, and then the latency alone. Tolerances are about 4.5 standard deviations,
// so a correct network fails one of these checks far less than once in 10,000 runs; they are
// deterministic per seed.
import { expect } from 'chai';
import { Simulator } from '../../engine/sim/simulator';
import { Network, Server, Service } from '../../engine/rpc';
import { LATENCY_MAX_MS, LATENCY_MIN_MS } from '../../engine/rpc/network';

const CALLS = 20_000;

interface Sample {
  requestLost: number;
  replyLost: number;
  succeeded: number;
  deliveryDelays: number[];
  replyDelays: number[];
  failureDelays: number[];
}

async function measure(opts: {
  reliable: boolean;
  longReordering?: boolean;
  deliverable?: boolean;
  longDelays?: boolean;
  latency?: boolean;
}): Promise<Sample> {
  const sim = new Simulator(11);
  const net = new Network(sim);
  if (!opts.latency) net.setLatency(0, 0);
  net.setReliable(opts.reliable);
  net.setLongReordering(opts.longReordering ?? false);
  net.setLongDelays(opts.longDelays ?? false);
  const handledAt = new Map<number, number>();
  net.addServer(
    's',
    new Server().addService(
      new Service('S', {
        Go: (a: { id: number }) => (handledAt.set(a.id, sim.now()), { id: a.id }),
      }),
    ),
  );
  const sample: Sample = {
    requestLost: 0,
    replyLost: 0,
    succeeded: 0,
    deliveryDelays: [],
    replyDelays: [],
    failureDelays: [],
  };
  await sim.run(async () => {
    const tester = sim.node('tester');
    for (let batch = 0; batch < CALLS / 1000; batch++) {
      await Promise.all(
        Array.from({ length: 1000 }, async (_, k) => {
          const id = batch * 1000 + k;
          const end = net.makeEnd(`e${id}`);
          if (opts.deliverable !== false) net.connect(`e${id}`, 's');
          net.enable(`e${id}`, true);
          const t0 = sim.now();
          const reply = await end.call('S.Go', { id });
          const handled = handledAt.get(id);
          if (handled !== undefined) sample.deliveryDelays.push(handled - t0);
          if (reply !== null) {
            sample.succeeded++;
            sample.replyDelays.push(sim.now() - (handled as number));
          } else if (handled === undefined) {
            sample.requestLost++;
            sample.failureDelays.push(sim.now() - t0);
          } else sample.replyLost++;
        }),
      );
      await tester.sleep(10_000);
    }
  });
  return sample;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** 4.5 standard deviations of a proportion p estimated from n trials. */
const tol = (p: number, n: number) => 4.5 * Math.sqrt((p * (1 - p)) / n);

describe('unreliable network statistics (20,000 calls each)', function () {
  this.timeout(60_000);

  it('loses 10% of requests and 10% of the remaining replies; delivers after U[0..26] ms', async () => {
    const s = await measure({ reliable: false });
    const requestLoss = s.requestLost / CALLS;
    const replyLoss = s.replyLost / (CALLS - s.requestLost);
    expect(requestLoss).to.be.closeTo(0.1, tol(0.1, CALLS));
    expect(replyLoss).to.be.closeTo(0.1, tol(0.1, CALLS - s.requestLost));
    expect(s.succeeded / CALLS).to.be.closeTo(0.81, tol(0.81, CALLS));
    // Delivery delay: uniform integers 0..26 (mean 13, variance (27²-1)/12).
    expect(Math.min(...s.deliveryDelays)).to.equal(0);
    expect(Math.max(...s.deliveryDelays)).to.equal(26);
    const sd = Math.sqrt((27 * 27 - 1) / 12 / s.deliveryDelays.length);
    expect(mean(s.deliveryDelays)).to.be.closeTo(13, 4.5 * sd);
    const counts = new Array(27).fill(0);
    for (const d of s.deliveryDelays) counts[d]++;
    const expected = s.deliveryDelays.length / 27;
    for (const c of counts) expect(c).to.be.closeTo(expected, 4.5 * Math.sqrt(expected));
    // A lost request fails right after the short delay.
    expect(Math.max(...s.failureDelays)).to.be.at.most(26);
    // Without long reordering, replies are not held back.
    expect(Math.max(...s.replyDelays)).to.equal(0);
  });

  it('reliable: nothing is lost or delayed', async () => {
    const s = await measure({ reliable: true });
    expect(s.succeeded).to.equal(CALLS);
    expect(Math.max(...s.deliveryDelays, ...s.replyDelays)).to.equal(0);
  });

  it('long reordering holds back 2/3 of replies for 200 + U[0..U[0..1999]] ms', async () => {
    const s = await measure({ reliable: true, longReordering: true });
    expect(s.succeeded).to.equal(CALLS);
    const held = s.replyDelays.filter((d) => d > 0);
    expect(held.length / CALLS).to.be.closeTo(2 / 3, tol(2 / 3, CALLS));
    expect(Math.min(...held)).to.be.at.least(200);
    expect(Math.max(...held)).to.be.at.most(2199);
    // E[200 + U[0..k]] with k ~ U[0..1999] is 200 + 999.5/2; its standard deviation is about 441 ms
    // (E[D²] = E[k(2k+1)/6] = 444,278; minus 499.75²).
    expect(mean(held)).to.be.closeTo(699.75, (4.5 * 441) / Math.sqrt(held.length));
    // Skewed toward short delays: more than half are under 600 ms.
    expect(held.filter((d) => d < 600).length / held.length).to.be.greaterThan(0.5);
  });

  it(`latency (ours): every delivered request and reply takes U[${LATENCY_MIN_MS}..${LATENCY_MAX_MS}] ms, independently`, async () => {
    const s = await measure({ reliable: true, latency: true });
    expect(s.succeeded).to.equal(CALLS);
    const span = LATENCY_MAX_MS - LATENCY_MIN_MS + 1;
    for (const delays of [s.deliveryDelays, s.replyDelays]) {
      expect(Math.min(...delays)).to.equal(LATENCY_MIN_MS);
      expect(Math.max(...delays)).to.equal(LATENCY_MAX_MS);
      const counts = new Array(span).fill(0);
      for (const d of delays) counts[d - LATENCY_MIN_MS]++;
      const expected = delays.length / span;
      for (const c of counts) expect(c).to.be.closeTo(expected, 4.5 * Math.sqrt(expected));
    }
    // Independent: a reply's latency does not follow its request's (else no two messages would overtake).
    const same = s.deliveryDelays.filter((d, k) => d === s.replyDelays[k]).length;
    expect(same / CALLS).to.be.closeTo(1 / span, tol(1 / span, CALLS));
    // Unreliable: the short delay comes on top of the latency.
    const u = await measure({ reliable: false, latency: true });
    expect(Math.min(...u.deliveryDelays)).to.equal(LATENCY_MIN_MS);
    expect(Math.max(...u.deliveryDelays)).to.equal(LATENCY_MAX_MS + 26);
  });

  it('undeliverable calls fail after U[0..6999] ms with long delays, U[0..99] ms without', async () => {
    const long = await measure({ reliable: true, deliverable: false, longDelays: true });
    expect(long.succeeded).to.equal(0);
    expect(Math.max(...long.failureDelays)).to.be.at.most(6999);
    expect(Math.max(...long.failureDelays)).to.be.at.least(6990);
    expect(mean(long.failureDelays)).to.be.closeTo(3499.5, (4.5 * 7000) / Math.sqrt(12 * CALLS));
    const short = await measure({ reliable: true, deliverable: false });
    expect(Math.max(...short.failureDelays)).to.equal(99);
    expect(mean(short.failureDelays)).to.be.closeTo(49.5, (4.5 * 100) / Math.sqrt(12 * CALLS));
  });
});

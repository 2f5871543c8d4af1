// engine/sim/queue.ts: the event heap pops in (time, seq) order whatever the pushes and pops in between.
import { expect } from 'chai';
import { EventQueue, type QueuedEvent } from '../../engine/sim/queue';

/** A small seeded generator: rand(n) is an integer in [0, n). */
function lcg(seed: number): (n: number) => number {
  let x = seed;
  return (n) => Math.floor(((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n);
}

describe('sim EventQueue', () => {
  it('pops events in (time, seq) order through interleaved pushes, pops and cancelled skips', () => {
    const q = new EventQueue<QueuedEvent>();
    let live: QueuedEvent[] = [];
    const rand = lcg(5);
    let seq = 0;
    let now = 0;
    let pops = 0;
    for (let step = 0; step < 20000; step++) {
      if (rand(3) > 0) {
        // Many ties in time: the sequence number orders them. One in ten is cancelled at once.
        const e = { time: now + rand(20), seq: seq++, cancelled: rand(10) === 0 };
        q.push(e);
        if (!e.cancelled) live.push(e);
      } else {
        q.skipCancelled();
        const top = q.pop();
        live.sort((a, b) => a.time - b.time || a.seq - b.seq);
        expect(top, `step ${step}`).to.equal(live[0]);
        if (top === undefined) continue;
        live = live.slice(1);
        now = top.time;
        pops++;
      }
    }
    expect(pops).to.be.above(5000);
  });

  it('keeps that order when cancel() sweeps cancelled events out of the heap, and keeps the heap small', () => {
    const q = new EventQueue<QueuedEvent>();
    let live: QueuedEvent[] = [];
    const rand = lcg(7);
    let seq = 0;
    let now = 0;
    let pops = 0;
    let largest = 0;
    const push = () => {
      const e = { time: now + 100 + rand(200), seq: seq++, cancelled: false };
      q.push(e);
      live.push(e);
    };
    for (let step = 0; step < 40000; step++) {
      if (live.length < 30) push();
      else if (rand(20) > 0) {
        // Like an election timer reset: a pending event is cancelled and a later one takes its place.
        const victim = live[rand(live.length)];
        q.cancel(victim);
        live = live.filter((e) => e !== victim);
        push();
      } else {
        q.skipCancelled();
        const top = q.pop();
        live.sort((a, b) => a.time - b.time || a.seq - b.seq);
        expect(top, `step ${step}`).to.equal(live[0]);
        live = live.slice(1);
        now = top!.time;
        pops++;
      }
      largest = Math.max(largest, q.size - live.length);
    }
    expect(pops).to.be.above(1000);
    // Without sweeps, ~200 cancelled events would wait for their turn at the top.
    expect(largest).to.be.at.most(100);
  });

  it('pops every live event in order after a sweep of a large heap', () => {
    const q = new EventQueue<QueuedEvent>();
    const rand = lcg(11);
    const all = Array.from({ length: 2000 }, (_, seq) => ({
      time: rand(500),
      seq,
      cancelled: false,
    }));
    for (const e of all) q.push(e);
    for (const e of all) if (rand(10) < 6) q.cancel(e);
    expect(q.size).to.be.below(all.length); // swept
    const popped: QueuedEvent[] = [];
    for (;;) {
      q.skipCancelled();
      const e = q.pop();
      if (!e) break;
      popped.push(e);
    }
    const live = all.filter((e) => !e.cancelled).sort((a, b) => a.time - b.time || a.seq - b.seq);
    expect(popped).to.deep.equal(live);
  });
});

// harness/sim/queue.ts: the event heap pops in (time, seq) order whatever the pushes and pops in between.
import { expect } from 'chai';
import { EventQueue, type QueuedEvent } from '../../harness/sim/queue';

describe('sim EventQueue', () => {
  it('pops events in (time, seq) order through interleaved pushes, pops and cancelled skips', () => {
    const q = new EventQueue<QueuedEvent>();
    let live: QueuedEvent[] = [];
    let x = 5;
    const rand = (n: number) => Math.floor(((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n);
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
});

// The Raft safety oracles by part (labs/lab2/raft-oracle.ts): before 2C nothing persists, so
// a restart that forgets the term, the vote or the log is no violation; from 2C on it is. Driven
// by hand through check(), with peers that are plain objects.
import { expect } from 'chai';
import { RaftSafetyOracle } from '../../labs/lab2/raft-oracle';
import { fakePeer, standInSimulator, type FakePeer } from '../support/fake-raft';

/** Three servers, an oracle over them, and a clock: restart(i) makes a new incarnation of term 0. */
function group(persistent: boolean | undefined) {
  let now = 0;
  let committed = 0;
  const peers: (FakePeer | undefined)[] = [fakePeer(), fakePeer(), fakePeer()];
  const sim = standInSimulator(() => now);
  const oracle = new RaftSafetyOracle(sim, {
    n: 3,
    peer: (i) => peers[i],
    committedIndex: () => committed,
    ...(persistent === undefined ? {} : { persistent }),
  });
  const step = () => {
    now += 10;
    oracle.check();
  };
  return {
    peers: peers as FakePeer[],
    oracle,
    step,
    commit(index: number) {
      committed = index;
    },
    restart(i: number) {
      peers[i] = undefined;
      step();
      peers[i] = fakePeer();
      step();
    },
  };
}

describe('Raft oracles by part (ours)', () => {
  it('before 2C a restarted server may come back in a lower term; from 2C on it may not', () => {
    for (const persistent of [false, true, undefined]) {
      const g = group(persistent);
      g.peers[2].term = 5;
      g.step();
      const restart = () => g.restart(2);
      if (persistent === false) {
        expect(restart).to.not.throw();
        // Within the new incarnation the term still never goes down.
        g.peers[2].term = 3;
        g.step();
        g.peers[2].term = 2;
        expect(g.step).to.throw(/term monotonicity: server 2's term went from 3/);
      } else {
        expect(restart).to.throw(/term monotonicity: server 2's term went from 5/);
      }
    }
  });

  it('before 2C two leaders of a term some server had reached before a restart are forgiven, of a later term not', () => {
    const g = group(false);
    g.peers[0].term = 1;
    g.peers[0].leader = true;
    g.peers[1].term = 1;
    g.step();
    g.peers[0].leader = false;
    g.restart(1); // forgets its vote of term 1
    g.peers[1].term = 1;
    g.peers[1].leader = true;
    expect(g.step).to.not.throw();
    // Term 2 was reached by nobody before the restart: one vote per server in it, one leader.
    g.peers[1].term = 2;
    g.step();
    g.peers[1].leader = false;
    g.peers[2].term = 2;
    g.peers[2].leader = true;
    expect(g.step).to.throw(/election safety: servers 1 and 2 both led term 2/);

    const kept = group(true);
    kept.peers[0].term = 1;
    kept.peers[0].leader = true;
    kept.step();
    kept.peers[0].leader = false;
    kept.restart(1);
    kept.peers[1].term = 1;
    kept.peers[1].leader = true;
    expect(kept.step).to.throw(/election safety: servers 0 and 1 both led term 1/);
  });

  it('before 2C, after a restart, a new leader need not hold what was committed before', () => {
    for (const persistent of [false, true]) {
      const g = group(persistent);
      g.peers[0].term = 1;
      g.commit(2);
      g.step();
      g.restart(1);
      g.peers[1].term = 2;
      g.peers[1].leader = true;
      g.step();
      const start = () => g.oracle.observeStart(1, { index: 1, term: 2, isLeader: true });
      if (persistent) expect(start).to.throw(/leader completeness: server 1, leader of term 2/);
      else expect(start).to.not.throw();
    }
  });
});

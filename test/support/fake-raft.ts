// Stand-ins for specs that drive the Raft oracles (labs/lab2/raft-oracle.ts) by hand: a peer that
// is a plain object, and the little of a simulator the oracle uses.
import type { RaftPeer, StartResult } from '../../harness/contracts/raft';
import type { Simulator } from '../../engine/sim/simulator';

export interface FakePeer extends RaftPeer {
  term: number;
  leader: boolean;
}

/** A peer whose getState() says what the spec sets in `term` and `leader`. */
export function fakePeer(): FakePeer {
  const p = {
    term: 0,
    leader: false,
    getState: () => ({ term: p.term, isLeader: p.leader }),
    start: (): StartResult => ({ index: -1, term: p.term, isLeader: false }),
    snapshot: () => {},
    kill: () => {},
    handlers: {},
  };
  return p;
}

/**
 * What the oracle uses of a simulator: its clock, a failure sink, and the trace it records what
 * getState() showed into (not kept here).
 */
export function standInSimulator(
  now: () => number,
  fail: (e: Error) => void = () => {},
): Simulator {
  return { now, fail, record: () => {} } as unknown as Simulator;
}

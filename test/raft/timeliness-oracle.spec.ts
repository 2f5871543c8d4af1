// The timeliness oracles (labs/lab2/raft-timeliness.ts), driven by hand: a peer that is a plain
// object, the tap's ends and handlers called directly, the oracle's check() after each step. The
// variant specs show each oracle catching a real Raft (impls/raft-stale-leader,
// impls/raft-fast-heartbeat); this one covers the paths those variants do not take (a reply with a
// higher term, start() on a stale leader, pre-votes, idle windows).
import { expect } from 'chai';
import type { ClientEnd, Handler } from '../../harness/api';
import { RaftSafetyOracle } from '../../labs/lab2/raft-oracle';
import { fakePeer, standInSimulator } from '../support/fake-raft';
import { TestFailure } from '../../harness/scenario';

/** Server 0 of two, tapped; its end to server 1 answers with `answer(method, args)`. */
function tapped(part: string | undefined) {
  let now = 0;
  const failures: Error[] = [];
  const sim = standInSimulator(
    () => now,
    (e) => failures.push(e),
  );
  const peers = [fakePeer(), fakePeer()];
  const oracle = new RaftSafetyOracle(sim, { n: 2, peer: (i) => peers[i], part });
  let answer: (method: string, args: unknown) => unknown = () => null;
  const raw: ClientEnd = {
    name: 'to-1',
    call: <R>(method: string, args: unknown) => Promise.resolve(answer(method, args) as R),
  };
  const tap = oracle.messages(0);
  const received: unknown[] = [];
  const handler: Handler = (args) => received.push(args);
  const ends = tap ? tap.ends([raw, raw]) : [raw, raw];
  const handlers = tap
    ? tap.handlers({ RequestVote: handler, PreVote: handler, AppendEntries: handler })
    : {};
  return {
    peer: peers[0],
    oracle,
    tap,
    failures,
    ends,
    handlers,
    received,
    answerWith(fn: (method: string, args: unknown) => unknown) {
      answer = fn;
    },
    advance(ms: number) {
      now += ms;
    },
    check: () => oracle.check(),
  };
}

const lead = (g: ReturnType<typeof tapped>, term: number) => {
  g.peer.term = term;
  g.peer.leader = true;
  g.check();
};

describe('Raft timeliness oracles (ours)', () => {
  it('a leader that handled a request of a higher term and still leads its own fails stale-leader', () => {
    const g = tapped('2A');
    lead(g, 2);
    g.handlers.AppendEntries({ term: 3, entries: [] });
    expect(g.received).to.have.length(1); // the handler itself still runs, with the same args
    expect(g.check).to.throw(
      /^stale leader: server 0 still leads term 2 at 0\.000s, after it processed an AppendEntries request of term 3/,
    );
    try {
      g.check();
    } catch (e) {
      expect((e as TestFailure).check).to.equal('stale-leader');
    }
    // Stepping down (or moving to the higher term) is what it should have done.
    g.peer.term = 3;
    g.peer.leader = false;
    expect(g.check).to.not.throw();
  });

  it("a pre-vote's term is hypothetical: it is not held against a leader", () => {
    const g = tapped('2A');
    lead(g, 2);
    g.handlers.PreVote({ term: 3 });
    expect(g.check).to.not.throw();
  });

  it('a reply of a higher term counts for a request of the term it leads, not of an earlier one', async () => {
    const g = tapped('2A');
    g.answerWith(() => ({ term: 4, success: false }));
    lead(g, 2);
    await g.ends[1].call('Raft.AppendEntries', { term: 1, entries: [] });
    expect(g.check).to.not.throw(); // a stale reply the server may drop
    const reply = await g.ends[1].call('Raft.AppendEntries', { term: 2, entries: [] });
    expect(reply).to.deep.equal({ term: 4, success: false }); // the caller gets the reply unchanged
    expect(g.check).to.throw(
      /^stale leader: server 0 still leads term 2 .* after it processed server 1's reply of term 4 to its AppendEntries of term 2/,
    );
  });

  it('start() accepted in a stale term fails stale-leader even if getState() no longer says leader', () => {
    const g = tapped('2A');
    lead(g, 2);
    g.peer.leader = false;
    g.handlers.RequestVote({ term: 5 });
    g.check();
    expect(() => g.oracle.observeStart(0, { index: 3, term: 2, isLeader: true })).to.throw(
      /^stale leader: server 0 accepted a command at index 3 in term 2 .* RequestVote request of term 5/,
    );
  });

  it('eleven heartbeats to a peer within a second of an idle leader fail heartbeat-rate; ten do not', () => {
    const g = tapped('2A');
    lead(g, 1);
    for (let k = 0; k < 10; k++) {
      void g.ends[1].call('Raft.AppendEntries', { term: 1, entries: [] });
      g.advance(99);
    }
    expect(g.failures).to.have.length(0);
    // Entries are not heartbeats, and each peer has its own count.
    void g.ends[1].call('Raft.AppendEntries', { term: 1, entries: [[1, 'x']] });
    void g.ends[0].call('Raft.AppendEntries', { term: 1, entries: [] });
    expect(g.failures).to.have.length(0);
    void g.ends[1].call('Raft.AppendEntries', { term: 1, entries: [] });
    expect(g.failures).to.have.length(1);
    expect((g.failures[0] as TestFailure).check).to.equal('heartbeat-rate');
    expect(g.failures[0].message).to.match(
      /^heartbeat rate: server 0 sent 11 AppendEntries without entries to server 1 in term 1 within one second \(0\.000s to 0\.990s\)/,
    );
    // A new term starts a new count.
    void g.ends[1].call('Raft.AppendEntries', { term: 2, entries: [] });
    expect(g.failures).to.have.length(1);
  });

  it('a window in which the leader accepted a command is not idle', () => {
    const g = tapped('2A');
    lead(g, 1);
    g.oracle.observeStart(0, { index: 1, term: 1, isLeader: true });
    for (let k = 0; k < 11; k++) {
      void g.ends[1].call('Raft.AppendEntries', { term: 1, entries: [] });
      g.advance(50);
    }
    expect(g.failures).to.have.length(0);
    // A second after the command, eleven heartbeats in a second are too many again.
    g.advance(1000);
    for (let k = 0; k < 11; k++) {
      void g.ends[1].call('Raft.AppendEntries', { term: 1, entries: [] });
      g.advance(50);
    }
    expect(g.failures).to.have.length(1);
  });

  it('without a part (the services clusters) there is no tap, and so no timeliness check', () => {
    const g = tapped(undefined);
    expect(g.tap).to.equal(undefined);
  });
});

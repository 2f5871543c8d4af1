// What the run viewer extracts from a trace (viewer/data.ts), on a small hand-made trace: lanes,
// roles and terms (getState() observations, candidates from RequestVote), messages with their
// outcomes and contents, cut-offs and partitions, crashes and restarts, the window of a run too
// large to draw whole, and a page that no log line can break out of.
import { expect } from 'chai';
import { encode } from '../../engine/codec';
import type { TraceKind, TraceRecord } from '../../engine/sim/trace';
import { buildViewerData, OUTCOME, ROLE, renderRunViewer, type ViewerRun } from '../../viewer';

function r(
  time: number,
  kind: TraceKind,
  node: string,
  detail: string,
  data?: unknown,
  topic?: string,
): TraceRecord {
  return {
    time,
    kind,
    node,
    detail,
    ...(topic ? { topic } : {}),
    ...(data !== undefined ? { data: encode(data) } : {}),
  };
}

const vote = { term: 1, candidateId: 1, lastLogIndex: 0, lastLogTerm: 0 };
const beat = {
  term: 1,
  leaderId: 1,
  prevLogIndex: 0,
  prevLogTerm: 0,
  entries: [],
  leaderCommit: 0,
};
const links = ['0', '1', '2'].flatMap((a) =>
  ['0', '1', '2'].map((b) => r(0, 'net', a, `enable S${a}->S${b}`)),
);

const TRACE: TraceRecord[] = [
  r(0, 'start', '0', 'incarnation 1'),
  r(0, 'start', '1', 'incarnation 1'),
  r(0, 'start', '2', 'incarnation 1'),
  ...links,
  r(0, 'test', 'tester', 'begin: Test (2A): a hand-made run'),
  r(0, 'state', '0', 'term 0'),
  r(0, 'state', '1', 'term 0'),
  r(0, 'state', '2', 'term 0'),
  r(300, 'send', '1', '#1 Raft.RequestVote -> 0 47B', vote),
  r(300, 'send', '1', '#2 Raft.RequestVote -> 2 47B', vote),
  r(300, 'state', '1', 'term 1'),
  r(302, 'deliver', '0', '#1 Raft.RequestVote', vote),
  r(302, 'state', '0', 'term 1'),
  r(305, 'reply', '1', '#1 Raft.RequestVote 20B', { term: 1, voteGranted: true }),
  r(305, 'state', '1', 'term 1, leader'),
  r(306, 'drop', '1', '#2 Raft.RequestVote: request lost'),
  r(310, 'send', '1', '#3 Raft.AppendEntries -> 0 60B', beat),
  r(312, 'deliver', '0', '#3 Raft.AppendEntries', beat),
  r(315, 'drop', '1', '#3 Raft.AppendEntries: reply lost'),
  r(400, 'net', '2', 'disable S2->S0'),
  r(400, 'net', '0', 'disable S0->S2'),
  r(400, 'net', '2', 'disable S2->S1'),
  r(400, 'net', '1', 'disable S1->S2'),
  r(400, 'log', '2', 'term 1: alone </script><b>', undefined, 'election'),
  r(500, 'crash', '0', 'incarnation 1'),
  r(600, 'start', '0', 'incarnation 2'),
  r(600, 'state', '0', 'term 1'),
];

const RUN: ViewerRun = {
  test: 'TestHandMade2A',
  seed: 7,
  passed: false,
  check: 'one-leader',
  error: 'expected one leader, got none\nat somewhere',
  virtualMs: 600,
  trace: TRACE,
};

describe('the run viewer: what it draws from a trace', () => {
  const data = buildViewerData(RUN);
  const text = (i: number) => data.strings[i];
  const bandsOf = (lane: number) =>
    data.bands
      .filter((b) => b[0] === lane)
      .map(([, from, to, role, term]) => [from, to, role, term]);

  it('has one lane per server and the failing check at its time', () => {
    expect(data.lanes.map((l) => l.label)).to.deep.equal(['S0', 'S1', 'S2']);
    expect(data.check).to.equal('one-leader');
    expect(data.message).to.equal('expected one leader, got none');
    expect(data.failAt).to.equal(600);
    expect([data.from, data.to, data.openFrom]).to.deep.equal([0, 600, 0]);
    expect(data.note).to.equal(undefined);
  });

  it('draws roles and terms: getState() for terms and leaders, RequestVote for candidates, crashes', () => {
    expect(data.roles).to.equal(true);
    expect(bandsOf(1)).to.deep.equal([
      [0, 300, ROLE.follower, 0],
      [300, 305, ROLE.candidate, 1],
      [305, 600, ROLE.leader, 1],
    ]);
    expect(bandsOf(0)).to.deep.equal([
      [0, 302, ROLE.follower, 0],
      [302, 500, ROLE.follower, 1],
      [500, 600, ROLE.down, 1],
      [600, 600, ROLE.follower, 1],
    ]);
  });

  it('follows each message from send to delivery and outcome, with its contents', () => {
    const msgs = data.msgs.map((m) => ({
      id: m[0],
      lanes: [m[1], m[2]],
      times: [m[3], m[4], m[5]],
      outcome: m[6],
      topic: data.topics[m[8]],
      args: text(m[9]),
      reply: m[10] >= 0 ? text(m[10]) : undefined,
      why: m[11] >= 0 ? text(m[11]) : undefined,
    }));
    expect(msgs).to.deep.equal([
      {
        id: 1,
        lanes: [1, 0],
        times: [300, 302, 305],
        outcome: OUTCOME.reply,
        topic: 'election',
        args: '{term: 1, candidateId: 1, lastLogIndex: 0, lastLogTerm: 0}',
        reply: '{term: 1, voteGranted: true}',
        why: undefined,
      },
      {
        id: 2,
        lanes: [1, 2],
        times: [300, -1, 306],
        outcome: OUTCOME.drop,
        topic: 'election',
        args: '{term: 1, candidateId: 1, lastLogIndex: 0, lastLogTerm: 0}',
        reply: undefined,
        why: 'request lost',
      },
      {
        id: 3,
        lanes: [1, 0],
        times: [310, 312, 315],
        outcome: OUTCOME.drop,
        topic: 'heartbeat',
        args: '{term: 1, leaderId: 1, prevLogIndex: 0, prevLogTerm: 0, entries[], leaderCommit: 0}',
        reply: undefined,
        why: 'reply lost',
      },
    ]);
  });

  it('marks partitions, who was cut off, crashes and restarts, and the log lines', () => {
    const events = data.events.map(([t, lane, kind, what]) => [t, lane, text(kind), text(what)]);
    expect(events).to.deep.include([0, -1, 'test', 'begin: Test (2A): a hand-made run']);
    expect(events).to.deep.include([400, -1, 'partition', 'partition S0 S1 | S2']);
    expect(events).to.deep.include([500, 0, 'crash', 'crash (incarnation 1)']);
    expect(events).to.deep.include([600, 0, 'restart', 'restart (incarnation 2)']);
    const cuts = data.cuts.map(([lane, from, to, who]) => [lane, from, to, text(who)]);
    // Until S0 crashed (a server that is down is no one to be cut off from), and after it restarted.
    expect(cuts).to.deep.include([2, 400, 500, 'S0 S1']);
    expect(cuts).to.deep.include([2, 500, 600, 'S1']);
    expect(cuts).to.deep.include([0, 400, 500, 'S2']);
    expect(
      data.logs.map(([lane, t, topic, what]) => [lane, t, data.topics[topic], text(what)]),
    ).to.deep.equal([[2, 400, 'election', 'term 1: alone </script><b>']]);
  });

  it('draws a window ending at the failure when the run is too large, and says so', () => {
    const small = buildViewerData(RUN, { maxMessages: 1 });
    expect(small.msgs.map((m) => m[0])).to.deep.equal([3]);
    expect([small.from, small.to]).to.deep.equal([310, 600]);
    expect(small.note).to.equal(
      'This run is too large to draw whole (3 messages in 0.600 s): drawn are its last 0.290 s, from 0.310 s to the end at 0.600 s (1 messages).',
    );
    // Roles at the start of the window are kept, cut to it.
    expect(small.bands.filter((b) => b[0] === 1)[0]).to.deep.equal([1, 310, 600, ROLE.leader, 1]);
  });

  it('writes a page that nothing in the trace can break out of', () => {
    const html = renderRunViewer(RUN, { impl: 'impls/x' });
    expect(html.match(/<\/script>/g)).to.have.length(1);
    expect(html).to.include('<title>TestHandMade2A seed 7: one-leader</title>');
    expect(html).to.include('implementation impls/x');
    expect(html).not.to.include('<b>\\');
  });
});

// Messages from the past, answered: a request of an older term reaches a server that has moved
// to a newer one, and its refusal goes back to a caller that is still waiting for it. Graded with
// the part whose code they need (labs/parts.ts), e.g.
//   npm run grade -- 2b --run VoteRequestsFromThePast -n 50
// The vote test needs only 2A's code; it is graded with 2B (2A's five tests are a fixture of
// test/staff/formats.spec.ts).
import { fail, type Scenario } from '../../harness/scenario';
import type { RaftCluster } from '../lab2/raft';
import { raftTest } from '../lab2/raft-scenario';
import { leaderAmong, rejoinMissingSnapshot, requestTerm, until } from './raft-past';

const ROUNDS = 3;
/** How long a held message is given to arrive and its answer to come back. */
const SETTLE_MS = 100;

/**
 * Cuts the cluster so that only server c can win an election: the others cannot call c nor each
 * other (c can call everyone, and hears their replies).
 */
function onlyCandidate(cfg: RaftCluster, c: number): void {
  const others = [...Array(cfg.n).keys()].filter((i) => i !== c);
  for (const o of others) cfg.cutOneWay(o, c);
  for (const a of others) for (const b of others) if (a < b) cfg.cut(a, b);
}

/**
 * Three servers; only candidate C can campaign, and its RequestVote requests are held until it has
 * campaigned in two terms. Then they arrive newest first: the voters take C's latest term and vote
 * for it, and C's older requests, arriving after, are refused with that newer term, the refusals
 * going back to C's calls that still wait. A Raft whose refusal does not carry the voter's term
 * (Figure 2: RequestVote returns term and voteGranted) has its candidate take whatever the reply
 * holds as a newer term (the term checks). Each round heals and requires one leader.
 */
const TestVoteRequestsFromThePast2B = raftTest(
  {
    name: 'TestVoteRequestsFromThePast2B',
    part: '2B',
    description: 'Test (2B, ours): RequestVote of an earlier term delivered after a later one',
    servers: 3,
    unreliable: false,
    snapshot: false,
  },
  async (cfg, t) => {
    for (let round = 0; round < ROUNDS; round++) {
      const leader = await cfg.checkOneLeader();
      const c = (leader + 1 + t.rng.int(cfg.n - 1)) % cfg.n;
      onlyCandidate(cfg, c);
      const hold = cfg.net.holdBack(
        (m) => m.kind === 'request' && m.method === 'Raft.RequestVote' && m.from === String(c),
      );
      const terms = () => new Set(hold.held().map((m) => requestTerm(m)));
      await until(cfg, 5000, `server ${c} campaigns in two terms`, () => terms().size >= 2);
      hold.stop();
      const newest = Math.max(...hold.held().map((m) => requestTerm(m) ?? 0));
      hold.release((m) => requestTerm(m) === newest);
      await cfg.sleep(SETTLE_MS);
      hold.release();
      await cfg.sleep(SETTLE_MS);
      cfg.heal();
    }
    await cfg.checkOneLeader();
  },
);

/**
 * Five servers; follower F, cut off, misses the others' snapshot, and its leader L's first
 * InstallSnapshot for it is held (L's next one brings F up to date). L is then cut off from the
 * three others (F still hears it), which elect a leader; its heartbeats bring F a newer term (or F
 * itself, elected while the request was held, already has one). Now the held request
 * arrives at F: of L's older term, refused with F's newer one, and the refusal goes back to L,
 * whose call still waits. A Raft whose refusal does not carry the follower's term (Figure 13:
 * InstallSnapshot returns term) has L take whatever the reply holds as a newer term (the term
 * checks). Then everyone agrees again.
 */
const TestSnapshotOfAnOldTerm2D = raftTest(
  {
    name: 'TestSnapshotOfAnOldTerm2D',
    part: '2D',
    description: 'Test (2D, ours): InstallSnapshot of an earlier term delivered after an election',
    servers: 5,
    unreliable: false,
    snapshot: true,
  },
  async (cfg, t) => {
    await cfg.one(t.rng.safeInt(), cfg.n, true);
    const l = await cfg.checkOneLeader();
    const f = t.rng.perm(cfg.n).filter((i) => i !== l)[0];
    const hold = await rejoinMissingSnapshot(cfg, t, f);
    // The leader that sent it (usually L, unless the cluster elected another while F was away).
    const [held] = hold.held();
    if (!held) fail('agreement', `server ${f} caught up without the snapshot it was behind`);
    const sender = Number(held.from);
    const rest = [...Array(cfg.n).keys()].filter((i) => i !== sender && i !== f);
    for (const y of rest) cfg.cut(sender, y);
    // F itself may lead by now (elected while L's snapshot was held): then its term is already newer.
    const w = await leaderAmong(cfg, [...rest, f]);
    await until(
      cfg,
      5000,
      `server ${f} hears of leader ${w}'s term, newer than the held request's`,
      () => cfg.getState(f).term > (requestTerm(held) ?? Infinity),
    );
    hold.release();
    await cfg.sleep(SETTLE_MS);
    cfg.heal();
    await cfg.one(t.rng.safeInt(), cfg.n, true);
  },
);

export const scenarios2B: Scenario[] = [TestVoteRequestsFromThePast2B];
export const scenarios2D: Scenario[] = [TestSnapshotOfAnOldTerm2D];

// Messages from the past: tests of ours in which the network's adversary (engine/rpc/hold.ts)
// holds back chosen Raft messages and delivers them once the cluster has moved on. labrpc reorders
// at random and rarely at the moment that matters; these wait for that moment. Graded with the
// part whose code they need (labs/parts.ts), e.g.
//   npm run grade -- 2a --run VotesFromThePast -n 50
import type { Scenario } from '../../harness/scenario';
import type { HeldMessage } from '../../engine/rpc';
import type { RaftCluster } from '../lab2/raft';
import { raftTest } from '../lab2/raft-scenario';

const VOTE_ROUNDS = 4;
/** How long a candidate campaigns with its votes held back: several election timeouts. */
const CAMPAIGN_MS = 2500;
/** How often the test looks whether a held message's moment has come. */
const POLL_MS = 10;

/** The term a held request carried (undefined if it was sent before the hold, or has none). */
export function requestTerm(m: HeldMessage): number | undefined {
  const term = (m.args as { term?: unknown } | undefined)?.term;
  return typeof term === 'number' ? term : undefined;
}

/**
 * Cuts the cluster so that only server c can win an election: the others cannot call c nor each
 * other (c can call everyone, and hears their replies).
 */
function onlyCandidate(cfg: RaftCluster, c: number): number[] {
  const others = [...Array(cfg.n).keys()].filter((i) => i !== c);
  for (const o of others) cfg.cutOneWay(o, c);
  for (const a of others) for (const b of others) if (a < b) cfg.cut(a, b);
  return others;
}

/**
 * Every reply to server c's RequestVote is held until c's term has passed the term the request
 * carried — until c has started its next election — and then delivered. Since only c can campaign
 * and none of its replies arrive in time, nobody may be elected meanwhile: a candidate that counts
 * a grant of its previous election in its current one leads without a majority (the vote-count
 * oracle), and with several servers doing so two could lead one term (election safety). Each
 * round heals and requires one leader. 2A alone: no start(), nothing persisted.
 */
const TestVotesFromThePast2A = raftTest(
  {
    name: 'TestVotesFromThePast2A',
    part: '2A',
    description: 'Test (2A, ours): vote replies delivered after their election has passed',
    servers: 3,
    unreliable: false,
    snapshot: false,
  },
  async (cfg, t) => {
    for (let round = 0; round < VOTE_ROUNDS; round++) {
      const leader = await cfg.checkOneLeader();
      const c = (leader + 1 + t.rng.int(cfg.n - 1)) % cfg.n;
      onlyCandidate(cfg, c);
      const hold = cfg.net.holdBack(
        (m) => m.kind === 'reply' && m.method === 'Raft.RequestVote' && m.from === String(c),
      );
      const until = cfg.now() + CAMPAIGN_MS;
      while (cfg.now() < until) {
        await cfg.sleep(POLL_MS);
        const term = cfg.getState(c).term;
        hold.release((m) => (requestTerm(m) ?? term) < term);
      }
      hold.stop();
      hold.release();
      cfg.heal();
    }
    await cfg.checkOneLeader();
  },
);

export const scenarios2A: Scenario[] = [TestVotesFromThePast2A];

// Tests of ours beyond the course's, graded with part 2C beside the course's score
// (labs/parts.ts): scenarios that use the fixture's crash points and partial partitions to reach
// states the ported tests never do, e.g.
//   npm run grade -- 2c --run VoteCrash -n 50
import type { Scenario } from '../../harness/scenario';
import { RAFT_ELECTION_TIMEOUT_MS } from '../lab2/raft';
import { raftTest } from '../lab2/raft-scenario';

const ROUNDS = 12;

/**
 * A voter in the middle of a partial partition crashes right after it sends its first RequestVote
 * reply and restarts a few milliseconds later; the two sides, which cannot hear each other, each
 * elect a leader with its vote. Only a persisted votedFor stops the second side from winning the
 * same term (election safety, checked by the oracles). Each round heals and requires agreement.
 */
const TestVoteCrashRestart2C = raftTest(
  {
    name: 'TestVoteCrashRestart2C',
    part: '2C',
    description: 'Test (2C, ours): a voter crashes right after voting, between two sides',
    servers: 5,
    unreliable: false,
    snapshot: false,
  },
  async (cfg, t) => {
    const n = cfg.n;
    await cfg.one(t.rng.int(10_000), n, true);
    for (let round = 0; round < ROUNDS; round++) {
      await cfg.checkOneLeader();
      // V hears everyone; G1 and G2 (two servers each) cannot hear each other.
      const order = t.rng.perm(n);
      const [v, a1, a2, b1, b2] = order;
      for (const a of [a1, a2]) for (const b of [b1, b2]) cfg.cut(a, b);
      const restartAfterMs = 1 + t.rng.int(10);
      void cfg.crashAt(v, { after: 'reply', method: 'Raft.RequestVote' }).then(async () => {
        await cfg.sleep(restartAfterMs);
        cfg.start1(v);
        cfg.connect(v);
      });
      await cfg.sleep(2 * RAFT_ELECTION_TIMEOUT_MS);
      cfg.disarm(v);
      if (!cfg.raft(v)) {
        cfg.start1(v);
        cfg.connect(v);
      }
      cfg.heal();
      await cfg.one(t.rng.int(10_000), n, true);
    }
  },
);

export const scenarios: Scenario[] = [TestVoteCrashRestart2C];

// Tests of ours beyond the course's, graded with part 2C beside the course's score
// (labs/parts.ts): scenarios that use the fixture's crash points and partial partitions to reach
// states the ported tests never do, e.g.
//   npm run grade -- 2c --run VoteCrash -n 50
import type { Scenario } from '../../harness/scenario';
import { RAFT_ELECTION_TIMEOUT_MS } from '../lab2/raft';
import { raftTest } from '../lab2/raft-scenario';
import { appliedBy, leaderAmong, until } from './raft-past';

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

/** The index the cluster commits before the cut: the overwritten entries start right after it. */
const COMMITTED_BEFORE = 30;
/** Entries the cut-off leader appends (and the majority's leader, other ones, at the same indexes). */
const OVERWRITTEN = 70;

/**
 * Five servers commit through index COMMITTED_BEFORE; leader L and follower F are cut off, and L
 * appends OVERWRITTEN entries that only F gets and saves. The other three elect a leader that
 * commits other entries at those indexes; F rejoins them (L stays away), cuts its log at the first
 * of L's entries and takes the leader's, and saves again. Then F crashes and restarts from what it
 * saved. A Raft whose saved log still holds some of L's entries (a save that reuses an encoding of
 * a part of the log made before the log was cut under it) restores them, finds its last entry
 * agreeing with the leader's, and applies L's entries as committed (the appliers fail it).
 * Reaching that index takes a log cut in the first 32 entries, which the course's tests rarely do.
 */
const TestRestartAfterOverwrite2C = raftTest(
  {
    name: 'TestRestartAfterOverwrite2C',
    part: '2C',
    description: 'Test (2C, ours): a follower restarts after its log was cut and refilled',
    servers: 5,
    unreliable: false,
    snapshot: false,
  },
  async (cfg, t) => {
    let index = 0;
    while (index < COMMITTED_BEFORE) index = await cfg.one(t.rng.int(10_000), cfg.n, true);
    const l = await cfg.checkOneLeader();
    const [f, ...rest] = t.rng.perm(cfg.n).filter((i) => i !== l);
    for (const x of [l, f]) for (const y of rest) cfg.cut(x, y);
    for (let j = 0; j < OVERWRITTEN; j++) cfg.start(l, t.rng.int(10_000));
    await cfg.sleep(RAFT_ELECTION_TIMEOUT_MS);
    const w = await leaderAmong(cfg, rest);
    let last = 0;
    for (let j = 0; j < OVERWRITTEN; j++) last = cfg.start(w, t.rng.int(10_000)).index;
    await until(cfg, 5000, `index ${last} applied on the majority side`, () =>
      appliedBy(cfg, rest, last),
    );
    cfg.disconnect(l);
    cfg.heal();
    await until(cfg, 5000, `server ${f} applies the majority's index ${last}`, () =>
      appliedBy(cfg, [f], last),
    );
    cfg.start1(f);
    cfg.connect(f);
    await cfg.one(t.rng.int(10_000), cfg.n - 1, true);
    cfg.connect(l);
    await cfg.one(t.rng.int(10_000), cfg.n, true);
  },
);

export const scenarios: Scenario[] = [TestVoteCrashRestart2C, TestRestartAfterOverwrite2C];

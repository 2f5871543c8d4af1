// Figure 8 of the Raft paper (section 5.4.2), staged step by step: a leader must not commit an
// entry of an earlier term by counting the servers that hold it. The course's TestFigure8*2C
// reach that moment only by chance (random crashes over many seeds); this test arranges it. Each
// election is among servers of which exactly one holds the most up-to-date log, so exactly one can
// win, whatever the implementation's timeouts. Graded with 2B, e.g.
//   npm run grade -- 2b --run OldTermCommit -n 50
import { fail, type Scenario } from '../../harness/scenario';
import type { RaftCluster } from '../lab2/raft';
import { raftTest } from '../lab2/raft-scenario';
import { until } from './raft-past';

/** How long the leader of step (c) leads with the old entry on a majority. */
const TEMPTATION_MS = 1000;
/** Time for an entry to reach a connected follower (heartbeats are at most 100 ms apart). */
const SPREAD_MS = 300;

/** Connects exactly `servers`; everyone else is disconnected. */
function only(cfg: RaftCluster, servers: readonly number[]): void {
  for (let i = 0; i < cfg.n; i++) if (!servers.includes(i)) cfg.disconnect(i);
  for (const i of servers) cfg.connect(i);
}

/**
 * Connects exactly `servers` and waits until `c`, the only one of them that can be elected, leads
 * a term above every term they had (not a stale leadership of its own from before).
 */
async function elect(cfg: RaftCluster, c: number, servers: readonly number[]): Promise<void> {
  const above = Math.max(...servers.map((i) => cfg.getState(i).term));
  only(cfg, servers);
  await until(cfg, 10_000, `server ${c} is elected in a term above ${above}`, () => {
    const s = cfg.getState(c);
    return s.isLeader && s.term > above;
  });
}

/**
 * Five servers; the paper's S1..S5 are drawn at random. (0) S1, S2 and S5 commit a first entry
 * while S3 and S4 are away. (a) S1 leads and its new entry A, at index 2, reaches S2 only. (b) S5,
 * ahead of S3 and S4, is elected by them and appends its own B at index 2, which reaches nobody.
 * (c) S1, ahead of S3 and S4 (A's term is older than B's, but S3 and S4 have neither), is elected
 * by them and sends them A: A, of S1's first term, is now on S1, S3 and S4, a majority, and S1
 * leads with nothing of its own term. A leader that counts replicas of an old-term entry commits A
 * here. (d) S1 is cut off; S5, whose B has the higher term, is elected by S3 and S4 and commits B
 * at index 2. A Raft that committed A in (c) has now applied two commands at index 2: the
 * appliers catch it. A correct leader waits in (c) for an entry of its own term.
 */
const TestOldTermCommit2B = raftTest(
  {
    name: 'TestOldTermCommit2B',
    part: '2B',
    description: "Test (2B, ours): Figure 8, a leader does not commit an old term's entry by count",
    servers: 5,
    unreliable: false,
    snapshot: false,
  },
  async (cfg, t) => {
    const all = [...Array(cfg.n).keys()];
    const [s3, s4, ...first] = t.rng.perm(cfg.n);
    // (0)
    only(cfg, first);
    await cfg.one(t.rng.int(10_000), 3, true);
    const s1 = await cfg.checkOneLeader();
    const [s2, s5] = first.filter((i) => i !== s1);
    // (a)
    only(cfg, [s1, s2]);
    if (!cfg.start(s1, t.rng.int(10_000)).isLeader)
      fail('start-index', `server ${s1}, the leader, refused start() in (a)`);
    await cfg.sleep(SPREAD_MS);
    // (b)
    await elect(cfg, s5, [s3, s4, s5]);
    only(cfg, [s5]);
    cfg.start(s5, t.rng.int(10_000));
    await cfg.sleep(SPREAD_MS);
    // (c)
    await elect(cfg, s1, [s1, s3, s4]);
    await cfg.sleep(TEMPTATION_MS);
    // (d)
    await elect(cfg, s5, [s3, s4, s5]);
    await cfg.one(t.rng.int(10_000), 3, true);
    only(cfg, all);
    await cfg.one(t.rng.int(10_000), 5, true);
  },
);

export const scenarios2B: Scenario[] = [TestOldTermCommit2B];

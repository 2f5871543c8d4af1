// A snapshot that arrives while the service is still taking an earlier one. Raft hands snapshots
// to its service through the applyCh, which may be slow to read; a second InstallSnapshot can be
// accepted meanwhile. Keeping one "pending snapshot" and clearing it once the first is delivered
// loses the second, and the service then waits for entries Raft no longer has. The course's
// appliers read at once, so they never open that window. Graded with 2D, e.g.
//   npm run grade -- 2d --run SnapshotWhileApplying -n 50
import type { Scenario } from '../../harness/scenario';
import type { RaftCluster } from '../lab2/raft';
import { SNAPSHOT_INTERVAL } from '../lab2/raft-appliers';
import { raftTest } from '../lab2/raft-scenario';
import { appliedBy, until } from './raft-past';

/** Time for a rejoining follower to be sent, and to accept, its leader's snapshot. */
const CATCH_UP_MS = 1000;

/** Commits on the servers `on` up to a snapshot-taking index past `past`; returns that index. */
async function commitPast(
  cfg: RaftCluster,
  rng: () => number,
  on: number[],
  past: number,
): Promise<number> {
  let index = 0;
  while (index <= past || (index + 1) % SNAPSHOT_INTERVAL !== 0)
    index = await cfg.one(rng(), on.length, true);
  await until(cfg, 5000, `index ${index} applied by ${on.join(', ')}`, () =>
    appliedBy(cfg, on, index),
  );
  return index;
}

/**
 * Three servers; follower F is cut off while the others commit past a snapshot. F's applyCh is
 * held (its service busy) and F rejoins: it accepts the leader's InstallSnapshot, and its Raft
 * hands the snapshot to the service, which does not take it yet. F is cut off again while the
 * others move past another snapshot, and rejoins: it accepts the newer InstallSnapshot too. Then
 * the service reads on. It must get the newer snapshot after the older one (or instead of it) and
 * then the entries after it; a Raft that dropped the newer one while delivering the older one
 * offers entries it has compacted away, or leaves its service behind for good.
 */
const TestSnapshotWhileApplying2D = raftTest(
  {
    name: 'TestSnapshotWhileApplying2D',
    part: '2D',
    description: 'Test (2D, ours): a snapshot accepted while the service takes an earlier one',
    servers: 3,
    unreliable: false,
    snapshot: true,
  },
  async (cfg, t) => {
    const rng = () => t.rng.safeInt();
    await cfg.one(rng(), cfg.n, true);
    const leader = await cfg.checkOneLeader();
    const f = (leader + 1 + t.rng.int(cfg.n - 1)) % cfg.n;
    const others = [...Array(cfg.n).keys()].filter((i) => i !== f);

    cfg.disconnect(f);
    const first = await commitPast(cfg, rng, others, 0);
    const busy = cfg.holdApplies(f);
    cfg.connect(f);
    await until(
      cfg,
      5000,
      `server ${f} hands its service the snapshot through ${first}`,
      () => busy.waiting() > 0,
      'agreement',
    );

    cfg.disconnect(f);
    await commitPast(cfg, rng, others, first + SNAPSHOT_INTERVAL);
    cfg.connect(f);
    await cfg.sleep(CATCH_UP_MS);
    busy.release();
    await cfg.one(rng(), cfg.n, true);
  },
);

export const scenarios2D: Scenario[] = [TestSnapshotWhileApplying2D];

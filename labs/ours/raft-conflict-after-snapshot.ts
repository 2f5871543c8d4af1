// A conflict resolved after log compaction: a follower whose log starts after a snapshot must cut
// its conflicting suffix at the right place. Cutting the log is where a learner's index arithmetic
// meets the snapshot's offset (array position = index - lastIncludedIndex - 1); the course's tests
// reach a conflict behind a snapshot only by chance. Graded with 2D, e.g.
//   npm run grade -- 2d --run ConflictAfterSnapshot -n 50
import type { Scenario } from '../../harness/scenario';
import { SNAPSHOT_INTERVAL } from '../lab2/raft-appliers';
import { raftTest } from '../lab2/raft-scenario';
import { appliedBy, leaderAmong, until } from './raft-past';

/** Entries the cut-off leader appends alone, and the others commit in their place (< 9). */
const CONFLICTING = 3;

/**
 * Three servers commit entries 1..10: each snapshots through 9 and still holds entry 10. The
 * leader L is cut off and appends CONFLICTING entries of its term at 11.. that nobody else gets;
 * the other two elect a leader of a later term and commit different entries at the same indexes
 * (no new snapshot: 19 is not reached). L comes back: the new leader finds where their logs part
 * (after 10) and L must drop its 11.. behind its snapshot's offset and take the leader's. A cut at
 * the wrong position keeps L's own entries or leaves holes; the appliers then see two commands at
 * one index, or the log never agrees.
 */
const TestConflictAfterSnapshot2D = raftTest(
  {
    name: 'TestConflictAfterSnapshot2D',
    part: '2D',
    description: 'Test (2D, ours): a conflicting suffix cut after the log was compacted',
    servers: 3,
    unreliable: false,
    snapshot: true,
  },
  async (cfg, t) => {
    const all = [...Array(cfg.n).keys()];
    let index = 0;
    while (index < SNAPSHOT_INTERVAL) index = await cfg.one(t.rng.safeInt(), cfg.n, true);
    await until(cfg, 5000, `index ${index} applied everywhere`, () => appliedBy(cfg, all, index));
    const l = await cfg.checkOneLeader();
    const others = all.filter((i) => i !== l);

    cfg.disconnect(l);
    for (let k = 0; k < CONFLICTING; k++) cfg.start(l, t.rng.safeInt());
    await leaderAmong(cfg, others);
    for (let k = 0; k < CONFLICTING; k++) await cfg.one(t.rng.safeInt(), others.length, true);

    cfg.connect(l);
    await cfg.one(t.rng.safeInt(), cfg.n, true);
  },
);

export const scenarios2D: Scenario[] = [TestConflictAfterSnapshot2D];

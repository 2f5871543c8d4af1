// Messages from the past, part 2D: InstallSnapshot requests held back by the network's adversary
// (engine/rpc/hold.ts; the 2A and 2B tests are in raft-past.ts) until their follower has moved past
// what they cover. Graded with 2D:
//   npm run grade -- 2d --run SnapshotsFromThePast -n 50
import type { Scenario, TestContext } from '../../harness/scenario';
import type { Hold } from '../../engine/rpc';
import type { RaftCluster } from '../lab2/raft';
import { SNAPSHOT_INTERVAL } from '../lab2/raft-appliers';
import { raftTest } from '../lab2/raft-scenario';
import {
  appliedBy,
  carriesEntries,
  holdSnapshotsTo,
  indexAtOrAfter,
  leaderAmong,
  rejoinMissingSnapshot,
  until,
} from './raft-past';

/** InstallSnapshot requests held: one for each moment the test delivers one. */
const HELD_SNAPSHOTS = 2;
/** AppendEntries requests held in TestAppendsInsideSnapshot2D: one for each moment. */
const HELD_APPENDS = 2;
/** Entries the follower applies past the held snapshot before the first is delivered (< 9). */
const FEW_ENTRIES = 3;
/** How long a delivered snapshot is given to reach the service (several message latencies). */
const SETTLE_MS = 300;

/**
 * Cuts follower f off while the others commit at least SNAPSHOT_INTERVAL entries, stopping at an
 * index just past a snapshot (index % 10 == 0: they snapshotted the one before). f rejoins and its
 * leader sends it that snapshot: the first HELD_SNAPSHOTS of them are held (the leader resends at
 * once, as f's answers show it still lacks it), the next one lets f catch up.
 */
async function heldSnapshots(cfg: RaftCluster, t: TestContext, f: number): Promise<Hold> {
  cfg.disconnect(f);
  let index = 0;
  for (let k = 0; k < SNAPSHOT_INTERVAL || index % SNAPSHOT_INTERVAL !== 0; k++)
    index = await cfg.one(t.rng.safeInt(), cfg.n - 1, true);
  const hold = holdSnapshotsTo(cfg, f, HELD_SNAPSHOTS);
  cfg.connect(f);
  await until(
    cfg,
    5000,
    `server ${f}, behind the others' snapshot through ${index - 1}, is sent it ${HELD_SNAPSHOTS} times`,
    () => hold.held().length === HELD_SNAPSHOTS,
    'agreement',
  );
  hold.stop();
  return hold;
}

/** Delivers the oldest held request and gives it time to reach f's service. */
async function deliverOne(cfg: RaftCluster, hold: Hold): Promise<void> {
  const [oldest] = hold.held();
  hold.release((m) => m === oldest);
  await cfg.sleep(SETTLE_MS);
}

/**
 * Five servers; follower F, cut off, misses the others' snapshot, and its leader L's first two
 * InstallSnapshot requests for it are held back; the third brings F up to date. Then:
 * 1. F applies a few entries past the snapshot (it still holds the snapshot's last entry, its own
 *    snapshot ends there) and the first held request arrives, of L's term, which F still follows.
 * 2. F applies past its next snapshot; F and L are cut off from the other three, which elect a
 *    leader of a later term and commit. The second held request arrives; F has heard of no later
 *    term, so unless it has campaigned meanwhile (L, without check-quorum, may still lead it; with
 *    pre-vote it cannot raise its term alone) it is a request of F's own term.
 * A correct Raft ignores both (Figure 13's "retain log entries following it" at most, never going
 * back). One that installs them hands its service a snapshot behind what it has applied, and the
 * appliers fail it (monotonic-apply): at 1 if it resets to any snapshot it is sent, at 2 if, as
 * Figure 13 reads, it keeps its log when it holds the snapshot's last entry but otherwise resets.
 */
const TestSnapshotsFromThePast2D = raftTest(
  {
    name: 'TestSnapshotsFromThePast2D',
    part: '2D',
    description: 'Test (2D, ours): InstallSnapshot delivered after its follower has moved past it',
    servers: 5,
    unreliable: false,
    snapshot: true,
  },
  async (cfg, t) => {
    await cfg.one(t.rng.safeInt(), cfg.n, true);
    const l = await cfg.checkOneLeader();
    const [f, ...rest] = t.rng.perm(cfg.n).filter((i) => i !== l);
    const hold = await heldSnapshots(cfg, t, f);

    for (let k = 0; k < FEW_ENTRIES; k++) await cfg.one(t.rng.safeInt(), cfg.n, true);
    await deliverOne(cfg, hold);

    for (let k = 0; k <= SNAPSHOT_INTERVAL; k++) await cfg.one(t.rng.safeInt(), cfg.n, true);
    for (const x of [l, f]) for (const y of rest) cfg.cut(x, y);
    const w = await leaderAmong(cfg, rest);
    const y = cfg.start(w, t.rng.safeInt());
    await until(
      cfg,
      5000,
      `index ${y.index} applied on the majority side`,
      () => appliedBy(cfg, rest, y.index),
      'agreement',
    );
    await deliverOne(cfg, hold);

    cfg.heal();
    await cfg.one(t.rng.safeInt(), cfg.n, true);
  },
);

/** The batch's last index, modulo SNAPSHOT_INTERVAL: a few entries past the follower's last snapshot. */
const BATCH_END = 5;

/**
 * Three servers. Leader L appends a batch of at least SNAPSHOT_INTERVAL entries at once, ending at
 * an index a few past a multiple of the snapshot interval, so that one AppendEntries carries them
 * all; its first two copies to follower A are held back, the third brings A the batch, and A's
 * service snapshots inside it. Then, with nothing newer in A's log:
 * 1. the first held request arrives, of A's own term: its prevLogIndex is inside A's snapshot, and
 *    so are the batch's first entries but not its last. A correct A skips what its snapshot holds
 *    and finds the rest already in its log; one that takes the entries as following its snapshot
 *    appends the batch's first entries again after its log, as new ones, and applies them once
 *    committed (the appliers fail it).
 * 2. the cluster commits past A's next snapshot and the second held request arrives: everything it
 *    carries is now inside A's snapshot, and A must only answer (success, nothing to do).
 */
const TestAppendsInsideSnapshot2D = raftTest(
  {
    name: 'TestAppendsInsideSnapshot2D',
    part: '2D',
    description: "Test (2D, ours): AppendEntries delivered after the follower's snapshot covers it",
    servers: 3,
    unreliable: false,
    snapshot: true,
  },
  async (cfg, t) => {
    const k = await cfg.one(t.rng.safeInt(), cfg.n, true);
    const l = await cfg.checkOneLeader();
    const [a] = t.rng.perm(cfg.n).filter((i) => i !== l);
    let offered = 0;
    const hold = cfg.net.holdBack(
      (m) =>
        m.kind === 'request' &&
        m.method === 'Raft.AppendEntries' &&
        m.from === String(l) &&
        m.to === String(a) &&
        carriesEntries(m.args) &&
        offered++ < HELD_APPENDS,
    );
    const last = indexAtOrAfter(k + SNAPSHOT_INTERVAL, BATCH_END);
    for (let i = k + 1; i <= last; i++) cfg.start(l, t.rng.safeInt());
    await until(
      cfg,
      5000,
      `server ${a} is sent the batch ${k + 1}..${last} ${HELD_APPENDS} times and applies it`,
      () => hold.held().length === HELD_APPENDS && appliedBy(cfg, [a], last),
      'agreement',
    );
    hold.stop();
    await deliverOne(cfg, hold);
    for (let j = 0; j <= SNAPSHOT_INTERVAL; j++) await cfg.one(t.rng.safeInt(), cfg.n, true);
    await deliverOne(cfg, hold);
    await cfg.one(t.rng.safeInt(), cfg.n, true);
  },
);

/**
 * Three servers: leader L, followers F and B. F, cut off, misses a snapshot of L and B; L's first
 * InstallSnapshot for it is held (its next brings F up to date). B is cut off and L and F commit
 * past F's next snapshot, so F's log now starts after the held snapshot's last index. The held
 * request arrives, of F's own term and behind its commitIndex: a correct F ignores it (Figure 13
 * would keep its log, but F no longer holds the snapshot's last entry). One that installs it anyway
 * resets its log to the snapshot and forgets entries it helped commit; then L leaves, B comes back
 * and F, whose log is now shorter than B's, votes for B, which commits other commands at those
 * indexes (the appliers). A correct F's log is longer than B's: only F can be elected.
 */
const TestSnapshotBehindCommit2D = raftTest(
  {
    name: 'TestSnapshotBehindCommit2D',
    part: '2D',
    description:
      "Test (2D, ours): InstallSnapshot delivered after the follower's own snapshot passed it",
    servers: 3,
    unreliable: false,
    snapshot: true,
  },
  async (cfg, t) => {
    await cfg.one(t.rng.safeInt(), cfg.n, true);
    const l = await cfg.checkOneLeader();
    const [f, b] = t.rng.perm(cfg.n).filter((i) => i !== l);
    const hold = await rejoinMissingSnapshot(cfg, t, f);
    cfg.disconnect(b);
    for (let k = 0; k <= 2 * SNAPSHOT_INTERVAL; k++)
      await cfg.one(t.rng.safeInt(), cfg.n - 1, true);
    hold.release();
    await cfg.sleep(SETTLE_MS);
    cfg.disconnect(l);
    cfg.connect(b);
    await cfg.one(t.rng.safeInt(), cfg.n - 1, true);
    cfg.connect(l);
    await cfg.one(t.rng.safeInt(), cfg.n, true);
  },
);

/**
 * Three servers. Leader L appends a batch of entries that reaches follower F in one AppendEntries,
 * and then holds back F's success reply and every later AppendEntries to F: L, still believing F
 * lacks the batch, sends it the snapshot it takes inside the batch once it commits with the third
 * server. F holds the snapshot's last entry, of the same term, and has not heard it is committed:
 * Figure 13 keeps the entries after it and makes the snapshot its log's start. Then F is released,
 * and crashes and restarts before its service snapshots again. A follower that hands the snapshot
 * to its service but does not compact its log saves a snapshot through one index and a log that
 * starts before it; restarted, it applies entries its snapshot already holds (the appliers).
 */
const TestSnapshotOverHeldEntries2D = raftTest(
  {
    name: 'TestSnapshotOverHeldEntries2D',
    part: '2D',
    description: 'Test (2D, ours): a snapshot sent to a follower that already holds its last entry',
    servers: 3,
    unreliable: false,
    snapshot: true,
  },
  async (cfg, t) => {
    const k = await cfg.one(t.rng.safeInt(), cfg.n, true);
    const l = await cfg.checkOneLeader();
    const [f] = t.rng.perm(cfg.n).filter((i) => i !== l);
    let batchSent = false;
    const hold = cfg.net.holdBack((m) => {
      if (m.method !== 'Raft.AppendEntries' || m.from !== String(l) || m.to !== String(f))
        return false;
      if (m.kind === 'reply') return true;
      if (batchSent) return true;
      batchSent = carriesEntries(m.args);
      return false;
    });
    const last = indexAtOrAfter(k + SNAPSHOT_INTERVAL, BATCH_END);
    for (let i = k + 1; i <= last; i++) cfg.start(l, t.rng.safeInt());
    const snapshotAt = last - ((last + 1) % SNAPSHOT_INTERVAL);
    await until(
      cfg,
      5000,
      `server ${f} is sent a snapshot through ${snapshotAt} and hands it to its service`,
      () => appliedBy(cfg, [f], snapshotAt),
      'agreement',
    );
    await cfg.sleep(SETTLE_MS);
    hold.stop();
    hold.release();
    await cfg.sleep(SETTLE_MS);
    cfg.start1(f);
    cfg.connect(f);
    await cfg.one(t.rng.safeInt(), cfg.n, true);
  },
);

export const scenarios2D: Scenario[] = [
  TestSnapshotsFromThePast2D,
  TestAppendsInsideSnapshot2D,
  TestSnapshotBehindCommit2D,
  TestSnapshotOverHeldEntries2D,
];

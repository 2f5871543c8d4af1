// A Raft test of ours on Figure 13's step 6 ("if existing log entry has same index and term as
// snapshot's last included entry, retain log entries following it"), with the network's adversary
// (engine/rpc/hold.ts). Graded with 2D:
//   npm run grade -- 2d --run SnapshotOverAckedEntries -n 50
import type { Scenario } from '../../harness/scenario';
import { LATENCY_MAX_MS } from '../../engine/rpc/network';
import { SNAPSHOT_INTERVAL } from '../lab2/raft-appliers';
import { raftTest } from '../lab2/raft-scenario';
import { appliedBy, carriesEntries, indexAtOrAfter, until } from './raft-past';

/** Entries past the snapshot's last one that the follower acknowledges before the snapshot comes. */
const PAST_SNAPSHOT = 3;
/** Time for a batch of starts to leave the leader (several message latencies). */
const SEND_MS = 50;
/** Time for a delivered message to be handled. */
const SETTLE_MS = 50;

/**
 * Three servers: leader L, followers F and B. L appends a batch ending at index S, the last index
 * of a snapshot (S + 1 a multiple of the interval), then a few entries past it. B receives only the
 * batch through S; F receives everything, and its acknowledgements are held. B's are let go: L
 * commits through S with B and snapshots there, so its next message to F, which it believes far
 * behind, is an InstallSnapshot through S, held too. F's acknowledgements are let go: L counts F
 * as holding everything and commits the entries past S with F alone. From then on F hears nothing
 * from L but that InstallSnapshot, which arrives now: F holds S with S's term and has not heard S
 * is committed. Figure 13 keeps F's entries past S; a follower that always discards its whole log
 * (step 7 without step 6) forgets entries it acknowledged and L committed. Then L leaves: F and B,
 * which lacks them, elect a leader, and only F may win. If either may, the appliers see two
 * different commands committed at S + 1.
 */
const TestSnapshotOverAckedEntries2D = raftTest(
  {
    name: 'TestSnapshotOverAckedEntries2D',
    part: '2D',
    description: 'Test (2D, ours): a snapshot reaches a follower that acknowledged entries past it',
    servers: 3,
    unreliable: false,
    snapshot: true,
  },
  async (cfg, t) => {
    const k = await cfg.one(t.rng.safeInt(), cfg.n, true);
    const l = await cfg.checkOneLeader();
    const [f, b] = t.rng.perm(cfg.n).filter((i) => i !== l);
    // S: the first index after k at which the services snapshot.
    const s = indexAtOrAfter(k + 1, SNAPSHOT_INTERVAL - 1);
    const last = s + PAST_SNAPSHOT;
    let holdAppendsToB = false;
    let holdAppendsToF = false;
    const hold = cfg.net.holdBack((m) => {
      if (m.from !== String(l)) return false;
      if (m.method === 'Raft.InstallSnapshot') return m.to === String(f) && m.kind === 'request';
      if (m.method !== 'Raft.AppendEntries') return false;
      const batch = carriesEntries(m.args);
      if (m.to === String(b)) return batch && (m.kind === 'reply' || holdAppendsToB);
      if (m.to === String(f)) return m.kind === 'request' ? holdAppendsToF : batch;
      return false;
    });
    const isAck = (to: number) => (m: { kind: string; to: string }) =>
      m.kind === 'reply' && m.to === String(to);
    const isRequest =
      (method: string, to: number) => (m: { kind: string; method: string; to: string }) =>
        m.kind === 'request' && m.method === method && m.to === String(to);

    for (let i = k + 1; i <= s; i++) cfg.start(l, t.rng.safeInt());
    await until(
      cfg,
      5000,
      `servers ${b} and ${f} acknowledge the batch ${k + 1}..${s}`,
      () => hold.held().some(isAck(b)) && hold.held().some(isAck(f)),
      'agreement',
    );
    await cfg.sleep(SEND_MS);
    holdAppendsToB = true;
    for (let i = s + 1; i <= last; i++) cfg.start(l, t.rng.safeInt());
    // A batch sent from now on carries the entries past S too (a leader may wait for its last call
    // to F to end, or for its next heartbeat, before sending F more); an acknowledgement that
    // leaves F more than one message latency from now answers such a batch.
    const appended = cfg.now();
    await until(
      cfg,
      5000,
      `server ${f} acknowledges a batch through ${last}`,
      () => hold.held().some((m) => isAck(f)(m) && m.heldAtMs > appended + LATENCY_MAX_MS),
      'agreement',
    );
    holdAppendsToF = true;

    hold.release(isAck(b));
    await until(
      cfg,
      5000,
      `server ${l} commits through ${s} with server ${b}, snapshots there and sends server ${f} that snapshot`,
      () => appliedBy(cfg, [l], s) && hold.held().some(isRequest('Raft.InstallSnapshot', f)),
      'agreement',
    );
    hold.release(isAck(f));
    await until(
      cfg,
      5000,
      `server ${l} commits through ${last} with server ${f}'s acknowledgements`,
      () => appliedBy(cfg, [l], last),
      'agreement',
    );
    hold.release(isRequest('Raft.InstallSnapshot', f));
    await cfg.sleep(SETTLE_MS);

    cfg.disconnect(l);
    hold.stop();
    hold.drop();
    await cfg.one(t.rng.safeInt(), cfg.n - 1, true);
    cfg.connect(l);
    await cfg.one(t.rng.safeInt(), cfg.n, true);
  },
);

export const scenarios2D: Scenario[] = [TestSnapshotOverAckedEntries2D];

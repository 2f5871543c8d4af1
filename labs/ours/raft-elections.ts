// Tests of ours on elections, graded with part 2A beside the course's score (labs/parts.ts):
//   npm run grade -- 2a --run StableTerm -n 50
import type { Scenario, TestContext } from '../../harness/scenario';
import { TestFailure } from '../../harness/scenario';
import { RAFT_ELECTION_TIMEOUT_MS, type RaftCluster } from '../lab2/raft';
import { raftTest } from '../lab2/raft-scenario';

const ROUNDS = 25;
/** How long each new leader is watched: longer than any election timeout of the lab (≤ 1 s). */
const WATCH_MS = 1200;

const at = (ms: number) => `${(ms / 1000).toFixed(3)}s`;

/**
 * Watches, after every event, that once a leader of term T is seen no connected server goes past T
 * until the test pauses the watch for its next failure. On a reliable network without failures
 * nothing should start an election: every voter of the winner restarted its timer when it voted,
 * and the winner's heartbeats (at most 10/s) reach everyone long before any timeout.
 *
 * Disconnected servers are not watched: a disconnected follower rightly times out.
 */
class StableTermWatch {
  private term = -1;
  private leader = -1;
  private since = 0;
  private paused = false;
  private readonly detach: () => void;

  constructor(
    private readonly cfg: RaftCluster,
    t: TestContext,
  ) {
    this.detach = t.sim.afterEachEvent(() => this.check(t.sim.now()));
  }

  /** A failure is about to happen: the next leader starts a new watch. */
  pause(): void {
    this.paused = true;
    this.term = -1;
  }

  resume(): void {
    this.paused = false;
  }

  /** The term under watch (-1 while no leader has been seen since the last failure). */
  get watchedTerm(): number {
    return this.term;
  }

  stop(): void {
    this.detach();
  }

  private check(now: number): void {
    if (this.paused) return;
    for (let i = 0; i < this.cfg.n; i++) {
      const rf = this.cfg.raft(i);
      if (!rf || !this.cfg.connected(i)) continue;
      const { term, isLeader } = rf.getState();
      if (this.term === -1) {
        if (isLeader) [this.term, this.leader, this.since] = [term, i, now];
        continue;
      }
      if (term > this.term) {
        throw new TestFailure(
          'stable-term',
          `stable term: server ${i} reached term ${term} at ${at(now)}, after server ${this.leader} was seen leading term ${this.term} at ${at(this.since)}, ` +
            `with a reliable network and no failure since: no election was needed (does every server restart its election timer when it grants a vote and when it hears from the leader?)`,
        );
      }
    }
  }
}

/**
 * The original TestInitialElection2A only warns when the term changes without a failure. Here
 * it fails: on 7 servers and a reliable network, the leader is disconnected (after a random pause,
 * so its last heartbeats fall anywhere in the followers' timeouts) and reconnected a little later,
 * round after round; once the next leader is seen, no connected server may reach a higher term
 * before the next failure. It needs 2A alone: no start(), no persistence, no crash.
 *
 * Only leaders are disconnected: a leader never starts an election (Figure 2), so it comes back in
 * its old term and steps down on hearing the new one. Stepping down is not a violation, but a
 * timer it never reset while leading may fire right after; so the reconnection is a failure of its
 * own: the watch pauses until the old leader has stepped down and an election timeout has passed,
 * then watches the leader it finds, through the next round's pause, until the next disconnection.
 */
const TestStableTerm2A = raftTest(
  {
    name: 'TestStableTerm2A',
    part: '2A',
    description: 'Test (2A, ours): no election without a failure, after each re-election',
    servers: 7,
    unreliable: false,
    snapshot: false,
  },
  async (cfg, t) => {
    const watch = new StableTermWatch(cfg, t);
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const leader = await cfg.checkOneLeader();
        await cfg.sleep(t.rng.int(300));
        watch.pause();
        cfg.disconnect(leader);
        watch.resume();
        await waitForLeader(cfg, watch, 'the disconnection');
        await cfg.sleep(WATCH_MS);
        const term = watch.watchedTerm;
        watch.pause();
        cfg.connect(leader);
        await steppedDown(cfg, leader, term);
        await cfg.sleep(RAFT_ELECTION_TIMEOUT_MS);
        watch.resume();
        await waitForLeader(cfg, watch, 'the reconnection');
      }
      await cfg.sleep(WATCH_MS);
    } finally {
      watch.stop();
    }
  },
);

/** Polls (10 ms) until the watch has seen a leader; the course's 5 s to elect one. */
async function waitForLeader(
  cfg: RaftCluster,
  watch: StableTermWatch,
  after: string,
): Promise<void> {
  const t0 = cfg.now();
  while (watch.watchedTerm === -1) {
    if (cfg.now() - t0 > 5000)
      throw new TestFailure(
        'one-leader',
        `expected one leader within 5 s of ${after} at ${at(t0)}, got none`,
      );
    await cfg.sleep(10);
  }
}

/** Polls (10 ms) until the reconnected old leader has learnt of `term`, or stopped leading; 5 s at most. */
async function steppedDown(cfg: RaftCluster, old: number, term: number): Promise<void> {
  const t0 = cfg.now();
  for (let s = cfg.getState(old); s.isLeader && s.term < term; s = cfg.getState(old)) {
    if (cfg.now() - t0 > 5000)
      throw new TestFailure(
        'one-leader',
        `server ${old}, the old leader, still claims to lead term ${s.term} 5 s after it was reconnected at ${at(t0)} to servers in term ${term}`,
      );
    await cfg.sleep(10);
  }
}

export const scenarios: Scenario[] = [TestStableTerm2A];

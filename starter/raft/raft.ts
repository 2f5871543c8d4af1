// One Raft peer (labs 2A–2D): Figure 2 of the extended Raft paper, then log compaction (section 7).
//
// Determinism rules — your code runs inside a simulator that replays any run exactly from its
// seed, as long as every source of time and chance comes from `runtime` (dslab/harness/api):
//   - time:       runtime.now() (virtual ms), never Date.now() or performance.now()
//   - waiting:    await runtime.sleep(ms) or runtime.setTimer(ms, fn), never setTimeout/setInterval
//   - chance:     runtime.random() / runtime.randomInt(n), never Math.random()
//   - waking:     runtime.signal('what I wait for') instead of a hand-made condition variable
//   - debugging:  runtime.log('election', `...`) goes into the trace (grade replay --trace); no console.log
//   - storage:    runtime.codec.encode(value) / decode(bytes), and only the persister given to you
//   - imports:    only `import type` from dslab/harness; no node: modules (no files, no real I/O)
// The simulator traps real timers, the real clock and Math.random and fails the run saying what to
// use instead. Never spin: a loop must await something that takes virtual time.
//
// Calls: `await this.peers[j].call<RequestVoteReply>('Raft.RequestVote', args)` resolves to the
// reply, or to null if the request or the reply was lost (it never throws for that, and a lost call
// can take a few virtual seconds to report null): send to peers concurrently, not one by one.
// JavaScript is single-threaded, so there are no locks, but every `await` lets other handlers and
// timers run: after one, check that the term and your role are still what you assumed.
//
// Each entry point below that you have not written yet throws "... is not implemented yet (part
// 2X)": replace the throw with your code when you reach that part.
import type { ClientEnd, Handler, PersisterApi, Runtime } from 'dslab/harness/api';
import type { ApplySink, RaftPeer, StartResult } from 'dslab/harness/contracts/raft';
import type {
  AppendEntriesArgs,
  AppendEntriesReply,
  InstallSnapshotArgs,
  InstallSnapshotReply,
  LogEntry,
  RequestVoteArgs,
  RequestVoteReply,
} from './messages';

export type Role = 'follower' | 'candidate' | 'leader';

export class Raft implements RaftPeer {
  // Persistent state on all servers (Figure 2): save it (persist()) before answering an RPC that
  // depends on it.
  currentTerm = 0;
  /** The candidate this peer voted for in currentTerm, or -1. */
  votedFor = -1;
  /** log[0] is a placeholder (term 0), so that the first real entry has index 1, as in the paper. */
  log: LogEntry[] = [{ term: 0, command: null }];

  // Volatile state on all servers.
  commitIndex = 0;
  lastApplied = 0;
  role: Role = 'follower';
  dead = false;

  // Volatile state on leaders, reinitialized after each election.
  nextIndex: number[] = [];
  matchIndex: number[] = [];

  // Your data here (2A, 2B, 2C, 2D): e.g. when this peer last heard from a leader.

  /** Registered by the harness as service "Raft": peers call them as "Raft.<name>". */
  readonly handlers: Readonly<Record<string, Handler>> = {
    RequestVote: (args: RequestVoteArgs) => this.requestVote(args),
    AppendEntries: (args: AppendEntriesArgs) => this.appendEntries(args),
    InstallSnapshot: (args: InstallSnapshotArgs) => this.installSnapshot(args),
  };

  /**
   * `peers[j]` reaches peer j (`peers[me]` is this peer). Return quickly: start the long-running
   * work (the election ticker, later the applier) as background tasks.
   */
  constructor(
    readonly peers: ClientEnd[],
    readonly me: number,
    readonly persister: PersisterApi,
    readonly applySink: ApplySink,
    readonly runtime: Runtime,
  ) {
    // Your initialization code here (2A, 2B, 2C).

    // Initialize from the state persisted before a crash (2C).
    this.readPersist(persister.readRaftState());
    void this.ticker();
  }

  /** The current term, and whether this peer believes it is the leader. */
  getState(): { term: number; isLeader: boolean } {
    // Your code here (2A).
    throw new Error('raft/raft.ts: getState() is not implemented yet (part 2A)');
  }

  /**
   * Agreement on a new log entry: if this peer is the leader, append `command` to its log and
   * return at once (replication happens in the background); otherwise return isLeader false.
   * There is no guarantee the command will ever be committed.
   */
  start(command: unknown): StartResult {
    // Your code here (2B).
    throw new Error('raft/raft.ts: start() is not implemented yet (part 2B)');
  }

  /**
   * The service has saved everything up to and including `index` in `snapshot`: drop those log
   * entries (keep the last one's index and term) and persist the snapshot with the state.
   */
  snapshot(index: number, snapshot: Uint8Array): void {
    // Your code here (2D).
    throw new Error('raft/raft.ts: snapshot() is not implemented yet (part 2D)');
  }

  /** The harness stops this peer for good; every loop should check `dead` and end. */
  kill(): void {
    this.dead = true;
    // Your code here, if anything (e.g. cancel timers).
  }

  /** RequestVote RPC handler (Figure 2, "RequestVote RPC: receiver implementation"). */
  requestVote(args: RequestVoteArgs): RequestVoteReply {
    // Your code here (2A, 2B).
    throw new Error('raft/raft.ts: requestVote() is not implemented yet (part 2A)');
  }

  /** AppendEntries RPC handler (Figure 2), also the heartbeat. */
  appendEntries(args: AppendEntriesArgs): AppendEntriesReply {
    // Your code here (2A, 2B).
    throw new Error('raft/raft.ts: appendEntries() is not implemented yet (part 2A)');
  }

  /** InstallSnapshot RPC handler (Figure 13). */
  installSnapshot(args: InstallSnapshotArgs): InstallSnapshotReply {
    // Your code here (2D).
    throw new Error('raft/raft.ts: installSnapshot() is not implemented yet (part 2D)');
  }

  /**
   * The election timer, a background task for the life of the peer. Start an election when no
   * leader has been heard from (and no vote granted) for a randomized election timeout; the tests
   * want a new leader within five seconds of a failure, and heartbeats at most ten per second.
   */
  async ticker(): Promise<void> {
    while (!this.dead) {
      // Your code here (2A): check whether an election should be started.

      // Pause for a random time between 50 and 350 virtual milliseconds.
      await this.runtime.sleep(50 + this.runtime.randomInt(300), 'ticker');
    }
  }

  /**
   * Delivers committed entries, in index order, to the service: `await this.applySink({
   * commandValid: true, command, commandIndex })` for each, one at a time (2B); snapshots received
   * from the leader as `{ snapshotValid: true, ... }` (2D).
   */
  async applier(): Promise<void> {
    // Your code here (2B).
  }

  /**
   * Saves Raft's persistent state (Figure 2) to stable storage, where it survives a crash and a
   * restart: `this.persister.save(this.runtime.codec.encode({ ... }), snapshot)` (2C; the snapshot
   * too in 2D, or the persister forgets it).
   */
  persist(): void {
    // Your code here (2C).
  }

  /** Restores the state saved by persist(); `data` is empty on the first start. */
  readPersist(data: Uint8Array): void {
    if (data.length === 0) return;
    // Your code here (2C): this.runtime.codec.decode<...>(data).
  }
}

// A leader-election-only Raft, for the grader's own tests: it passes the 2A suite, and its faulty
// variants (throws/, deadlock/, spin/, oom/, slow/, mute/, ctor/) inject one failure on about half the seeds. start()
// "commits" on the leader alone: enough for the grader's fixture scenarios, not a real 2B.
import type { ClientEnd, PersisterApi, Runtime, Signal, Timer } from '../../../../../harness/api';
import type { ApplySink, RaftPeer, StartResult } from '../../../../../harness/contracts/raft';

export type Fault = 'throw' | 'deadlock' | 'spin' | 'oom' | 'slow' | 'mute' | 'console' | 'ctor';

/** When the fault strikes: the first event of an affected peer at or after this virtual time. */
const FAULT_AT_MS = 1000;

/** Whether this run is a faulty one: drawn by peer 0, which the fixtures always create first. */
let faultyRun = false;

interface RequestVoteArgs {
  term: number;
  candidateId: number;
}

interface AppendEntriesArgs {
  term: number;
  leaderId: number;
}

const memoryHog: unknown[] = [];

/** Real work that takes real time (the simulator's clock does not move). */
function burn(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x * 31 + i) % 1_000_003;
  return x;
}

class MiniRaft implements RaftPeer {
  private currentTerm = 0;
  private votedFor = -1;
  private role: 'follower' | 'candidate' | 'leader' = 'follower';
  private dead = false;
  private electionTimer: Timer | undefined;
  private log: unknown[] = [];
  private blocked: Signal | undefined;
  private slowed = false;
  readonly handlers = {
    RequestVote: (args: RequestVoteArgs) => this.gate(() => this.requestVote(args)),
    AppendEntries: (args: AppendEntriesArgs) => this.gate(() => this.appendEntries(args)),
  };

  constructor(
    private readonly peers: ClientEnd[],
    private readonly me: number,
    private readonly persister: PersisterApi,
    private readonly applySink: ApplySink,
    private readonly runtime: Runtime,
    private readonly fault: Fault | undefined,
  ) {
    if (fault && me === 0) faultyRun = runtime.random() < 0.5;
    // ctor/: the constructor of peer 2 dereferences what it never set.
    if (fault === 'ctor' && faultyRun && me === 2)
      void (this.blocked as unknown as { term: number }).term;
    const saved = persister.readRaftState();
    if (saved.length > 0)
      ({ currentTerm: this.currentTerm, votedFor: this.votedFor } = runtime.codec.decode<{
        currentTerm: number;
        votedFor: number;
      }>(saved));
    this.resetElectionTimer();
  }

  getState(): { term: number; isLeader: boolean } {
    return { term: this.currentTerm, isLeader: this.role === 'leader' };
  }

  start(command: unknown): StartResult {
    if (this.role !== 'leader' || this.dead)
      return { index: -1, term: this.currentTerm, isLeader: false };
    this.log.push(command);
    const index = this.log.length;
    this.runtime.setTimer(
      10,
      () =>
        this.tick(() => void this.applySink({ commandValid: true, command, commandIndex: index })),
      'apply',
    );
    return { index, term: this.currentTerm, isLeader: true };
  }

  snapshot(): void {}

  kill(): void {
    this.dead = true;
    this.electionTimer?.cancel();
  }

  /** Runs one timer event of this peer, unless the injected fault strikes first. */
  private tick(body: () => void): void {
    if (this.dead) return;
    this.maybeStrike();
    if (this.blocked) return;
    body();
  }

  /** Strikes at the affected peer's first event (a timer or an RPC) from FAULT_AT_MS on. */
  private maybeStrike(): void {
    if (
      this.fault &&
      faultyRun &&
      !this.blocked &&
      this.runtime.now() >= FAULT_AT_MS &&
      (this.me === 0 || this.fault === 'deadlock')
    )
      this.strike();
  }

  private strike(): void {
    switch (this.fault) {
      case 'mute':
        return; // see gate()
      case 'slow':
        // A zero-delay timer loop that burns real time at every turn: events keep coming, virtual
        // time stands still, and the simulator's own real-time limit stops the run between two
        // events (long before its 2,000,000-events-without-progress guard would).
        if (!this.slowed) {
          this.slowed = true;
          const loop = () => {
            burn(200_000);
            if (!this.dead) this.runtime.setTimer(0, loop, 'busy work');
          };
          loop();
        }
        return;
      case 'throw':
        throw new Error(`mini raft peer ${this.me}: injected failure at ${this.runtime.now()} ms`);
      case 'spin':
        for (;;) {
          // a synchronous loop: nothing else ever runs in this process again
        }
      case 'oom':
        for (;;) memoryHog.push(new Array(100_000).fill(this.me));
      case 'deadlock':
        // A lock taken and never released: every later event of this peer waits for it forever.
        this.blocked ??= this.runtime.signal(
          `mu (taken at ${this.runtime.now()} ms, never released)`,
        );
        this.electionTimer?.cancel();
        void this.blocked.wait();
        return;
    }
  }

  private gate<T>(handler: () => T): T | Promise<T> {
    // A handler that never replies: the promise is never settled (a forgotten resolve).
    if (this.fault === 'mute' && faultyRun && this.runtime.now() >= FAULT_AT_MS)
      return new Promise<T>(() => {});
    if (!this.dead) this.maybeStrike();
    if (this.blocked) return this.blocked.wait().then(handler);
    return handler();
  }

  private persist(): void {
    this.persister.save(
      this.runtime.codec.encode({ currentTerm: this.currentTerm, votedFor: this.votedFor }),
      null,
    );
  }

  private resetElectionTimer(): void {
    this.electionTimer?.cancel();
    this.electionTimer = this.runtime.setTimer(
      300 + this.runtime.randomInt(300),
      () => this.tick(() => this.startElection()),
      'election timeout',
    );
  }

  private becomeFollower(term: number): void {
    if (term > this.currentTerm) {
      this.currentTerm = term;
      this.votedFor = -1;
      this.persist();
    }
    if (this.role !== 'follower') this.runtime.log('election', `follower in term ${term}`);
    this.role = 'follower';
  }

  private startElection(): void {
    this.role = 'candidate';
    this.currentTerm++;
    this.votedFor = this.me;
    this.persist();
    this.resetElectionTimer();
    const term = this.currentTerm;
    this.runtime.log('election', `candidate in term ${term}`);
    let votes = 1;
    this.peers.forEach((peer, j) => {
      if (j === this.me) return;
      void peer
        .call<{ term: number; voteGranted: boolean }>('Raft.RequestVote', {
          term,
          candidateId: this.me,
        })
        .then((reply) => {
          if (!reply || this.dead || this.blocked) return;
          if (reply.term > this.currentTerm) return this.becomeFollower(reply.term);
          if (
            this.role === 'candidate' &&
            this.currentTerm === term &&
            reply.voteGranted &&
            ++votes > this.peers.length / 2
          )
            this.becomeLeader();
        });
    });
  }

  private becomeLeader(): void {
    this.role = 'leader';
    this.electionTimer?.cancel();
    this.runtime.log('election', `leader in term ${this.currentTerm}`);
    // chatty/: debugging the way the contract says not to (captured into the trace by the grader).
    if (this.fault === 'console') console.log(`S${this.me} is leader of term %d`, this.currentTerm);
    this.heartbeat();
  }

  private heartbeat(): void {
    if (this.role !== 'leader') return;
    const term = this.currentTerm;
    this.peers.forEach((peer, j) => {
      if (j === this.me) return;
      void peer
        .call<{ term: number }>('Raft.AppendEntries', { term, leaderId: this.me })
        .then((reply) => {
          if (reply && !this.dead && !this.blocked && reply.term > this.currentTerm) {
            this.becomeFollower(reply.term);
            this.resetElectionTimer();
          }
        });
    });
    this.runtime.setTimer(100, () => this.tick(() => this.heartbeat()), 'heartbeat');
  }

  private requestVote(args: RequestVoteArgs): { term: number; voteGranted: boolean } {
    if (args.term > this.currentTerm) this.becomeFollower(args.term);
    const grant =
      args.term === this.currentTerm &&
      (this.votedFor === -1 || this.votedFor === args.candidateId);
    if (grant) {
      this.votedFor = args.candidateId;
      this.persist();
      this.resetElectionTimer();
    }
    return { term: this.currentTerm, voteGranted: grant };
  }

  private appendEntries(args: AppendEntriesArgs): { term: number; success: boolean } {
    if (args.term < this.currentTerm) return { term: this.currentTerm, success: false };
    this.becomeFollower(args.term);
    this.resetElectionTimer();
    return { term: this.currentTerm, success: true };
  }
}

export function makeFaultyRaft(fault: Fault | undefined) {
  return (
    peers: ClientEnd[],
    me: number,
    persister: PersisterApi,
    applySink: ApplySink,
    runtime: Runtime,
  ): RaftPeer => new MiniRaft(peers, me, persister, applySink, runtime, fault);
}

export const makeRaft = makeFaultyRaft(undefined);

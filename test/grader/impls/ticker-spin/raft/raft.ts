// A learner-style Raft with a classic 2A mistake, for the grader's hung-run tests: after starting
// an election, its ticker waits for the votes in a loop that never lets the replies arrive. Two
// flavours: a synchronous busy loop (ticker-spin/), and a loop of awaits of promises that are
// already resolved (ticker-promise/), which never yields to the event loop either. Either way the
// worker stops responding at the first election, on every seed.
import type { ClientEnd, PersisterApi, Runtime } from '../../../../../harness/api';
import type { ApplySink, RaftPeer, StartResult } from '../../../../../harness/contracts/raft';

export type WaitStyle = 'spin' | 'promise';

interface RequestVoteArgs {
  term: number;
  candidateId: number;
}

interface RequestVoteReply {
  term: number;
  voteGranted: boolean;
}

interface AppendEntriesArgs {
  term: number;
  leaderId: number;
}

export class Raft implements RaftPeer {
  private currentTerm = 0;
  private votedFor = -1;
  private role: 'follower' | 'candidate' | 'leader' = 'follower';
  private votes = 0;
  private lastHeard: number;
  private electionTimeout: number;
  private dead = false;
  readonly handlers = {
    RequestVote: (args: RequestVoteArgs) => this.requestVote(args),
    AppendEntries: (args: AppendEntriesArgs) => this.appendEntries(args),
  };

  constructor(
    private readonly peers: ClientEnd[],
    private readonly me: number,
    _persister: PersisterApi,
    _applySink: ApplySink,
    private readonly runtime: Runtime,
    private readonly style: WaitStyle,
  ) {
    this.lastHeard = runtime.now();
    this.electionTimeout = 300 + runtime.randomInt(300);
    void this.ticker();
  }

  getState(): { term: number; isLeader: boolean } {
    return { term: this.currentTerm, isLeader: this.role === 'leader' };
  }

  start(): StartResult {
    return { index: -1, term: this.currentTerm, isLeader: false };
  }

  snapshot(): void {}

  kill(): void {
    this.dead = true;
  }

  private async ticker(): Promise<void> {
    while (!this.dead) {
      await this.runtime.sleep(10);
      if (this.role === 'leader' || this.runtime.now() - this.lastHeard < this.electionTimeout)
        continue;
      this.startElection();
      // Wait for a majority before going on (the mistake: the replies can only arrive once this
      // loop gives the event loop back, and it never does).
      if (this.style === 'spin') {
        while (this.role === 'candidate' && this.votes <= this.peers.length / 2) {
          // busy-wait
        }
      } else {
        while (this.role === 'candidate' && this.votes <= this.peers.length / 2) {
          await this.pollVotes();
        }
      }
    }
  }

  /** Resolves at once: awaiting it runs the loop again as a promise job, never as an event. */
  private async pollVotes(): Promise<number> {
    return this.votes;
  }

  private startElection(): void {
    this.role = 'candidate';
    this.currentTerm++;
    this.votedFor = this.me;
    this.votes = 1;
    this.lastHeard = this.runtime.now();
    const term = this.currentTerm;
    this.runtime.log('election', `candidate in term ${term}`);
    this.peers.forEach((peer, j) => {
      if (j === this.me) return;
      void peer
        .call<RequestVoteReply>('Raft.RequestVote', { term, candidateId: this.me })
        .then((reply) => {
          if (!reply || this.dead || this.currentTerm !== term) return;
          if (reply.term > this.currentTerm) {
            this.currentTerm = reply.term;
            this.role = 'follower';
          } else if (reply.voteGranted && ++this.votes > this.peers.length / 2) {
            this.role = 'leader';
          }
        });
    });
  }

  private requestVote(args: RequestVoteArgs): RequestVoteReply {
    if (args.term > this.currentTerm) {
      this.currentTerm = args.term;
      this.votedFor = -1;
      this.role = 'follower';
    }
    const grant =
      args.term === this.currentTerm &&
      (this.votedFor === -1 || this.votedFor === args.candidateId);
    if (grant) {
      this.votedFor = args.candidateId;
      this.lastHeard = this.runtime.now();
    }
    return { term: this.currentTerm, voteGranted: grant };
  }

  private appendEntries(args: AppendEntriesArgs): { term: number; success: boolean } {
    if (args.term < this.currentTerm) return { term: this.currentTerm, success: false };
    this.currentTerm = args.term;
    this.role = 'follower';
    this.lastHeard = this.runtime.now();
    return { term: this.currentTerm, success: true };
  }
}

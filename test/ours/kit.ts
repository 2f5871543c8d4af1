// The starter kit filled in as a learner would, for our specs (test/ours): a kit copy (npm run
// new-lab) with its 2A hooks filled with the minimal election of test/learner/starter.spec.ts
// (the same edits: that spec's fillElection cannot be imported without its tests), and variants.
import * as path from 'node:path';
import { compileLearnerDir } from '../../grader/learner/compile';
import { Implementation } from '../../harness/impl';
import { cleanup, fill, newLab, tempDir } from '../learner/helpers';

/**
 * Test-only code: the smallest election that passes 2A, written into the kit's own hooks (every
 * edit must match the kit's text, so a kit that loses a hook fails here).
 */
export function fillElection(dir: string): void {
  fill(dir, 'raft/messages.ts', [
    [
      "  // Your data here (2A, 2B): the rest of Figure 2's RequestVote arguments.",
      '  candidateId: number;\n  lastLogIndex: number;\n  lastLogTerm: number;',
    ],
    [
      'export interface RequestVoteReply {\n  term: number;\n  // Your data here (2A).',
      'export interface RequestVoteReply {\n  term: number;\n  voteGranted: boolean;',
    ],
    [
      "  // Your data here (2A, 2B): the rest of Figure 2's AppendEntries arguments.",
      '  leaderId: number;',
    ],
    [
      '  // Your data here (2A, 2B; 2C: a hint for backing up nextIndex faster).',
      '  success: boolean;',
    ],
  ]);
  fill(dir, 'raft/raft.ts', [
    [
      '  // Your data here (2A, 2B, 2C, 2D): e.g. when this peer last heard from a leader.',
      `  lastHeard = 0;
  electionTimeout = 0;

  resetElectionTimer(): void {
    this.lastHeard = this.runtime.now();
    this.electionTimeout = 400 + this.runtime.randomInt(400);
  }

  followTerm(term: number): void {
    this.currentTerm = term;
    this.votedFor = -1;
    this.role = 'follower';
  }

  startElection(): void {
    this.currentTerm++;
    this.role = 'candidate';
    this.votedFor = this.me;
    this.resetElectionTimer();
    const term = this.currentTerm;
    let votes = 1;
    const last = this.log.length - 1;
    const args: RequestVoteArgs = { term, candidateId: this.me, lastLogIndex: last, lastLogTerm: this.log[last].term };
    this.peers.forEach((peer, j) => {
      if (j === this.me) return;
      void peer.call<RequestVoteReply>('Raft.RequestVote', args).then((reply) => {
        if (!reply || this.dead) return;
        if (reply.term > this.currentTerm) return this.followTerm(reply.term);
        if (this.role !== 'candidate' || this.currentTerm !== term || !reply.voteGranted) return;
        if (++votes * 2 > this.peers.length) {
          this.role = 'leader';
          void this.heartbeats(term);
        }
      });
    });
  }

  async heartbeats(term: number): Promise<void> {
    while (!this.dead && this.role === 'leader' && this.currentTerm === term) {
      const args: AppendEntriesArgs = { term, leaderId: this.me };
      this.peers.forEach((peer, j) => {
        if (j === this.me) return;
        void peer.call<AppendEntriesReply>('Raft.AppendEntries', args).then((reply) => {
          if (reply && reply.term > this.currentTerm) this.followTerm(reply.term);
        });
      });
      await this.runtime.sleep(100, 'heartbeat');
    }
  }`,
    ],
    ['    // Your initialization code here (2A, 2B, 2C).', '    this.resetElectionTimer();'],
    [
      "    // Your code here (2A).\n    throw new Error('raft/raft.ts: getState() is not implemented yet (part 2A)');",
      "    return { term: this.currentTerm, isLeader: this.role === 'leader' };",
    ],
    [
      "    // Your code here (2A, 2B).\n    throw new Error('raft/raft.ts: requestVote() is not implemented yet (part 2A)');",
      `    if (args.term > this.currentTerm) this.followTerm(args.term);
    const last = this.log.length - 1;
    const upToDate = args.lastLogTerm > this.log[last].term || (args.lastLogTerm === this.log[last].term && args.lastLogIndex >= last);
    const grant = args.term === this.currentTerm && (this.votedFor === -1 || this.votedFor === args.candidateId) && upToDate;
    if (grant) {
      this.votedFor = args.candidateId;
      this.resetElectionTimer();
    }
    return { term: this.currentTerm, voteGranted: grant };`,
    ],
    [
      "    // Your code here (2A, 2B).\n    throw new Error('raft/raft.ts: appendEntries() is not implemented yet (part 2A)');",
      `    if (args.term < this.currentTerm) return { term: this.currentTerm, success: false };
    if (args.term > this.currentTerm) this.followTerm(args.term);
    this.role = 'follower';
    this.resetElectionTimer();
    return { term: this.currentTerm, success: true };`,
    ],
    [
      '      // Your code here (2A): check whether an election should be started.',
      "      if (this.role !== 'leader' && this.runtime.now() - this.lastHeard >= this.electionTimeout) this.startElection();",
    ],
  ]);
}

/** The kit's 2A edits with the vote's timer reset taken out (a voter may depose its own winner). */
export function dropResetOnVote(dir: string): void {
  fill(dir, 'raft/raft.ts', [
    [
      '      this.votedFor = args.candidateId;\n      this.resetElectionTimer();',
      '      this.votedFor = args.candidateId;',
    ],
  ]);
}

/** Kit copies made for a spec, compiled as the grader compiles a learner's folder; cleanup() removes them. */
export class KitCopies {
  private readonly dirs: string[] = [];

  /** A fresh kit copy (npm run new-lab), edited by `edit`, returned as its source folder. */
  make(name: string, edit: (dir: string) => void = () => {}): string {
    const dir = path.join(tempDir(name), 'mylab');
    this.dirs.push(path.dirname(dir), dir);
    newLab(dir);
    edit(dir);
    return dir;
  }

  /** The compiled implementation of a kit copy. */
  static implementation(dir: string): Implementation {
    return new Implementation(compileLearnerDir(dir).dir);
  }

  cleanup(): void {
    cleanup(...this.dirs);
  }
}

// Shared by the learner's-path specs: a starter kit copied as a learner would (npm run new-lab),
// edits to it that must match the kit's text exactly, and the cleanup of the grader's compile cache.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheDirFor } from '../../grader/learner/compile';
import { ROOT } from '../grader/helpers';

export const NEW_LAB = path.join(ROOT, 'dist', 'tools', 'new-lab.js');

/** A fresh temporary folder (removed by cleanup()). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `dslab-${prefix}-`));
}

/** Runs npm run new-lab DIR as a learner would (the compiled script, from the project root); returns its output. */
export function newLab(dir: string): string {
  return execFileSync(process.execPath, [NEW_LAB, dir], { cwd: ROOT, encoding: 'utf8' });
}

/** Replaces each `from` (which must occur exactly once) in dir/file: a learner filling in the kit. */
export function fill(dir: string, file: string, edits: [from: string, to: string][]): void {
  const full = path.join(dir, file);
  let text = fs.readFileSync(full, 'utf8');
  for (const [from, to] of edits) {
    const count = text.split(from).length - 1;
    if (count !== 1)
      throw new Error(
        `${file}: expected the starter kit's text once, found it ${count} times: ${JSON.stringify(from)}`,
      );
    text = text.replace(from, () => to);
  }
  fs.writeFileSync(full, text);
}

/** Removes temporary folders and what the grader compiled from them. */
export function cleanup(...dirs: string[]): void {
  for (const dir of dirs) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cacheDirFor(path.resolve(dir)), { recursive: true, force: true });
  }
}

/** Copies src/LAYER into dir/LAYER as a learner's sources (harness imports through dslab/harness). */
export function copyReferenceLayer(layer: string, dir: string): void {
  const from = path.join(ROOT, 'src', layer);
  fs.mkdirSync(path.join(dir, layer), { recursive: true });
  for (const file of fs.readdirSync(from).filter((f) => f.endsWith('.ts'))) {
    const text = fs
      .readFileSync(path.join(from, file), 'utf8')
      .replaceAll("from '../../harness/", "from 'dslab/harness/");
    fs.writeFileSync(path.join(dir, layer, file), text);
  }
}

/** The reference's makeRaft, as src/raft/index.ts declares it. */
export const REFERENCE_MAKE_RAFT = `export function makeRaft(
  peers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  applySink: ApplySink,
  runtime: Runtime,
): RaftPeer {
  return new Raft(peers, me, persister, applySink, runtime);
}`;

/** Written into the copied raft/index.ts in its place: the buggy variant impls/raft-no-persist-log, as a learner's bug. */
export const NO_PERSISTED_LOG = `import type { PersistentState } from './state';

class NoPersistLog extends Raft {
  protected override persistentState(): PersistentState {
    return { ...super.persistentState(), log: [] };
  }
}

export const makeRaft: MakeRaft = makeRaftWith(NoPersistLog);`;

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

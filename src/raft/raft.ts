// One Raft peer (Figure 2 of the extended paper, with the fast log backup of section 5.3 and the
// log compaction of section 7). Everything runs on the injected runtime: timers for elections and
// heartbeats, RPCs through the peers' client ends, and an applier task that delivers committed
// commands and installed snapshots in order, awaiting the consumer each time.
//
// Single-threaded: between two awaits nothing else runs, so no locks; but every await (an RPC, a
// delivery) may return to a different world (new term, killed, log compacted), and the code
// re-checks what it relies on after each one.
//
// Buggy variants (impls/raft-*) subclass this class and override one protected method each, so the
// protected hooks below are deliberately small.
import type { ClientEnd, Handler, PersisterApi, Runtime, Signal, Timer } from '../../harness/api';
import type { ApplyMsg, ApplySink, RaftPeer, StartResult } from '../../harness/contracts/raft';
import { RaftLog } from './log';
import type { AppendEntriesArgs, AppendEntriesReply, Entry, InstallSnapshotArgs, InstallSnapshotReply, RequestVoteArgs, RequestVoteReply } from './messages';
import {
  HEARTBEAT_MS,
  MAX_ENTRIES_PER_APPEND,
  advanceCommitIndex,
  conflictHint,
  firstNewEntry,
  isLogUpToDate,
  majorityMatchIndex,
  nextIndexAfterConflict,
  randomElectionTimeout,
} from './rules';
import { decodeState, encodeState, type PersistentState } from './state';

export type Role = 'follower' | 'candidate' | 'leader';

/** A snapshot waiting to be delivered to the service. */
interface PendingSnapshot {
  data: Uint8Array;
  term: number;
  index: number;
}

/** While an InstallSnapshot to a peer is this recent, heartbeats to it do not resend the snapshot. */
const SNAPSHOT_RESEND_MS = 4 * HEARTBEAT_MS;

export class Raft implements RaftPeer {
  // Persistent state (Figure 2), saved by persist() before anything that depends on it leaves.
  protected currentTerm = 0;
  protected votedFor = -1;
  protected readonly log: RaftLog;
  /** The latest snapshot (null until the first one), saved with the state every time. */
  protected snapshotData: Uint8Array | null = null;

  // Volatile state.
  protected commitIndex = 0;
  protected lastApplied = 0;
  protected role: Role = 'follower';
  protected killed = false;
  private votesGranted = 0;
  private electionTimer: Timer | undefined;
  private pendingSnapshot: PendingSnapshot | undefined;
  private readonly applyWake: Signal;
  private appliedLoggedThrough = 0;

  // Leader state, reinitialised at each election won.
  protected readonly nextIndex: number[];
  protected readonly matchIndex: number[];
  /** AppendEntries/InstallSnapshot calls outstanding per peer in this leadership. */
  private readonly inFlight: number[];
  private readonly snapshotSentAt: number[];
  private readonly heartbeatTimers: (Timer | undefined)[];
  private flushTimer: Timer | undefined;
  /** Counts leaderships, so replies from an earlier one do not touch this one's bookkeeping. */
  private leadership = 0;

  readonly handlers: Readonly<Record<string, Handler>>;

  constructor(
    protected readonly peers: ClientEnd[],
    protected readonly me: number,
    protected readonly persister: PersisterApi,
    private readonly applySink: ApplySink,
    protected readonly rt: Runtime,
  ) {
    const n = peers.length;
    this.nextIndex = new Array<number>(n).fill(1);
    this.matchIndex = new Array<number>(n).fill(0);
    this.inFlight = new Array<number>(n).fill(0);
    this.snapshotSentAt = new Array<number>(n).fill(-Infinity);
    this.heartbeatTimers = new Array<Timer | undefined>(n).fill(undefined);
    this.applyWake = rt.signal(`S${me} applier: commits or a snapshot to deliver`);
    this.log = this.restore();
    this.handlers = {
      RequestVote: (args: RequestVoteArgs) => this.requestVote(args),
      AppendEntries: (args: AppendEntriesArgs) => this.appendEntries(args),
      InstallSnapshot: (args: InstallSnapshotArgs) => this.installSnapshot(args),
    };
    this.resetElectionTimer();
    void this.applier();
  }

  // ---- The service's interface ----

  start(command: unknown): StartResult {
    if (this.killed || this.role !== 'leader') return { index: -1, term: this.currentTerm, isLeader: false };
    this.log.append([this.currentTerm, command]);
    const index = this.log.lastIndex;
    this.matchIndex[this.me] = index;
    this.persist();
    // Replicate at once, but batch every start() of this instant into one AppendEntries per peer.
    if (!this.flushTimer?.pending) this.flushTimer = this.rt.setTimer(0, () => this.flush(), 'replicate new entries');
    return { index, term: this.currentTerm, isLeader: true };
  }

  getState(): { term: number; isLeader: boolean } {
    return { term: this.currentTerm, isLeader: this.role === 'leader' && !this.killed };
  }

  snapshot(index: number, data: Uint8Array): void {
    if (this.killed) return;
    if (index <= this.log.lastIncludedIndex || index > this.commitIndex) {
      this.rt.log('snapshot', `ignored snapshot at ${index} (log from ${this.log.lastIncludedIndex + 1}, commit ${this.commitIndex})`);
      return;
    }
    this.log.compact(index);
    this.snapshotData = data;
    this.persist();
    this.rt.log('snapshot', `snapshot at ${index} (term ${this.log.lastIncludedTerm}), ${this.log.length} entries kept`);
  }

  kill(): void {
    if (this.killed) return;
    this.rt.log('info', `killed in term ${this.currentTerm} as ${this.role}`);
    this.killed = true;
    this.electionTimer?.cancel();
    this.flushTimer?.cancel();
    for (const t of this.heartbeatTimers) t?.cancel();
    this.applyWake.notifyAll();
  }

  // ---- Persistence ----

  /** Saves the persistent state with the current snapshot (never null once one exists). */
  protected persist(): void {
    this.persister.save(encodeState(this.rt.codec, this.persistentState()), this.snapshotData);
  }

  /** What persist() saves. */
  protected persistentState(): PersistentState {
    return {
      currentTerm: this.currentTerm,
      votedFor: this.votedFor,
      lastIncludedIndex: this.log.lastIncludedIndex,
      lastIncludedTerm: this.log.lastIncludedTerm,
      entries: this.log.held(),
    };
  }

  private restore(): RaftLog {
    const state = decodeState(this.rt.codec, this.persister.readRaftState());
    if (!state) return new RaftLog();
    this.currentTerm = state.currentTerm;
    this.votedFor = state.votedFor;
    const snapshot = this.persister.readSnapshot();
    if (state.lastIncludedIndex > 0) {
      if (snapshot.length === 0) throw new Error(`raft S${this.me}: persisted log starts after ${state.lastIncludedIndex} but there is no snapshot`);
      this.snapshotData = snapshot;
    }
    // The service restores the snapshot itself at restart; we resume applying after it.
    this.commitIndex = state.lastIncludedIndex;
    this.lastApplied = state.lastIncludedIndex;
    this.appliedLoggedThrough = state.lastIncludedIndex;
    const log = new RaftLog(state.lastIncludedIndex, state.lastIncludedTerm, [...state.entries]);
    this.rt.log('persist', `restored term ${this.currentTerm} vote ${this.votedFor} log ${log.lastIncludedIndex}+${log.length}`);
    return log;
  }

  // ---- Terms and elections ----

  protected electionTimeoutMs(): number {
    return randomElectionTimeout(() => this.rt.random());
  }

  protected resetElectionTimer(): void {
    this.electionTimer?.cancel();
    if (this.killed) return;
    this.electionTimer = this.rt.setTimer(this.electionTimeoutMs(), () => this.startElection(), 'election timeout');
  }

  /** Any RPC with a newer term makes us a follower of that term (Figure 2, "All Servers"). */
  private observeTerm(term: number): void {
    if (term <= this.currentTerm) return;
    this.currentTerm = term;
    this.votedFor = -1;
    this.persist();
    if (this.role !== 'follower') this.becomeFollower(`saw term ${term}`);
  }

  private becomeFollower(why: string): void {
    const wasLeader = this.role === 'leader';
    this.role = 'follower';
    this.rt.log('election', `term ${this.currentTerm}: follower (${why})`);
    if (wasLeader) {
      this.flushTimer?.cancel();
      for (const t of this.heartbeatTimers) t?.cancel();
      this.resetElectionTimer();
    }
  }

  private startElection(): void {
    if (this.killed || this.role === 'leader') return;
    this.role = 'candidate';
    this.currentTerm++;
    this.votedFor = this.me;
    this.persist();
    this.resetElectionTimer();
    this.votesGranted = 1;
    this.rt.log('election', `term ${this.currentTerm}: candidate (log ${this.log.lastIndex}/t${this.log.lastTerm})`);
    if (this.votesGranted * 2 > this.peers.length) {
      this.becomeLeader();
      return;
    }
    const args: RequestVoteArgs = { term: this.currentTerm, candidateId: this.me, lastLogIndex: this.log.lastIndex, lastLogTerm: this.log.lastTerm };
    for (let p = 0; p < this.peers.length; p++) if (p !== this.me) void this.solicitVote(p, args);
  }

  private async solicitVote(p: number, args: RequestVoteArgs): Promise<void> {
    const reply = await this.peers[p].call<RequestVoteReply>('Raft.RequestVote', args);
    if (this.killed || !reply) return;
    this.observeTerm(reply.term);
    if (this.role !== 'candidate' || this.currentTerm !== args.term || !reply.voteGranted) return;
    this.votesGranted++;
    if (this.votesGranted * 2 > this.peers.length) this.becomeLeader();
  }

  private becomeLeader(): void {
    if (this.log.lastIndex < this.commitIndex) throw new Error(`raft S${this.me}: leader completeness: elected with log ${this.log.lastIndex} < commitIndex ${this.commitIndex}`);
    this.role = 'leader';
    this.leadership++;
    this.electionTimer?.cancel();
    this.nextIndex.fill(this.log.lastIndex + 1);
    this.matchIndex.fill(0);
    this.matchIndex[this.me] = this.log.lastIndex;
    this.inFlight.fill(0);
    this.snapshotSentAt.fill(-Infinity);
    this.rt.log('election', `term ${this.currentTerm}: leader with ${this.votesGranted} votes, log ${this.log.lastIndex}/t${this.log.lastTerm}`);
    for (let p = 0; p < this.peers.length; p++) if (p !== this.me) this.sendTo(p);
  }

  requestVote(args: RequestVoteArgs): RequestVoteReply {
    if (this.killed || args.term < this.currentTerm) return { term: this.currentTerm, voteGranted: false };
    this.observeTerm(args.term);
    const free = this.votedFor === -1 || this.votedFor === args.candidateId;
    const upToDate = isLogUpToDate(args.lastLogTerm, args.lastLogIndex, this.log.lastTerm, this.log.lastIndex);
    if (!free || !upToDate) return { term: this.currentTerm, voteGranted: false };
    this.grantVote(args.candidateId);
    return { term: this.currentTerm, voteGranted: true };
  }

  /** Records the vote durably and, so as not to compete with the candidate, restarts our timer. */
  protected grantVote(candidate: number): void {
    if (this.votedFor !== -1 && this.votedFor !== candidate) {
      throw new Error(`raft S${this.me}: election safety: second vote in term ${this.currentTerm} (for S${candidate}, already S${this.votedFor})`);
    }
    if (this.votedFor !== candidate) {
      this.votedFor = candidate;
      this.persist();
      this.rt.log('election', `term ${this.currentTerm}: voted for S${candidate}`);
    }
    this.resetElectionTimer();
  }

  // ---- Replication, leader side ----

  private flush(): void {
    if (this.killed || this.role !== 'leader') return;
    this.advanceCommit();
    for (let p = 0; p < this.peers.length; p++) if (p !== this.me && this.inFlight[p] === 0) this.sendTo(p);
  }

  /** Sends peer p what it needs next (entries from nextIndex, or the snapshot) and re-arms its heartbeat. */
  private sendTo(p: number): void {
    if (this.nextIndex[p] > this.log.lastIncludedIndex) {
      void this.sendAppend(p, this.nextIndex[p] - 1);
    } else if (this.rt.now() - this.snapshotSentAt[p] >= SNAPSHOT_RESEND_MS) {
      void this.sendSnapshot(p);
    } else {
      // A snapshot is on its way: only hold the follower's election timer (and learn if it arrived).
      void this.sendAppend(p, this.log.lastIncludedIndex, true);
    }
    this.heartbeatTimers[p]?.cancel();
    this.heartbeatTimers[p] = this.rt.setTimer(HEARTBEAT_MS, () => this.heartbeat(p), `heartbeat to S${p}`);
  }

  private heartbeat(p: number): void {
    if (!this.killed && this.role === 'leader') this.sendTo(p);
  }

  private async sendAppend(p: number, prevLogIndex: number, probe = false): Promise<void> {
    const last = probe ? prevLogIndex : Math.min(this.log.lastIndex, prevLogIndex + MAX_ENTRIES_PER_APPEND);
    const args: AppendEntriesArgs = {
      term: this.currentTerm,
      leaderId: this.me,
      prevLogIndex,
      prevLogTerm: this.log.term(prevLogIndex),
      entries: this.log.slice(prevLogIndex + 1, last),
      leaderCommit: this.commitIndex,
    };
    if (args.entries.length > 0) this.rt.log('append', `-> S${p} ${prevLogIndex + 1}..${last} commit ${this.commitIndex}`);
    const leadership = this.leadership;
    this.inFlight[p]++;
    const reply = await this.peers[p].call<AppendEntriesReply>('Raft.AppendEntries', args);
    if (this.killed) return;
    if (leadership === this.leadership) this.inFlight[p]--;
    if (!reply) return;
    this.observeTerm(reply.term);
    if (this.role !== 'leader' || this.currentTerm !== args.term) return;
    const before = this.nextIndex[p];
    if (reply.success) {
      const match = args.prevLogIndex + args.entries.length;
      if (match > this.matchIndex[p]) {
        this.matchIndex[p] = match;
        this.advanceCommit();
      }
      this.nextIndex[p] = Math.max(this.nextIndex[p], match + 1);
    } else {
      const guess = Math.min(this.nextIndexAfterRejection(reply), args.prevLogIndex);
      this.nextIndex[p] = Math.max(this.matchIndex[p] + 1, Math.min(this.nextIndex[p], guess));
      if (this.nextIndex[p] < before) this.rt.log('append', `S${p} rejected at ${args.prevLogIndex}: next ${before} -> ${this.nextIndex[p]}`);
    }
    // Keep one call in flight while the peer lags; a rejection that taught nothing waits for the heartbeat.
    const progressed = reply.success || this.nextIndex[p] < before;
    if (progressed && this.inFlight[p] === 0 && this.nextIndex[p] <= this.log.lastIndex) this.sendTo(p);
  }

  /** Where to retry after a rejection (section 5.3's fast backup, with the follower's hint). */
  protected nextIndexAfterRejection(reply: AppendEntriesReply): number {
    return nextIndexAfterConflict(this.log, reply);
  }

  private async sendSnapshot(p: number): Promise<void> {
    const args: InstallSnapshotArgs = {
      term: this.currentTerm,
      leaderId: this.me,
      lastIncludedIndex: this.log.lastIncludedIndex,
      lastIncludedTerm: this.log.lastIncludedTerm,
      data: this.snapshotData ?? new Uint8Array(0),
    };
    this.rt.log('snapshot', `-> S${p} snapshot through ${args.lastIncludedIndex} (${args.data.length} B)`);
    const leadership = this.leadership;
    this.inFlight[p]++;
    this.snapshotSentAt[p] = this.rt.now();
    const reply = await this.peers[p].call<InstallSnapshotReply>('Raft.InstallSnapshot', args);
    if (this.killed) return;
    if (leadership === this.leadership) {
      this.inFlight[p]--;
      this.snapshotSentAt[p] = -Infinity;
    }
    if (!reply) return;
    this.observeTerm(reply.term);
    if (this.role !== 'leader' || this.currentTerm !== args.term) return;
    this.matchIndex[p] = Math.max(this.matchIndex[p], args.lastIncludedIndex);
    this.nextIndex[p] = Math.max(this.nextIndex[p], args.lastIncludedIndex + 1);
    if (this.inFlight[p] === 0 && this.nextIndex[p] <= this.log.lastIndex) this.sendTo(p);
  }

  private advanceCommit(): void {
    const next = this.commitIndexFor(majorityMatchIndex(this.matchIndex));
    if (next > this.commitIndex) this.setCommitIndex(next);
  }

  /** The commitIndex a leader may adopt when `majority` is replicated on a majority (Figure 8 rule). */
  protected commitIndexFor(majority: number): number {
    return advanceCommitIndex(this.commitIndex, majority, (i) => this.log.term(i), this.currentTerm);
  }

  private setCommitIndex(index: number): void {
    if (index < this.commitIndex) throw new Error(`raft S${this.me}: commitIndex would go back from ${this.commitIndex} to ${index}`);
    if (index === this.commitIndex) return;
    this.commitIndex = index;
    this.applyWake.notifyAll();
  }

  // ---- Replication, follower side ----

  appendEntries(args: AppendEntriesArgs): AppendEntriesReply {
    const reply: AppendEntriesReply = { term: this.currentTerm, success: false, xTerm: -1, xIndex: -1, xLen: -1 };
    if (this.killed || args.term < this.currentTerm) return reply;
    this.observeTerm(args.term);
    reply.term = this.currentTerm;
    if (this.role === 'leader') throw new Error(`raft S${this.me}: election safety: S${args.leaderId} also leads term ${args.term}`);
    if (this.role === 'candidate') this.becomeFollower(`S${args.leaderId} leads`);
    this.resetElectionTimer();

    let prevLogIndex = args.prevLogIndex;
    let entries = args.entries;
    if (prevLogIndex < this.log.lastIncludedIndex) {
      // The start of this batch is inside our snapshot: committed, hence the same as the leader's.
      const skip = this.log.lastIncludedIndex - prevLogIndex;
      if (skip >= entries.length) {
        reply.success = true;
        return reply;
      }
      if (entries[skip - 1][0] !== this.log.lastIncludedTerm) {
        throw new Error(`raft S${this.me}: log matching: leader has term ${entries[skip - 1][0]} at our snapshot's index ${this.log.lastIncludedIndex} (term ${this.log.lastIncludedTerm})`);
      }
      entries = entries.slice(skip);
      prevLogIndex = this.log.lastIncludedIndex;
    } else if (prevLogIndex > this.log.lastIndex || this.log.term(prevLogIndex) !== args.prevLogTerm) {
      Object.assign(reply, conflictHint(this.log, prevLogIndex));
      return reply;
    }
    this.acceptEntries(prevLogIndex, entries);
    const lastNew = args.prevLogIndex + args.entries.length;
    if (args.leaderCommit > this.commitIndex) this.setCommitIndex(Math.max(this.commitIndex, Math.min(args.leaderCommit, lastNew)));
    reply.success = true;
    return reply;
  }

  /**
   * Appends the entries that follow prevLogIndex (which matched), cutting our log only at the first
   * real conflict: a stale or repeated AppendEntries must not erase entries it does not mention.
   */
  protected acceptEntries(prevLogIndex: number, entries: Entry[]): void {
    const first = firstNewEntry(this.log, prevLogIndex, entries);
    for (let i = 0; i < first; i++) {
      if (!sameCommand(this.log.command(prevLogIndex + 1 + i), entries[i][1], this.rt)) {
        throw new Error(`raft S${this.me}: log matching: index ${prevLogIndex + 1 + i} has term ${entries[i][0]} on both sides but different commands`);
      }
    }
    if (first === entries.length) return;
    const at = prevLogIndex + 1 + first;
    if (at <= this.log.lastIndex) {
      if (at <= this.commitIndex) throw new Error(`raft S${this.me}: would truncate committed entry ${at} (commitIndex ${this.commitIndex})`);
      this.rt.log('append', `conflict at ${at}: dropping ${at}..${this.log.lastIndex}`);
      this.log.truncateFrom(at);
    }
    this.log.append(...entries.slice(first));
    this.persist();
  }

  installSnapshot(args: InstallSnapshotArgs): InstallSnapshotReply {
    if (this.killed || args.term < this.currentTerm) return { term: this.currentTerm };
    this.observeTerm(args.term);
    if (this.role === 'leader') throw new Error(`raft S${this.me}: election safety: S${args.leaderId} also leads term ${args.term}`);
    if (this.role === 'candidate') this.becomeFollower(`S${args.leaderId} leads`);
    this.resetElectionTimer();
    // Everything through commitIndex is already ours (in the log or our own snapshot): only move forward.
    if (args.lastIncludedIndex <= this.commitIndex) return { term: this.currentTerm };
    const L = args.lastIncludedIndex;
    if (this.log.hasTerm(L) && L > this.log.lastIncludedIndex && this.log.term(L) === args.lastIncludedTerm) {
      this.log.compact(L); // our entries after L are the leader's too (log matching): keep them
    } else {
      this.log.reset(L, args.lastIncludedTerm);
    }
    this.snapshotData = args.data;
    this.persist();
    this.rt.log('snapshot', `installed snapshot through ${L} from S${args.leaderId}, ${this.log.length} entries kept`);
    this.pendingSnapshot = { data: args.data, term: args.lastIncludedTerm, index: L };
    this.setCommitIndex(L);
    return { term: this.currentTerm };
  }

  // ---- Delivery to the service ----

  /** The message that hands an installed snapshot to the service. */
  protected snapshotMessage(s: PendingSnapshot): ApplyMsg {
    return { snapshotValid: true, snapshot: s.data, snapshotTerm: s.term, snapshotIndex: s.index };
  }

  /** Delivers snapshots and committed commands one at a time, in index order, awaiting the consumer. */
  private async applier(): Promise<void> {
    while (!this.killed) {
      const snap = this.pendingSnapshot;
      if (snap && snap.index > this.lastApplied) {
        this.rt.log('apply', `delivering snapshot through ${snap.index} (term ${snap.term})`);
        await this.applySink(this.snapshotMessage(snap));
        if (this.killed) return;
        this.lastApplied = Math.max(this.lastApplied, snap.index);
        this.appliedLoggedThrough = this.lastApplied;
        if (this.pendingSnapshot === snap) this.pendingSnapshot = undefined;
        continue;
      }
      this.pendingSnapshot = undefined; // older than what was applied: nothing to do
      if (this.lastApplied < Math.min(this.commitIndex, this.log.lastIndex)) {
        const index = this.lastApplied + 1;
        if (index <= this.log.lastIncludedIndex) {
          throw new Error(`raft S${this.me}: entry ${index} was compacted before it was applied, and no snapshot is pending`);
        }
        await this.applySink({ commandValid: true, command: this.log.command(index), commandIndex: index });
        if (this.killed) return;
        if (this.lastApplied !== index - 1) throw new Error(`raft S${this.me}: applied ${index} after ${this.lastApplied}`);
        this.lastApplied = index;
        continue;
      }
      if (this.lastApplied > this.appliedLoggedThrough) {
        this.rt.log('apply', `applied ${this.appliedLoggedThrough + 1}..${this.lastApplied}`);
        this.appliedLoggedThrough = this.lastApplied;
      }
      await this.applyWake.wait();
    }
  }
}

/** Commands are compared by value: primitives directly, anything else by its encoding. */
function sameCommand(a: unknown, b: unknown, rt: Runtime): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const x = rt.codec.encode(a);
  const y = rt.codec.encode(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

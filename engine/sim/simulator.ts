// The deterministic simulator: a virtual clock, an event queue ordered by (time, sequence), seeded
// random streams, per-node runtimes with crash semantics, and a driver that runs an async test
// body to completion in virtual time (run(), with its parts in run.ts).
//
// Each event runs in a real macrotask of its own, so every promise job it causes has run before
// the next event starts: the order of everything that happens is fixed by the seed alone. If the
// body is still waiting and no event can ever wake it, the run fails at once with a report of
// what is blocked.
import { EventQueue, type QueuedEvent } from './queue';
import { Rng } from './rng';
import { Trace, type MessageBytes, type TraceKind, type TraceRecord } from './trace';
import { guardOwner } from './guard';
import { Run, RunSession, withContext, type RunOptions } from './run';
import type { LogTopic, Runtime, Signal, Timer } from '../../harness/api';
import { WireCodec } from '../codec';

export { DeadlockError, SimulationError, type RunOptions, type StopReason } from './run';

/** How an event runs and what it counts for: enqueue()'s options, each of which may be left out. */
export interface EventOptions {
  /** The event runs `fn.call(target)`. */
  target?: unknown;
  /**
   * Passive events (e.g. the network's dead-server polls) cannot by themselves unblock anything,
   * so they do not keep a stuck run alive.
   */
  passive?: boolean;
  /** The node whose event it is: its crash cancels the event. */
  owner?: NodeRuntime;
  /** Set for node timers: shown in blocked reports. */
  label?: string;
  /** A node's timer: running it first records a `timer` line with its label. */
  timer?: boolean;
}

const NO_OPTIONS: EventOptions = Object.freeze({});

/**
 * A queued event; it is also the handle schedule() returns. It runs `fn.call(target)`, so that the
 * network can schedule a method of its per-call object and a node's timer its own callback: no
 * closure per event.
 */
class SimEvent implements QueuedEvent, EventHandle {
  cancelled = false;
  target: unknown;
  readonly passive: boolean;
  readonly owner: NodeRuntime | undefined;
  readonly label: string | undefined;
  readonly timer: boolean;

  constructor(
    private readonly sim: Simulator,
    readonly time: number,
    readonly seq: number,
    public fn: (this: unknown) => void,
    options: EventOptions,
  ) {
    this.target = options.target;
    this.passive = options.passive ?? false;
    this.owner = options.owner;
    this.label = options.label;
    this.timer = options.timer ?? false;
  }

  cancel(): void {
    this.sim.cancelEvent(this);
  }

  get pending(): boolean {
    return !this.cancelled;
  }
}

export type { SimEvent };

function noop(): void {}

/** Runs an event's function on its target (for AsyncLocalStorage.run, which passes arguments). */
function callEvent(event: SimEvent): void {
  event.fn.call(event.target);
}

export interface EventHandle {
  cancel(): void;
  readonly pending: boolean;
}

export interface SimulatorOptions {
  /** Keep every trace record (for replay --trace); otherwise only the fingerprint and a short tail. */
  keepTrace?: boolean;
  /** Called with each trace record as it happens. */
  onTrace?: (record: TraceRecord) => void;
  /**
   * Give RPC records their message's bytes (TraceRecord.data, for display with --rpc). Off, a
   * message's bytes are never produced: only counted.
   */
  keepRpcData?: boolean;
  /** The nodes' runtime.invariant() checks; default on. Off, a node's invariant never throws. */
  invariants?: boolean;
}

/**
 * Something a task is blocked on, for blocked lists. With `node`, describe() says what it waits
 * for; without, describe() is a whole line "<node>: <what>".
 */
export interface Wait {
  node?: string;
  describe(): string;
  /** Waits of a node with the same key are shown once, the oldest, with how many more there are. */
  key?: string;
}

/** Blocked lists stay short enough to read under a failure line. */
export const BLOCKED_LINES = 12;
/** Timers of these nodes are what the test itself waits for; other nodes' timers are noise. */
const HARNESS_NODES = new Set(['test', 'tester', 'harness', 'checker']);

export class Simulator {
  private nowMs = 0;
  private seq = 0;
  private readonly queue = new EventQueue<SimEvent>();
  private activeEvents = 0;
  private readonly waits = new Set<Wait>();
  /** Waits kept elsewhere and read only by blocked(): the network's calls in flight. */
  private readonly waitSources: (() => Iterable<Wait>)[] = [];
  private readonly streams = new Map<string, Rng>();
  private readonly incarnations = new Map<string, number>();
  private failure: Error | undefined;
  /** What the run under way changed in the process (undefined: no run is under way). */
  private session: RunSession | undefined;
  private current: NodeRuntime | undefined;
  /** Checks run after every event (and the promise jobs it caused), e.g. the safety oracles. */
  private observers: (() => void)[] = [];
  readonly trace: Trace;
  /** The codec of every RPC hop and of the nodes' runtime.codec, its buffers reused throughout. */
  readonly codec = new WireCodec();
  eventsRun = 0;
  /** Whether the nodes' runtime.invariant() checks are on (off only in mutation runs). */
  readonly invariants: boolean;

  /** The simulation running in this process, if any: the owner of the guard in place. */
  static get active(): Simulator | undefined {
    const owner = guardOwner();
    return owner instanceof Simulator ? owner : undefined;
  }

  constructor(
    readonly seed: number,
    options: SimulatorOptions = {},
  ) {
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new Error(`bad seed ${seed}: a seed is a non-negative safe integer`);
    this.trace = new Trace(
      options.keepTrace ?? false,
      options.onTrace,
      options.keepRpcData ?? false,
    );
    this.invariants = options.invariants ?? true;
  }

  now(): number {
    return this.nowMs;
  }

  /** The random stream with this name; the same name always gives the same stream. */
  rng(name: string): Rng {
    let stream = this.streams.get(name);
    if (!stream) {
      stream = new Rng(this.seed, name);
      this.streams.set(name, stream);
    }
    return stream;
  }

  schedule(
    delayMs: number,
    fn: () => void,
    opts?: { passive?: boolean; owner?: NodeRuntime; label?: string },
  ): EventHandle {
    if (opts === undefined) return this.enqueue(delayMs, fn);
    return this.enqueue(delayMs, fn, {
      passive: opts.passive,
      owner: opts.owner,
      label: opts.label,
    });
  }

  /** schedule() of `method.call(target)`: harness objects schedule their own methods, not closures. */
  scheduleMethod<T>(
    delayMs: number,
    method: (this: T) => void,
    target: T,
    passive = false,
  ): EventHandle {
    return this.enqueue(delayMs, method as (this: unknown) => void, { target, passive });
  }

  /** The one way into the queue (NodeRuntime.setTimer calls it too, with `timer`). */
  enqueue(
    delayMs: number,
    fn: (this: unknown) => void,
    options: EventOptions = NO_OPTIONS,
  ): SimEvent {
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) {
      throw new Error(
        `cannot schedule an event ${delayMs} ms from now: a delay is a finite number of milliseconds >= 0`,
      );
    }
    const event = new SimEvent(this, this.nowMs + delayMs, this.seq++, fn, options);
    this.queue.push(event);
    if (!event.passive) this.activeEvents++;
    return event;
  }

  /** Cancels a queued event (used by handles and by a node's crash). */
  cancelEvent(event: QueuedEvent): void {
    const e = event as SimEvent;
    if (e.cancelled) return;
    this.queue.cancel(e);
    if (!e.passive) this.activeEvents--;
    // A cancelled event waits in the heap until it reaches the top or a sweep: it must not keep
    // its target (a call, its messages, its caller's promise) alive meanwhile.
    e.fn = noop;
    e.target = undefined;
  }

  /**
   * Cancels every queued event of `owner` (its crash). Found by a scan of the queue rather than
   * kept in a set per node: a crash is rare, and a node's timers come and go on every heartbeat.
   */
  cancelEventsOf(owner: NodeRuntime): void {
    const mine = this.queue.items().filter((e) => e.owner === owner && !e.cancelled);
    for (const e of mine) this.cancelEvent(e);
  }

  /** A new incarnation of the node called `name` (a fresh runtime after every restart). */
  node(name: string): NodeRuntime {
    const incarnation = (this.incarnations.get(name) ?? 0) + 1;
    this.incarnations.set(name, incarnation);
    return new NodeRuntime(this, name, incarnation);
  }

  /**
   * Runs `check` after every event, once the promise jobs that event caused have run, i.e. at
   * every point where the world is at rest. A check that throws fails the run. Returns its removal.
   * Checks must only look: no randomness, no scheduling, no trace records but 'state' ones (which
   * no fingerprint includes), so the run stays the same.
   */
  afterEachEvent(check: () => void): () => void {
    this.observers = [...this.observers, check];
    return () => {
      this.observers = this.observers.filter((c) => c !== check);
    };
  }

  private runObservers(): void {
    for (const check of this.observers) {
      try {
        check();
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
    }
  }

  /** Registers something a task is blocked on; returns its removal. */
  addWait(wait: Wait): () => void {
    this.holdWait(wait);
    return () => this.releaseWait(wait);
  }

  /** addWait without the removal closure (a signal's waiter holds one per wait): releaseWait removes it. */
  holdWait(wait: Wait): void {
    this.waits.add(wait);
  }

  releaseWait(wait: Wait): void {
    this.waits.delete(wait);
  }

  /**
   * Registers a list of waits that its owner keeps up to date (the network lists its calls in
   * flight itself rather than holding and releasing a wait per call): blocked() reads it after
   * the held waits.
   */
  addWaitSource(source: () => Iterable<Wait>): void {
    this.waitSources.push(source);
  }

  record(
    kind: TraceKind,
    node: string,
    detail: string,
    topic?: string,
    data?: Uint8Array | MessageBytes,
  ): void {
    this.trace.record(this.nowMs, kind, node, detail, topic, data);
  }

  /** Fails the run from anywhere (a background checker, a guard): the driver stops at once. */
  fail(error: Error): void {
    if (!this.failure) this.failure = error;
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /** The node whose event is running (undefined: the test's own code is). */
  get runningNode(): string | undefined {
    return this.current?.name;
  }

  /** Where the current event came from, for error messages. */
  describeCurrent(): string {
    const who = this.current ? `on node ${this.current.name}` : 'in the test';
    return `${who} at virtual time ${(this.nowMs / 1000).toFixed(3)}s (seed ${this.seed})`;
  }

  /**
   * Runs `body` to completion in virtual time and returns its result. Rejects with the body's
   * error, with a failure reported through fail(), on deadlock, or at the virtual-time limit.
   */
  async run<T>(body: () => Promise<T>, options: RunOptions = {}): Promise<T> {
    if (this.session) throw new Error('this simulator is already running');
    const session = new RunSession(this, options);
    this.session = session;
    try {
      return await new Run<T>(this, options).start(body);
    } finally {
      session.close();
      this.session = undefined;
      this.current = undefined;
      this.queue.clear();
      this.activeEvents = 0;
    }
  }

  /**
   * For the run loop, after each event and the promise jobs it caused: runs the checks (see
   * afterEachEvent), then throws the failure reported through fail(), if any.
   */
  checkAfterEvent(): void {
    if (this.observers.length > 0 && !this.failure) this.runObservers();
    if (this.failure) throw this.failure;
  }

  /**
   * For the run loop: the event due next, or undefined if no event can ever wake the test (the
   * queue is empty, or holds only passive events).
   */
  nextEvent(): SimEvent | undefined {
    this.queue.skipCancelled();
    const next = this.queue.peek();
    return next && this.activeEvents !== 0 ? next : undefined;
  }

  /** For the run loop: takes `event` (nextEvent()'s) off the queue, moves the clock to it and runs it. */
  runEvent(event: SimEvent): void {
    this.queue.pop();
    if (event.time > this.nowMs) this.nowMs = event.time;
    if (!event.passive) this.activeEvents--;
    event.cancelled = true;
    const owner = event.owner;
    this.current = owner;
    this.eventsRun++;
    try {
      if (event.timer) this.record('timer', owner!.name, event.label!);
      const nodeContext = this.session!.nodeContext;
      if (owner && nodeContext) nodeContext.run(owner.name, callEvent, event);
      else event.fn.call(event.target);
    } catch (error) {
      const where = owner ? `node ${owner.name}` : 'the harness';
      this.fail(
        withContext(error, `${where} threw at virtual time ${(this.nowMs / 1000).toFixed(3)}s`),
      );
    }
  }

  /** Runs `fn` as code of node `name` (an RPC handler on its server), for console attribution. */
  runAs<T, R>(name: string, fn: (this: T) => R, target?: T): R {
    const nodeContext = this.session?.nodeContext;
    return nodeContext ? nodeContext.run(name, () => fn.call(target as T)) : fn.call(target as T);
  }

  /**
   * What every node is waiting for, one line per node (RPCs awaiting their outcome, named signals,
   * handlers that have not replied), at most BLOCKED_LINES lines. Timers of implementation nodes
   * are left out (a node waiting only for its own timer is not blocked) unless nothing else is
   * waiting; the test's own timers are kept.
   */
  blocked(): string[] {
    const byNode = new Map<string, string[]>();
    const like = new Map<string, { node: string; first: string; more: number }>();
    const add = (node: string, what: string) => {
      const list = byNode.get(node) ?? [];
      list.push(what);
      byNode.set(node, list);
    };
    const all = [this.waits, ...this.waitSources.map((source) => source())];
    for (const w of all.flatMap((waits) => [...waits])) {
      if (w.key !== undefined && w.node !== undefined) {
        const k = `${w.node}\u0000${w.key}`;
        const seen = like.get(k);
        if (seen) seen.more++;
        else like.set(k, { node: w.node, first: w.describe(), more: 0 });
        continue;
      }
      const text = w.describe();
      if (w.node !== undefined) add(w.node, text);
      else {
        const m = /^(?:node )?([^:\s]+): ([\s\S]*)$/.exec(text);
        if (m) add(m[1], m[2]);
        else add('?', text);
      }
    }
    for (const { node, first, more } of like.values())
      add(node, more > 0 ? `${first} (+${more} more like it)` : first);
    const timers = (harness: boolean) => {
      for (const e of this.queue.items()) {
        if (
          !e.cancelled &&
          e.owner &&
          e.label !== undefined &&
          HARNESS_NODES.has(e.owner.name) === harness
        )
          add(e.owner.name, `${e.label} due at ${(e.time / 1000).toFixed(3)}s`);
      }
    };
    timers(true);
    // Nodes' own timers only when nothing else explains the wait.
    if (byNode.size === 0) timers(false);
    return blockedLines(byNode);
  }
}

/** Handlers that never reply first, then named signals, then everything else (RPCs awaited). */
function rank(what: string): number {
  return what.startsWith('handler ') ? 0 : what.startsWith('waiting for ') ? 1 : 2;
}

// localeCompare with options builds a collator on every call: a grade worker lists what is blocked
// several times a second, and that sort cost more than the list itself.
const byNumber = new Intl.Collator(undefined, { numeric: true }).compare;

/** One line per node, harness nodes first, the same item repeated shown once with a count. */
function blockedLines(byNode: Map<string, string[]>): string[] {
  const nodes = [...byNode.keys()].sort(
    (a, b) => Number(HARNESS_NODES.has(b)) - Number(HARNESS_NODES.has(a)) || byNumber(a, b),
  );
  const lines = nodes.map((node) => {
    const counts = new Map<string, number>();
    const whats = byNode.get(node)!.sort((a, b) => rank(a) - rank(b) || byNumber(a, b));
    for (const what of whats) counts.set(what, (counts.get(what) ?? 0) + 1);
    const items = [...counts].map(([what, n]) => (n > 1 ? `${what} (x${n})` : what));
    let line = `${node}: ${items[0]}`;
    let shown = 1;
    while (shown < items.length && line.length + items[shown].length < 320)
      line += `; ${items[shown++]}`;
    return shown < items.length ? `${line}; and ${items.length - shown} more` : line;
  });
  if (lines.length === 0)
    return ['nothing the harness can see (a promise that is never resolved?)'];
  if (lines.length <= BLOCKED_LINES) return lines;
  return [
    ...lines.slice(0, BLOCKED_LINES - 1),
    `... and ${lines.length - BLOCKED_LINES + 1} more nodes`,
  ];
}

/** The runtime of one incarnation of a node. Crash it and it goes silent for good. */
/** A node's own runtime.invariant() that did not hold: the implementation's check, not the tester's. */
export class InvariantViolation extends Error {
  override name = 'InvariantViolation';
}

export class NodeRuntime implements Runtime {
  private readonly waits = new Set<Wait>();
  private crashedFlag = false;
  private readonly rng: Rng;
  readonly codec: WireCodec;

  constructor(
    readonly sim: Simulator,
    readonly name: string,
    readonly incarnation: number,
  ) {
    this.rng = sim.rng(`node/${name}/${incarnation}`);
    this.codec = sim.codec;
  }

  get crashed(): boolean {
    return this.crashedFlag;
  }

  now(): number {
    return this.sim.now();
  }

  sleep(ms: number, label = 'sleep'): Promise<void> {
    return new Promise((resolve) => {
      if (this.crashedFlag) return;
      this.setTimer(ms, resolve, label);
    });
  }

  setTimer(ms: number, fn: () => void, label = 'timer'): Timer {
    if (this.crashedFlag) return { cancel() {}, pending: false };
    // Timers are listed in blocked reports from the queue itself (owner + label), so they need no
    // separate wait registration; the event records the `timer` line before it calls fn.
    return this.sim.enqueue(ms, fn, { owner: this, label, timer: true });
  }

  /** Registers a wait of this node until releaseWait; a crash removes it (a dead node is not blocked, it is gone). */
  holdWait(wait: Wait): void {
    this.sim.holdWait(wait);
    this.waits.add(wait);
  }

  releaseWait(wait: Wait): void {
    this.sim.releaseWait(wait);
    this.waits.delete(wait);
  }

  random(): number {
    return this.rng.float();
  }

  randomInt(n: number): number {
    return this.rng.int(n);
  }

  signal(description: string): Signal {
    return new SimSignal(this.sim, this, description);
  }

  log(topic: LogTopic, message: string): void {
    if (this.crashedFlag) return;
    this.sim.record('log', this.name, message, topic);
  }

  invariant(holds: boolean, message: () => string): void {
    if (!holds && this.sim.invariants) throw new InvariantViolation(message());
  }

  /** Power off: timers are cancelled, sleeps never resume, signals never wake this node again. */
  crash(): void {
    if (this.crashedFlag) return;
    this.crashedFlag = true;
    this.sim.cancelEventsOf(this);
    for (const wait of this.waits) this.sim.releaseWait(wait);
    this.waits.clear();
    this.sim.record('crash', this.name, `incarnation ${this.incarnation}`);
  }
}

/** One task waiting on a signal: its blocked-list entry and its wake-up, as one object. */
class SignalWaiter implements Wait {
  /** A wait with a timeout: the event that ends it. */
  deadline: Timer | undefined;

  constructor(
    readonly node: string,
    private readonly signal: SimSignal,
    private readonly resolve: (notified: boolean) => void,
  ) {}

  describe(): string {
    return `waiting for ${this.signal.description}`;
  }

  /** Notified (true) or timed out (false). */
  wake(owner: NodeRuntime | undefined, sim: Simulator, notified = true): void {
    if (notified) this.deadline?.cancel();
    if (owner) owner.releaseWait(this);
    else sim.releaseWait(this);
    if (!owner?.crashed) this.resolve(notified);
  }
}

class SimSignal implements Signal {
  private readonly waiting = new Set<SignalWaiter>();

  constructor(
    private readonly sim: Simulator,
    private readonly owner: NodeRuntime | undefined,
    readonly description: string,
  ) {}

  get waiters(): number {
    return this.waiting.size;
  }

  wait(timeoutMs?: number): Promise<boolean> {
    if (timeoutMs === undefined) return new Promise(this.enlist);
    if (!(timeoutMs >= 0) || !Number.isFinite(timeoutMs))
      throw new Error(
        `wait(${timeoutMs}) on "${this.description}": a timeout is a finite number of virtual milliseconds >= 0 (or none, to wait until notified)`,
      );
    return new Promise((resolve) => {
      const waiter = this.enlist(resolve);
      if (!waiter) return;
      const expire = () => {
        if (this.waiting.delete(waiter)) waiter.wake(this.owner, this.sim, false);
      };
      const label = `timeout of a wait for ${this.description}`;
      waiter.deadline = this.owner
        ? this.owner.setTimer(timeoutMs, expire, label)
        : this.sim.enqueue(timeoutMs, expire, { label });
    });
  }

  /** The executor of every wait's promise: one function per signal, not a closure per wait. */
  private readonly enlist = (resolve: (notified: boolean) => void): SignalWaiter | undefined => {
    const owner = this.owner;
    if (owner?.crashed) return undefined;
    const waiter = new SignalWaiter(owner ? owner.name : 'test', this, resolve);
    if (owner) owner.holdWait(waiter);
    else this.sim.holdWait(waiter);
    this.waiting.add(waiter);
    return waiter;
  };

  notifyAll(): void {
    const wake = [...this.waiting];
    this.waiting.clear();
    for (const w of wake) w.wake(this.owner, this.sim);
  }
}

/** A signal for harness code that belongs to no node (test bodies, checkers). */
export function harnessSignal(sim: Simulator, description: string): Signal {
  return new SimSignal(sim, undefined, description);
}

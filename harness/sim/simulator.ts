// The deterministic simulator: a virtual clock, an event queue ordered by (time, sequence), seeded
// random streams, per-node runtimes with crash semantics, and a driver that runs an async test
// body to completion in virtual time.
//
// Each event runs in a real macrotask of its own, so every promise job it causes has run before
// the next event starts: the order of everything that happens is fixed by the seed alone. If the
// body is still waiting and no event can ever wake it, the run fails at once with a report of
// what is blocked.
import { EventQueue, type QueuedEvent } from './queue';
import { Rng } from './rng';
import { Trace, type TraceKind, type TraceRecord } from './trace';
import { installGuard, real, realNow } from './guard';
import type { Codec, LogTopic, Runtime, Signal, Timer } from '../api';
import { codec } from '../codec';

/** A queued event; it is also the handle schedule() returns (one object per event, no closures). */
class SimEvent implements QueuedEvent, EventHandle {
  cancelled = false;

  constructor(
    private readonly sim: Simulator,
    readonly time: number,
    readonly seq: number,
    readonly fn: () => void,
    /** Passive events (e.g. the network's dead-server polls) cannot by themselves unblock
     * anything, so they do not keep a stuck run alive. */
    readonly passive: boolean,
    readonly owner: NodeRuntime | undefined,
    /** Set for node timers: shown in blocked reports. */
    readonly label: string | undefined,
  ) {}

  cancel(): void {
    this.sim.cancelEvent(this);
  }

  get pending(): boolean {
    return !this.cancelled;
  }
}

export interface EventHandle {
  cancel(): void;
  readonly pending: boolean;
}

export interface RunOptions {
  /** Fail when virtual time would pass this many milliseconds. */
  virtualTimeLimitMs?: number;
  /** Fail when this many events run without virtual time advancing (a busy loop). */
  maxEventsWithoutProgress?: number;
  /**
   * Real-time watchdog, checked between events: stops a run that keeps making events but does not
   * finish (e.g. under a test runner's own timeout). It cannot interrupt a synchronous infinite
   * loop; the grader's worker watchdog handles those.
   */
  realTimeLimitMs?: number;
}

export interface SimulatorOptions {
  /** Keep every trace record (for replay --trace); otherwise only the fingerprint and a short tail. */
  keepTrace?: boolean;
  /** Called with each trace record as it happens. */
  onTrace?: (record: TraceRecord) => void;
}

/** Why a run stopped before its body finished. */
export class SimulationError extends Error {
  override name = 'SimulationError';
}

export class DeadlockError extends SimulationError {
  override name = 'DeadlockError';
}

/** Something a task is blocked on, for deadlock reports. */
interface Wait {
  describe(): string;
}

export class Simulator {
  private nowMs = 0;
  private seq = 0;
  private readonly queue = new EventQueue<SimEvent>();
  private activeEvents = 0;
  private readonly waits = new Set<Wait>();
  private readonly streams = new Map<string, Rng>();
  private readonly incarnations = new Map<string, number>();
  private failure: Error | undefined;
  private running = false;
  private current: NodeRuntime | undefined;
  /** Checks run after every event (and the promise jobs it caused), e.g. the safety oracles. */
  private observers: (() => void)[] = [];
  readonly trace: Trace;
  eventsRun = 0;

  constructor(readonly seed: number, options: SimulatorOptions = {}) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`bad seed ${seed}: a seed is a non-negative safe integer`);
    this.trace = new Trace(options.keepTrace ?? false, options.onTrace);
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

  schedule(delayMs: number, fn: () => void, opts: { passive?: boolean; owner?: NodeRuntime; label?: string } = {}): EventHandle {
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) {
      throw new Error(`cannot schedule an event ${delayMs} ms from now: a delay is a finite number of milliseconds >= 0`);
    }
    const passive = opts.passive ?? false;
    const event = new SimEvent(this, this.nowMs + delayMs, this.seq++, fn, passive, opts.owner, opts.label);
    this.queue.push(event);
    if (!passive) this.activeEvents++;
    opts.owner?.events.add(event);
    return event;
  }

  /** Cancels a queued event (used by handles and by a node's crash). */
  cancelEvent(event: QueuedEvent): void {
    const e = event as SimEvent;
    if (e.cancelled) return;
    e.cancelled = true;
    if (!e.passive) this.activeEvents--;
    e.owner?.events.delete(e);
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
   * Checks must only look: no randomness, no scheduling, no trace records (the run stays the same).
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
    this.waits.add(wait);
    return () => this.waits.delete(wait);
  }

  record(kind: TraceKind, node: string, detail: string, topic?: string): void {
    this.trace.record(this.nowMs, kind, node, detail, topic);
  }

  /** Fails the run from anywhere (a background checker, a guard): the driver stops at once. */
  fail(error: Error): void {
    if (!this.failure) this.failure = error;
  }

  get failed(): Error | undefined {
    return this.failure;
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
    if (this.running) throw new Error('this simulator is already running');
    this.running = true;
    const limit = options.virtualTimeLimitMs ?? Infinity;
    const maxStuck = options.maxEventsWithoutProgress ?? 2_000_000;
    const realDeadline = options.realTimeLimitMs === undefined ? Infinity : realNow() + options.realTimeLimitMs;
    let settled = false;
    let result: T | undefined;
    let bodyError: unknown;
    const onUnhandled = (reason: unknown) => {
      const error = reason instanceof Error ? reason : new Error(String(reason));
      this.fail(withContext(error, `unhandled promise rejection ${this.describeCurrent()}`));
    };
    const uninstall = installGuard((e) => this.fail(e), () => this.describeCurrent());
    process.on('unhandledRejection', onUnhandled);
    try {
      body().then(
        (value) => {
          settled = true;
          result = value;
        },
        (error) => {
          settled = true;
          bodyError = error ?? new Error('the test body rejected with no reason');
        },
      );
      let sameTime = 0;
      // One event per macrotask: when the next one starts, every promise job the last one caused
      // has run. The macrotasks are queued in batches because Node drains promise jobs between any
      // two setImmediate callbacks of a batch as well, and a batch saves an event-loop turn per event.
      const step = (): { done: true; value: T } | undefined => {
        if (this.observers.length > 0 && !this.failure) this.runObservers();
        if (this.failure) throw this.failure;
        if (settled) {
          if (bodyError !== undefined) throw bodyError;
          return { done: true, value: result as T };
        }
        this.queue.skipCancelled();
        const next = this.queue.peek();
        if (!next || this.activeEvents === 0) throw new DeadlockError(this.deadlockReport());
        if (next.time > limit) {
          throw new SimulationError(
            `virtual time limit of ${limit / 1000}s reached and the test has not finished\n${this.blockedReport()}`,
          );
        }
        if ((this.eventsRun & 1023) === 0 && realNow() > realDeadline) {
          throw new SimulationError(
            `real-time limit of ${options.realTimeLimitMs! / 1000}s reached at virtual time ${(this.nowMs / 1000).toFixed(3)}s (seed ${this.seed}) and the test has not finished`,
          );
        }
        this.queue.pop();
        if (next.time > this.nowMs) {
          this.nowMs = next.time;
          sameTime = 0;
        } else if (++sameTime > maxStuck) {
          throw new SimulationError(
            `${maxStuck} events ran without virtual time advancing ${this.describeCurrent()}: a busy loop (e.g. sleep(0) or a zero-delay timer re-armed forever)`,
          );
        }
        if (!next.passive) this.activeEvents--;
        next.cancelled = true;
        next.owner?.events.delete(next);
        this.current = next.owner;
        this.eventsRun++;
        try {
          next.fn();
        } catch (error) {
          const where = next.owner ? `node ${next.owner.name}` : 'the harness';
          this.fail(withContext(error, `${where} threw at virtual time ${(this.nowMs / 1000).toFixed(3)}s`));
        }
        return undefined;
      };
      return await new Promise<T>((resolve, reject) => {
        let over = false;
        let batch: NodeJS.Immediate[] = [];
        let left = 0;
        const end = (settle: () => void) => {
          over = true;
          for (const handle of batch) real.clearImmediate(handle);
          settle();
        };
        const tick = () => {
          left--;
          if (over) return;
          try {
            const outcome = step();
            if (outcome) end(() => resolve(outcome.value));
          } catch (error) {
            end(() => reject(error));
          }
          if (!over && left === 0) refill();
        };
        const refill = () => {
          batch = [];
          left = EVENTS_PER_BATCH;
          for (let i = 0; i < EVENTS_PER_BATCH; i++) batch.push(real.setImmediate(tick));
        };
        refill();
      });
    } finally {
      process.off('unhandledRejection', onUnhandled);
      uninstall();
      this.running = false;
      this.current = undefined;
      this.queue.clear();
      this.activeEvents = 0;
    }
  }

  private deadlockReport(): string {
    return `deadlock at virtual time ${(this.nowMs / 1000).toFixed(3)}s (seed ${this.seed}): the test is waiting but no event can ever wake it\n${this.blockedReport()}`;
  }

  private blockedReport(): string {
    const lines = [...this.waits].map((w) => `  - ${w.describe()}`);
    for (const e of this.queue.items()) {
      if (!e.cancelled && e.owner && e.label !== undefined) lines.push(`  - node ${e.owner.name}: ${e.label} due at ${(e.time / 1000).toFixed(3)}s`);
    }
    lines.sort();
    return lines.length > 0 ? `blocked:\n${lines.join('\n')}` : 'blocked: nothing the harness can see (a promise that is never resolved?)';
  }
}

function withContext(error: unknown, context: string): Error {
  const e = error instanceof Error ? error : new Error(String(error));
  if (!e.message.includes(context)) e.message = `${e.message} (${context})`;
  return e;
}

/** Events run per batch of queued macrotasks (see run()); any number gives the same run. */
const EVENTS_PER_BATCH = 64;

/** The runtime of one incarnation of a node. Crash it and it goes silent for good. */
export class NodeRuntime implements Runtime {
  readonly events = new Set<QueuedEvent>();
  private readonly waits = new Set<() => void>();
  private crashedFlag = false;
  private readonly rng: Rng;
  readonly codec: Codec = codec;

  constructor(readonly sim: Simulator, readonly name: string, readonly incarnation: number) {
    this.rng = sim.rng(`node/${name}/${incarnation}`);
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
    const sim = this.sim;
    // Timers are listed in blocked reports from the queue itself (owner + label), so they need no
    // separate wait registration.
    return sim.schedule(
      ms,
      () => {
        sim.record('timer', this.name, label);
        fn();
      },
      { owner: this, label },
    );
  }

  /** Registers a wait of this node; a crash removes it (a dead node is not blocked, it is gone). */
  addWait(wait: { describe(): string }): () => void {
    const removeFromSim = this.sim.addWait(wait);
    const remove = () => {
      removeFromSim();
      this.waits.delete(remove);
    };
    this.waits.add(remove);
    return remove;
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

  /** Power off: timers are cancelled, sleeps never resume, signals never wake this node again. */
  crash(): void {
    if (this.crashedFlag) return;
    this.crashedFlag = true;
    for (const event of [...this.events]) this.sim.cancelEvent(event);
    this.events.clear();
    for (const remove of [...this.waits]) remove();
    this.sim.record('crash', this.name, `incarnation ${this.incarnation}`);
  }
}

class SimSignal implements Signal {
  private readonly resolvers = new Set<() => void>();

  constructor(private readonly sim: Simulator, private readonly owner: NodeRuntime | undefined, private readonly description: string) {}

  get waiters(): number {
    return this.resolvers.size;
  }

  wait(): Promise<void> {
    return new Promise((resolve) => {
      if (this.owner?.crashed) return;
      const owner = this.owner;
      const wait = { describe: () => `${owner ? `node ${owner.name}` : 'test'}: waiting for ${this.description}` };
      const remove = owner ? owner.addWait(wait) : this.sim.addWait(wait);
      const wake = () => {
        remove();
        if (!owner?.crashed) resolve();
      };
      this.resolvers.add(wake);
    });
  }

  notifyAll(): void {
    const wake = [...this.resolvers];
    this.resolvers.clear();
    for (const w of wake) w();
  }
}

/** A signal for harness code that belongs to no node (test bodies, checkers). */
export function harnessSignal(sim: Simulator, description: string): Signal {
  return new SimSignal(sim, undefined, description);
}

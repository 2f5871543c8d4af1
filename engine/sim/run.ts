// One call of Simulator.run, in three parts, each an object of its own:
// - RunSession: what a run changes in the process while it runs and puts back afterwards (the
//   determinism guard, console capture, the unhandled-rejection listener, the async context that
//   names the node of a console line);
// - StopConditions: when the simulator itself stops a run that cannot finish (deadlock, the virtual
//   time limit, the real-time limit, a busy loop);
// - Run: the test body's outcome and the loop that runs the events, one per macrotask.
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import { installGuard, real, realNow } from './guard';
import type { SimEvent, Simulator } from './simulator';

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
  /**
   * Capture console.log/info/warn/error/debug into the trace as `console` records of the node whose
   * event is running (the grader and replay do; under mocha, output stays on the terminal).
   */
  captureConsole?: boolean;
  /**
   * Name the node of a console line exactly, through promise continuations (an RPC's reply, an
   * awaited signal), at some cost in speed (AsyncLocalStorage): replay and saved traces do. Without
   * it a console line names the node whose event is running. Either way the fingerprint is the same.
   */
  exactConsoleNodes?: boolean;
}

/**
 * How a run that did not finish was stopped by the simulator itself (as opposed to failing a check
 * or throwing): carried as a value from here to the grader's report, never recovered from text.
 */
export type StopReason = 'deadlock' | 'virtual-time-limit' | 'real-time-limit' | 'busy-loop';

/** Why a run stopped before its body finished; `blocked` is what every node was waiting for. */
export class SimulationError extends Error {
  override name = 'SimulationError';

  constructor(
    message: string,
    readonly reason: StopReason = 'virtual-time-limit',
    readonly blocked: readonly string[] = [],
  ) {
    super(
      blocked.length > 0
        ? `${message}\nblocked:\n${blocked.map((l) => `  ${l}`).join('\n')}`
        : message,
    );
  }
}

export class DeadlockError extends SimulationError {
  override name = 'DeadlockError';

  constructor(message: string, blocked: readonly string[] = []) {
    super(message, 'deadlock', blocked);
  }
}

/** `error` as an Error whose message ends with `context` (added once). */
export function withContext(error: unknown, context: string): Error {
  const e = error instanceof Error ? error : new Error(String(error));
  if (!e.message.includes(context)) e.message = `${e.message} (${context})`;
  return e;
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

/** The process as a run changes it: opened when the run starts, closed when it ends. */
export class RunSession {
  /** With exactConsoleNodes: the node whose code is running, through promise continuations. */
  readonly nodeContext: AsyncLocalStorage<string> | undefined;
  private readonly uninstallGuard: () => void;
  private readonly savedConsole: ((...args: unknown[]) => void)[] | undefined;

  constructor(
    private readonly sim: Simulator,
    options: RunOptions,
  ) {
    // First: it throws if another run is under way, and then nothing else has changed.
    this.uninstallGuard = installGuard(
      sim,
      (e) => sim.fail(e),
      () => sim.describeCurrent(),
    );
    this.savedConsole = options.captureConsole ? this.captureConsole() : undefined;
    if (options.exactConsoleNodes) this.nodeContext = new AsyncLocalStorage<string>();
    process.on('unhandledRejection', this.onUnhandled);
  }

  /** Puts the process back as it was. */
  close(): void {
    process.off('unhandledRejection', this.onUnhandled);
    this.uninstallGuard();
    const saved = this.savedConsole;
    if (saved) CONSOLE_METHODS.forEach((m, i) => (console[m] = saved[i]));
    // Promise hooks stay on while any AsyncLocalStorage is enabled: off again for the next run.
    this.nodeContext?.disable();
  }

  /** The node a console line belongs to. */
  private consoleNode(): string {
    return this.nodeContext?.getStore() ?? this.sim.runningNode ?? 'test';
  }

  /** Sends console output into the trace; returns the methods it replaced. */
  private captureConsole(): ((...args: unknown[]) => void)[] {
    const saved = CONSOLE_METHODS.map((m) => console[m]);
    for (const m of CONSOLE_METHODS) {
      console[m] = (...args: unknown[]) =>
        this.sim.record('console', this.consoleNode(), format(...args));
    }
    return saved;
  }

  private readonly onUnhandled = (reason: unknown): void => {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    this.sim.fail(withContext(error, `unhandled promise rejection ${this.sim.describeCurrent()}`));
  };
}

/** Events between two looks at the real clock (a power of 2; a look costs more than most events). */
const REAL_CLOCK_EVERY = 64;

/** The limits of one run, and what it takes to check them before each event. */
export class StopConditions {
  private readonly virtualTimeLimitMs: number;
  private readonly maxSameTime: number;
  private readonly realTimeLimitMs: number | undefined;
  private readonly realDeadline: number;
  /** Events run in a row at the same virtual time. */
  private sameTime = 0;

  constructor(
    private readonly sim: Simulator,
    options: RunOptions,
  ) {
    this.virtualTimeLimitMs = options.virtualTimeLimitMs ?? Infinity;
    this.maxSameTime = options.maxEventsWithoutProgress ?? 2_000_000;
    this.realTimeLimitMs = options.realTimeLimitMs;
    this.realDeadline =
      options.realTimeLimitMs === undefined ? Infinity : realNow() + options.realTimeLimitMs;
  }

  /**
   * `next` (the event due next, undefined if none can ever wake the test), if the run may go on
   * to it; otherwise throws why the run stops.
   */
  check(next: SimEvent | undefined): SimEvent {
    const sim = this.sim;
    if (!next) {
      throw new DeadlockError(
        `deadlock ${this.at()}: the test is waiting but no event can ever wake it`,
        sim.blocked(),
      );
    }
    if (next.time > this.virtualTimeLimitMs) {
      throw new SimulationError(
        `virtual time limit of ${this.virtualTimeLimitMs / 1000}s reached and the test has not finished`,
        'virtual-time-limit',
        sim.blocked(),
      );
    }
    if ((sim.eventsRun & (REAL_CLOCK_EVERY - 1)) === 0 && realNow() > this.realDeadline) {
      throw new SimulationError(
        `real-time limit of ${this.realTimeLimitMs! / 1000}s reached ${this.at()} and the test has not finished`,
        'real-time-limit',
        sim.blocked(),
      );
    }
    if (next.time > sim.now()) this.sameTime = 0;
    else if (++this.sameTime > this.maxSameTime) {
      throw new SimulationError(
        `${this.maxSameTime} events ran without virtual time advancing ${sim.describeCurrent()}: a busy loop (e.g. sleep(0) or a zero-delay timer re-armed forever)`,
        'busy-loop',
      );
    }
    return next;
  }

  private at(): string {
    return `at virtual time ${(this.sim.now() / 1000).toFixed(3)}s (seed ${this.sim.seed})`;
  }
}

/** Events run per batch of queued macrotasks (see Run); any number gives the same run. */
const EVENTS_PER_BATCH = 64;

/**
 * The test body's outcome and the loop that runs events until the body settles or the run stops.
 * One event per macrotask: when the next one starts, every promise job the last one caused has
 * run. The macrotasks are queued in batches because Node drains promise jobs between any two
 * setImmediate callbacks of a batch as well, and a batch saves an event-loop turn per event.
 */
export class Run<T> {
  private settled = false;
  private result: T | undefined;
  private bodyError: unknown;
  private readonly stops: StopConditions;
  /** The run has ended: macrotasks still queued do nothing. */
  private over = false;
  private batch: NodeJS.Immediate[] = [];
  /** Macrotasks of the batch not yet run. */
  private left = 0;
  private resolve: ((value: T) => void) | undefined;
  private reject: ((error: unknown) => void) | undefined;

  constructor(
    private readonly sim: Simulator,
    options: RunOptions,
  ) {
    this.stops = new StopConditions(sim, options);
  }

  /** Starts `body` and runs events until it settles; settles as the run ends. */
  start(body: () => Promise<T>): Promise<T> {
    body().then(this.onResult, this.onError);
    return new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      this.refill();
    });
  }

  private readonly onResult = (value: T): void => {
    this.settled = true;
    this.result = value;
  };

  private readonly onError = (error: unknown): void => {
    this.settled = true;
    this.bodyError = error ?? new Error('the test body rejected with no reason');
  };

  private refill(): void {
    this.batch = [];
    this.left = EVENTS_PER_BATCH;
    for (let i = 0; i < EVENTS_PER_BATCH; i++) this.batch.push(real.setImmediate(this.tick));
  }

  /** One macrotask of a batch: one step of the run. */
  private readonly tick = (): void => {
    this.left--;
    if (this.over) return;
    try {
      if (this.step()) {
        this.end();
        this.resolve!(this.result as T);
      }
    } catch (error) {
      this.end();
      this.reject!(error);
    }
    if (!this.over && this.left === 0) this.refill();
  };

  private end(): void {
    this.over = true;
    for (const handle of this.batch) real.clearImmediate(handle);
  }

  /**
   * The checks after the last event, then the next event: true when the body has finished. Throws
   * what ends the run otherwise (a failure, the body's error, a stop condition).
   */
  private step(): boolean {
    const sim = this.sim;
    sim.checkAfterEvent();
    if (this.settled) {
      if (this.bodyError !== undefined) throw this.bodyError;
      return true;
    }
    sim.runEvent(this.stops.check(sim.nextEvent()));
    return false;
  }
}

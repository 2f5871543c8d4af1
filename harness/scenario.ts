// A test is defined once, as a named async scenario; mocha (npm test) and the grader's workers
// both run it through runScenario(), which gives it a fresh simulation for one seed.
import type { Implementation } from './impl';
import { SimulationError, Simulator, type StopReason } from './sim/simulator';
import type { Rng } from './sim/rng';
import type { TraceRecord } from './sim/trace';
import { realNow } from './sim/guard';

/** The course's parts: scored, and what `all` grades. */
export type CoursePart = '2A' | '2B' | '2C' | '2D' | '3A' | '3B' | '4A' | '4B';
export const LAB_PARTS: readonly CoursePart[] = ['2A', '2B', '2C', '2D', '3A', '3B', '4A', '4B'];
/** Parts of ours beyond the course (the swarm tests): graded when named, never scored. */
export type OwnPart = 'SWARM';
export const OWN_PARTS: readonly OwnPart[] = ['SWARM'];
export type LabPart = CoursePart | OwnPart;
export const ALL_PARTS: readonly LabPart[] = [...LAB_PARTS, ...OWN_PARTS];

/** The closing statistics of a test, as the course prints them. */
export interface TestStats {
  virtualSeconds: number;
  peers: number;
  rpcs: number;
  bytes: number;
  /** Raft: highest index applied during the test. Key/value: client operations. */
  commands: number;
}

export interface TestContext {
  /** The test's name, e.g. TestFigure8Unreliable2C (for file names). */
  readonly test: string;
  readonly sim: Simulator;
  readonly seed: number;
  readonly impl: Implementation;
  /** The test scenario's own random stream (distinct from the network's and the nodes'). */
  readonly rng: Rng;
  /** A line of test output (the course's begin/Passed lines, warnings). */
  log(line: string): void;
  /** Fixtures set this in their end(); the grader reports it. */
  stats: TestStats | undefined;
  /** Where failing runs leave artefacts (HTML reports); undefined: the system temp dir. */
  readonly outDir: string | undefined;
  /** Files this run produced (e.g. a checker's HTML report), named in the failure message. */
  readonly artefacts: string[];
  /** The run's parameters (RunOptions.params): the level reached (a part, e.g. '2B'), a plan to run. */
  readonly params?: { level?: string; plan?: unknown };
}

export interface Scenario {
  /** The original test name, e.g. TestFigure8Unreliable2C. */
  readonly name: string;
  readonly part: LabPart;
  /** The label the original prints at begin(). */
  readonly description: string;
  /** Optional in the course (4B's challenge tests): the reports mark it as a challenge. */
  readonly challenge?: boolean;
  /** Virtual-time cap; the original's limit is 120 s per test. */
  readonly virtualTimeLimitMs?: number;
  run(t: TestContext): Promise<void>;
}

export interface RunOptions {
  seed: number;
  impl: Implementation;
  keepTrace?: boolean;
  onTrace?: (record: TraceRecord) => void;
  /** RPC records carry their message's bytes (for --rpc); see SimulatorOptions. */
  keepRpcData?: boolean;
  outDir?: string;
  /** Echo test output lines as they happen. */
  onLog?: (line: string) => void;
  /** Stop a run that has not finished after this much real time (see Simulator RunOptions). */
  realTimeLimitMs?: number;
  /** console.log & co. of the implementation go into the trace (see Simulator RunOptions). */
  captureConsole?: boolean;
  exactConsoleNodes?: boolean;
  /** Parameters for the scenario, copied into its context (TestContext.params). */
  readonly params?: { level?: string; plan?: unknown };
}

/**
 * How a run ended, as a value: passed; failed (a check of the test failed, or the implementation
 * threw); or stopped by the simulator for one of its StopReasons.
 */
export type RunOutcome = 'passed' | 'failed' | StopReason;

export interface RunResult {
  test: string;
  part: LabPart;
  seed: number;
  passed: boolean;
  outcome: RunOutcome;
  /** First line: the error message; the rest: detail (stack, blocked tasks, trace tail). */
  error?: string;
  /** For a run the simulator stopped: what every node was waiting for (at most a dozen lines). */
  blocked?: string[];
  stats?: TestStats;
  virtualMs: number;
  realMs: number;
  events: number;
  fingerprint: string;
  output: string[];
  artefacts: string[];
  trace?: TraceRecord[];
}

/** Default cap: the original's 120 s, plus slack for a test's own final steps. */
export const DEFAULT_VIRTUAL_TIME_LIMIT_MS = 150_000;

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<RunResult> {
  const sim = new Simulator(options.seed, {
    keepTrace: options.keepTrace,
    onTrace: options.onTrace,
    keepRpcData: options.keepRpcData,
  });
  const output: string[] = [];
  const ctx: TestContext = {
    test: scenario.name,
    sim,
    seed: options.seed,
    impl: options.impl,
    rng: sim.rng('test'),
    log(line) {
      output.push(line);
      options.onLog?.(line);
    },
    stats: undefined,
    outDir: options.outDir,
    artefacts: [],
    params: options.params,
  };
  const started = realNow();
  let error: string | undefined;
  let outcome: RunOutcome = 'passed';
  let blocked: string[] | undefined;
  try {
    await sim.run(() => scenario.run(ctx), {
      virtualTimeLimitMs: scenario.virtualTimeLimitMs ?? DEFAULT_VIRTUAL_TIME_LIMIT_MS,
      ...(options.realTimeLimitMs === undefined
        ? {}
        : { realTimeLimitMs: options.realTimeLimitMs }),
      ...(options.captureConsole ? { captureConsole: true } : {}),
      ...(options.exactConsoleNodes ? { exactConsoleNodes: true } : {}),
    });
  } catch (e) {
    error = describeError(e);
    outcome = e instanceof SimulationError ? e.reason : 'failed';
    if (e instanceof SimulationError && e.blocked.length > 0) blocked = [...e.blocked];
  }
  const realMs = realNow() - started;
  return {
    test: scenario.name,
    part: scenario.part,
    seed: options.seed,
    passed: error === undefined,
    outcome,
    ...(error === undefined ? {} : { error }),
    ...(blocked ? { blocked } : {}),
    ...(ctx.stats ? { stats: ctx.stats } : {}),
    virtualMs: sim.now(),
    realMs,
    events: sim.eventsRun,
    fingerprint: sim.trace.fingerprint(),
    output,
    artefacts: ctx.artefacts,
    ...(sim.trace.records ? { trace: sim.trace.records } : {}),
  };
}

function describeError(e: unknown): string {
  // The simulator's own stops: the message says it all; a stack would show only the simulator.
  if (e instanceof SimulationError) return e.message;
  if (e instanceof Error) {
    const stack =
      e.stack && !e.stack.includes(e.message)
        ? `\n${e.stack}`
        : e.stack
          ? `\n${e.stack.split('\n').slice(1).join('\n')}`
          : '';
    return `${e.message}${stack}`;
  }
  return String(e);
}

/** Fails the current test: the equivalent of Go's t.Fatalf. */
export class TestFailure extends Error {
  override name = 'TestFailure';
}

export function fail(message: string): never {
  throw new TestFailure(message);
}

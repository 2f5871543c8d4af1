// A test is defined once, as a named async scenario; mocha (npm test) and the grader's workers
// both run it through runScenario(), which gives it a fresh simulation for one seed.
import { sandboxRefusal } from './refusal';
import type { Implementation } from './impl';
import type { CheckId } from './checks';
import {
  InvariantViolation,
  SimulationError,
  Simulator,
  type StopReason,
} from '../engine/sim/simulator';
import type { Rng } from '../engine/sim/rng';
import type { TraceRecord } from '../engine/sim/trace';
import { DeterminismViolation, realNow } from '../engine/sim/guard';

/**
 * A lab part's id (`2A`), or `SWARM` for the swarm tests. The parts themselves are described in the
 * part registry (labs/parts.ts); the harness only carries the id.
 */
export type LabPart = string;

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
  /** What the run was asked for beyond its seed: a swarm test's level and fault plan. */
  readonly params?: RunParams;
}

/** A run's parameters beyond its seed (part of what identifies the run; replay and shrink print them). */
export interface RunParams {
  /** The part whose faults a swarm test draws (e.g. 2B: no crashes, no snapshots). */
  level?: string;
  /** A swarm test's fault schedule, given instead of drawn from the seed (grade shrink's). */
  plan?: unknown;
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
  params?: RunParams;
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
  /** The check that failed (harness/checks.ts); present exactly when the run did not pass. */
  check?: CheckId;
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
    // Off only for mutation runs of the reference (stryker/judge.mjs): see Runtime.invariant.
    invariants: process.env.DSLAB_INVARIANTS !== 'off',
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
    ...(options.params ? { params: options.params } : {}),
  };
  const started = realNow();
  let error: string | undefined;
  let check: CheckId | undefined;
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
    check = checkOf(e);
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
    ...(check === undefined ? {} : { check }),
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
  const refusal = sandboxRefusal(e);
  if (refusal && e instanceof Error) e.message = `${e.message}: ${refusal}`;
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

/** The check a run failed, from what ended it: a check's failure names its own. */
export function checkOf(e: unknown): CheckId {
  if (e instanceof TestFailure) return e.check;
  if (e instanceof SimulationError) return STOP_CHECKS[e.reason];
  if (e instanceof DeterminismViolation) return 'determinism';
  if (e instanceof InvariantViolation) return 'implementation-invariant';
  return 'implementation-threw';
}

/** The check each way the simulator stops a run stands for. */
export const STOP_CHECKS: Readonly<Record<StopReason, CheckId>> = {
  deadlock: 'deadlock',
  'virtual-time-limit': 'virtual-time-limit',
  'real-time-limit': 'hung',
  'busy-loop': 'busy-loop',
};

/** Fails the current test: the equivalent of Go's t.Fatalf, naming the check that failed. */
export class TestFailure extends Error {
  override name = 'TestFailure';

  constructor(
    readonly check: CheckId,
    message: string,
  ) {
    super(message);
  }
}

export function fail(check: CheckId, message: string): never {
  throw new TestFailure(check, message);
}

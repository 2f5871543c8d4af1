// One run of one test, specified as a value and executed by one function: grade workers, replay,
// shrink (through the workers), compare, the mocha lab specs and the benches all come here, so a run
// is the same run wherever it is made. What only observes the run (a trace kept or streamed, RPC
// contents, which node printed a console line) is not part of the specification: it does not
// change the run or its fingerprint.
import { Implementation, type LayerName } from '../harness/impl';
import { runScenario, type RunParams, type RunResult } from '../harness/scenario';
import type { TraceRecord } from '../engine/sim/trace';
import { findScenario, loadRegistry, type Registry } from '.';
import { currentEdition } from './editions';
import { kitMessageAs } from './kit-messages';

export interface RunSpec {
  /** The test's name, e.g. TestBackup2B. */
  test: string;
  seed: number;
  /** The compiled implementation directory (a learner's: after the grader compiled it). */
  implDir: string;
  /** Layers taken from the reference (for the record: implDir is already the mix). */
  reference?: readonly LayerName[];
  /** A swarm test's level and fault plan. */
  params?: RunParams;
  /** Real time after which the simulator stops the run between events (a `hung` outcome). */
  realTimeLimitMs?: number;
}

export interface RunObservers {
  /** Every trace record as it happens. */
  onTrace?: (record: TraceRecord) => void;
  /** Every line of the test's output as it happens. */
  onLog?: (line: string) => void;
  /** Keep the whole trace in the result. */
  keepTrace?: boolean;
  /** Trace records carry their RPC's arguments and reply. */
  keepRpcData?: boolean;
  /** Name the node of each console line exactly (slower; for traces a person reads). */
  exactConsoleNodes?: boolean;
  /** Where artefacts of a failing run (a checker's HTML report) go. */
  outDir?: string;
}

/** Runs a specification; an unknown test is an Error naming it. */
export async function executeRun(
  spec: RunSpec,
  observers: RunObservers = {},
  reg: Registry = loadRegistry(),
): Promise<RunResult> {
  const scenario = findScenario(spec.test, reg);
  if (!scenario) throw new Error(`no test named ${spec.test} in the part registry`);
  const result = await runScenario(scenario, {
    seed: spec.seed,
    impl: new Implementation(spec.implDir),
    captureConsole: true,
    ...(spec.params ? { params: spec.params } : {}),
    ...(spec.realTimeLimitMs !== undefined ? { realTimeLimitMs: spec.realTimeLimitMs } : {}),
    ...observers,
  });
  if (result.error === undefined) return result;
  return { ...result, error: kitMessageAs(currentEdition(), result.error) };
}

/** The words that repeat a run's parameters on the command line (replay, shrink): `--level 2B`. */
export function paramsArgs(params: RunParams | undefined): string[] {
  if (!params) return [];
  return [
    ...(params.level ? ['--level', params.level] : []),
    ...(params.plan !== undefined ? ['--plan', JSON.stringify(params.plan)] : []),
  ];
}

// The key/value tests' linearizability check: the recorded history against the kv model, with the
// course's handling of the three verdicts. "illegal" writes a report, names it in the failure and
// lists it in t.artefacts; "unknown" (the search budget spent) passes with a note, as in the
// original, where it is the real-time limit (checker/budget.ts).
import * as diagnostics from 'node:diagnostics_channel';
import * as os from 'node:os';
import * as path from 'node:path';
import { courseCheckOptions, unknownVerdictNote } from '../../checker/budget';
import { checkOperations, type CheckResult } from '../../checker/check';
import { kvModel, type KvInput, type KvOutput, type KvState } from '../../checker/models/kv';
import { writeHtmlReport } from '../../checker/report';
import { fail, type TestContext } from '../../harness/scenario';
import type { History } from './kv-history';

/** The course's linearizabilityCheckTimeout (real ms; ours is the search budget it stands for: checker/budget.ts). */
export const LINEARIZABILITY_TIMEOUT_MS = 1000;

export type KvCheckResult = CheckResult<KvState, KvInput, KvOutput>;

export interface CheckObservation {
  seed: number;
  operations: number;
  verdict: string;
  /** Real milliseconds the check took. */
  elapsedMs: number;
}

/**
 * The diagnostics channel every check's real cost is published on: its subscribers (the
 * benchmarks) are kept by Node's channel, not here.
 */
const CHECKS = 'dslab:kv-linearizability-check';
const checks = diagnostics.channel(CHECKS);

/**
 * Sees every check's real cost (for the benchmarks; real time must stay out of the trace); returns
 * the function that stops it.
 */
export function observeChecks(fn: (o: CheckObservation) => void): () => void {
  const subscriber = (message: unknown) => fn(message as CheckObservation);
  diagnostics.subscribe(CHECKS, subscriber);
  return () => void diagnostics.unsubscribe(CHECKS, subscriber);
}

export function checkLinearizable(
  t: TestContext,
  history: History,
  courseMs = LINEARIZABILITY_TIMEOUT_MS,
): KvCheckResult {
  const operations = history.operations();
  const limits = courseCheckOptions(courseMs);
  // Not verbose: the search may prune (see PartitionSearch's readOnly) and stops at the first
  // illegal key. Only an illegal history, the rare case, is searched again verbosely, for the
  // report's longest prefixes and the list of every illegal key.
  const quick = checkOperations(kvModel, operations, limits);
  const detailed =
    quick.verdict === 'illegal'
      ? checkOperations(kvModel, operations, { ...limits, verbose: true })
      : undefined;
  const result = detailed?.verdict === 'illegal' ? detailed : quick;
  if (checks.hasSubscribers) {
    checks.publish({
      seed: t.seed,
      operations: operations.length,
      verdict: result.verdict,
      elapsedMs: quick.elapsedMs + (detailed?.elapsedMs ?? 0),
    } satisfies CheckObservation);
  }
  // Nothing that depends on real time goes into the trace (the run's fingerprint): not the
  // check's duration, nor whether it ran out of time.
  t.sim.record('test', 'tester', `linearizability check of ${operations.length} operations`);
  if (result.verdict === 'illegal') {
    const file = writeReport(t, result, history);
    fail(
      'linearizability',
      `history is not linearizable${file ? ` (report: ${file})` : ''}\n${describeIllegal(result)}`,
    );
  }
  const note = unknownVerdictNote(result);
  if (note) t.log(note);
  return result;
}

function describeIllegal(result: KvCheckResult): string {
  const bad = result.partitions
    .filter((p) => p.verdict === 'illegal')
    .map((p) => p.label || 'the history');
  return `illegal: ${bad.join(', ')}`;
}

const reports = new Map<string, number>();

/** Writes the HTML report into t.outDir (or the system temp dir); returns its path, or undefined on failure. */
function writeReport(t: TestContext, result: KvCheckResult, history: History): string | undefined {
  try {
    const dir = t.outDir ?? os.tmpdir();
    // Named by test and seed; a second report of the same run gets a number.
    const n = (reports.get(`${t.test}/${t.seed}`) ?? 0) + 1;
    reports.set(`${t.test}/${t.seed}`, n);
    const file = path.join(
      dir,
      `${t.test}-seed${t.seed}-linearizability${n > 1 ? `-${n}` : ''}.html`,
    );
    writeHtmlReport(result, file, {
      faults: history.faults?.faults ?? [],
      title: `${t.test} seed ${t.seed}`,
    });
    t.artefacts.push(file);
    t.log(`info: wrote history visualization to ${file}`);
    return file;
  } catch (error) {
    t.log(`info: failed to write the history visualization: ${(error as Error).message}`);
    return undefined;
  }
}

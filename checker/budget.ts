// The suites' linearizability checks and the course's real-time limits. The course gives each check
// a real-time limit (porcupine's timeout: 1 s, 10 s for one lab-2 test) and passes a check that
// reaches it as "unknown", so its verdict depends on how fast the machine is. Ours is a search
// budget in iterations instead, which a given history spends the same way on every machine; a
// course second is the iterations the slowest-to-give-up histories run in one real second on the
// calibration machine (`npm run bench -- check-budget`), so the search gets at least what the
// course's would there. A real-time limit stays as a guard against a search whose iterations are
// unusually slow; reaching it is reported as a warning, since that verdict is the machine's.
import type { CheckOptions, CheckResult } from './check';

/**
 * Search iterations per second of the course's limit: at or above the fastest rate measured on
 * the calibration machine (BENCHMARKS.md, "The linearizability checks' search budget").
 */
export const ITERATIONS_PER_COURSE_SECOND = 12_000_000;

/**
 * The real-time guard: this many times the course's limit, but under the grader's hang watchdog
 * (a worker silent for 10 s is hung: grader/grade.ts, silenceFor), which a synchronous search
 * cannot answer while it runs. A search still going then is stopped as "unknown", with a warning.
 */
const GUARD_FACTOR = 30;
const MAX_GUARD_MS = 8_000;

/** The options of a check the course limits to `courseMs` real milliseconds. */
export function courseCheckOptions(courseMs: number): CheckOptions {
  if (!(courseMs > 0))
    throw new Error(
      `courseCheckOptions: the course's limit must be a positive time in ms, got ${courseMs}`,
    );
  return {
    maxIterations: Math.ceil((courseMs / 1000) * ITERATIONS_PER_COURSE_SECOND),
    timeoutMs: Math.min(MAX_GUARD_MS, GUARD_FACTOR * courseMs),
  };
}

/**
 * The line a test prints for a check that ended "unknown" (undefined for any other verdict): the
 * course's note for the search budget, a warning naming the machine for a guard.
 */
export function unknownVerdictNote<S, I, O>(result: CheckResult<S, I, O>): string | undefined {
  if (result.verdict !== 'unknown') return undefined;
  if (result.reason === 'iteration limit')
    return `info: linearizability check timed out (search budget of ${result.options.maxIterations} iterations spent), assuming history is ok`;
  const limit =
    result.reason === 'time limit'
      ? `real-time guard (${result.options.timeoutMs} ms)`
      : 'memory limit';
  return `warning: linearizability check stopped at its ${limit} before its search budget was spent: this verdict ("unknown", assuming history is ok) depends on this machine and may differ on another`;
}

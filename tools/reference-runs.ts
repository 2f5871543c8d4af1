// The reference's runs of some tests on consecutive seeds, graded as `grade` grades them (its
// workers, watchdogs and memory bound): what the recorded fingerprints (fingerprints.ts) and the
// reference's figures (reference-figures.ts) are read from.
import { DEFAULT_IMPL_DIR } from '../harness/impl';
import { makeJobs, type SelectedTest } from '../grader/select';
import { runSession } from '../grader/session';
import { defaultParallel, defaultWorkerMemory, silenceFor } from '../grader/grade';
import { makeView } from '../grader/progress';
import { chooseModules } from '../grader/module-state';
import type { RunRecord } from '../grader/protocol';

/** Real-time limit of one run (the slowest tests take seconds). */
const TIMEOUT_MS = 120_000;

/** Every run of `tests` on seeds firstSeed..firstSeed+seeds-1, on the reference (src). */
export async function referenceRuns(
  tests: SelectedTest[],
  firstSeed: number,
  seeds: number,
): Promise<RunRecord[]> {
  const jobs = makeJobs(tests, firstSeed, seeds);
  const parallel = Math.min(defaultParallel(), jobs.length);
  const warm = chooseModules(DEFAULT_IMPL_DIR, false).warm;
  const session = await runSession({
    jobs,
    impls: [{ arg: 'src', dir: DEFAULT_IMPL_DIR, ...(warm ? { warm: true } : {}) }],
    parallel,
    timeoutMs: TIMEOUT_MS,
    silenceMs: silenceFor(TIMEOUT_MS),
    memoryMb: defaultWorkerMemory(parallel),
    outDir: undefined,
    traces: 0,
    view: makeView(true),
  });
  if (session.fatal || session.interrupted)
    throw new Error(session.fatal ?? 'interrupted: nothing written');
  return session.records;
}

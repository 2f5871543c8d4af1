// The recorded history of lab 2's clerk calls and its linearizability check against the versioned
// key/value model, as lab 3's (labs/lab3/kv-check.ts): "illegal" fails the run and writes the
// HTML report; "unknown" (the search budget spent, the course's real-time limit: checker/budget.ts)
// passes with a note, as in the course.
import * as os from 'node:os';
import * as path from 'node:path';
import { courseCheckOptions, unknownVerdictNote } from '../../../checker/budget';
import { checkOperations, type CheckResult } from '../../../checker/check';
import { HistoryRecorder, type PendingOperation } from '../../../checker/recorder';
import { writeHtmlReport } from '../../../checker/report';
import type { ReportFault } from '../../../checker/report-data';
import {
  versionedKvModel,
  type VersionedInput,
  type VersionedOutput,
  type VersionedState,
} from '../../../checker/models/kv-versioned';
import { fail, type TestContext } from '../../../harness/scenario';

/** Quantum added to a stamp that would tie with the previous one (see labs/lab3/kv-history.ts). */
const TICK = 1 / 1024;

export class VersionedHistory {
  private readonly recorder = new HistoryRecorder<VersionedInput, VersionedOutput>();
  private last = -Infinity;

  constructor(private readonly now: () => number) {}

  /** Strictly increasing virtual stamps, in the order the harness sees calls and returns. */
  stamp(): number {
    const t = Math.max(this.now(), this.last + TICK);
    this.last = t;
    return t;
  }

  begin(clientId: number, input: VersionedInput): PendingOperation<VersionedOutput> {
    return this.recorder.begin(clientId, input, this.stamp());
  }

  get size(): number {
    return this.recorder.size;
  }

  /**
   * Checks the history so far, with the search budget of the course's real-time limit `courseMs`;
   * fails the run with a report if it is not linearizable.
   */
  check(t: TestContext, courseMs: number, faults: readonly ReportFault[] = []): void {
    const operations = this.recorder.operations();
    const limits = courseCheckOptions(courseMs);
    const quick = checkOperations(versionedKvModel, operations, limits);
    t.sim.record('test', 'tester', `linearizability check of ${operations.length} operations`);
    if (quick.verdict === 'illegal') {
      const result = checkOperations(versionedKvModel, operations, { ...limits, verbose: true });
      const file = report(t, result, faults);
      const bad = result.partitions.filter((p) => p.verdict === 'illegal').map((p) => p.label);
      fail(
        'linearizability',
        `history is not linearizable${file ? ` (report: ${file})` : ''}\nillegal: ${bad.join(', ') || 'the history'}`,
      );
    }
    const note = unknownVerdictNote(quick);
    if (note) t.log(note);
  }
}

function report(
  t: TestContext,
  result: CheckResult<VersionedState, VersionedInput, VersionedOutput>,
  faults: readonly ReportFault[],
): string | undefined {
  try {
    const file = path.join(t.outDir ?? os.tmpdir(), `${t.test}-seed${t.seed}-linearizability.html`);
    writeHtmlReport(result, file, { faults: [...faults], title: `${t.test} seed ${t.seed}` });
    t.artefacts.push(file);
    t.log(`info: wrote history visualization to ${file}`);
    return file;
  } catch (error) {
    t.log(`info: failed to write the history visualization: ${(error as Error).message}`);
    return undefined;
  }
}

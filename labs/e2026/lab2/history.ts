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
import type { Clerk, Err, GetResult, Version } from '../../../harness/contracts/kvsrv';
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

/**
 * The course's recorded clerk calls (kvtest's Get, Put, GetJson and PutJson), shared by lab 2's
 * fixture and lab 4's: each call and its answer go into the history, and `counted` hears of each
 * (the fixtures' ops figure).
 */
export class RecordedCalls {
  constructor(
    private readonly history: VersionedHistory,
    private readonly counted: () => void,
  ) {}

  async get(ck: Clerk, key: string, cli: number): Promise<GetResult> {
    const op = this.history.begin(cli, { op: 'get', key });
    const r = await ck.get(key);
    this.counted();
    op.end({ err: r.err, value: r.value, version: r.version }, this.history.stamp());
    return r;
  }

  async put(ck: Clerk, key: string, value: string, version: Version, cli: number): Promise<Err> {
    const op = this.history.begin(cli, { op: 'put', key, value, version });
    const err = await ck.put(key, value, version);
    this.counted();
    op.end({ err }, this.history.stamp());
    return err;
  }

  /** The key's value parsed as JSON and its version; fails the test unless the get is OK. */
  async getJson<T>(ck: Clerk, key: string, cli: number): Promise<{ value: T; version: Version }> {
    const r = await this.get(ck, key, cli);
    if (r.err !== 'OK') fail('wrong-value', `${cli}: Get ${JSON.stringify(key)} err ${r.err}`);
    try {
      return { value: JSON.parse(r.value) as T, version: r.version };
    } catch {
      return fail('wrong-value', `Unmarshal err: ${JSON.stringify(r.value)} is not JSON`);
    }
  }

  putJson(ck: Clerk, key: string, value: unknown, version: Version, cli: number): Promise<Err> {
    return this.put(ck, key, JSON.stringify(value), version, cli);
  }
}

/** The entry the course's racing puts write: who put it, at which version (kvtest's EntryV). */
export interface EntryV {
  Id: number;
  V: Version;
}

/**
 * The course's OnePut (kvtest), for lab 2's and lab 4's racing clients: puts its own entry at
 * `ver` until a put succeeds or may have, reading the key after each try; returns the version read
 * and whether the put surely took effect.
 */
export async function onePut(
  calls: RecordedCalls,
  me: number,
  ck: Clerk,
  key: string,
  ver: Version,
): Promise<{ ver: Version; ok: boolean }> {
  for (;;) {
    const err = await calls.putJson(ck, key, { Id: me, V: ver } satisfies EntryV, ver, me);
    if (!(err === 'OK' || err === 'ErrVersion' || err === 'ErrMaybe'))
      fail('put-version', `Wrong error ${err}`);
    const { value: e, version: ver0 } = await calls.getJson<EntryV>(ck, key, me);
    if (err === 'OK' && ver0 === ver + 1 && e.Id !== me && e.V !== ver)
      fail('wrong-value', `Wrong value ${JSON.stringify(e)}`);
    ver = ver0;
    if (err === 'OK' || err === 'ErrMaybe') return { ver, ok: err === 'OK' };
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

// One grading session: every job through the worker pool, a record per run, the live view, the
// traces of failing runs saved under --out, and Ctrl-C handled (stop the workers, keep what
// finished). Used by `grade` and by `grade compare`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Pool, type Outcome } from './pool';
import type { Job } from './select';
import type { ProgressView } from './progress';
import { failureText, firstLine, statusOf, type RunRecord, type WorkerJob } from './protocol';
import { viewerFileName } from '../viewer';

/** An implementation as the user named it (`arg`) and as loaded (`dir`, compiled). */
export interface ImplChoice {
  arg: string;
  dir: string;
  /** Layers taken from the reference (--reference). */
  reference?: readonly string[];
  /** 'A' / 'B' in compare mode. */
  label?: string;
  /** Its modules stay loaded between runs in a worker (found free of module-level state). */
  warm?: boolean;
}

export interface SessionOptions {
  jobs: readonly Job[];
  impls: readonly ImplChoice[];
  parallel: number;
  timeoutMs: number;
  silenceMs: number;
  memoryMb: number;
  /** Where traces and artefacts of failing runs go; undefined: nowhere. */
  outDir: string | undefined;
  /** At most this many failing runs per test (and implementation) get a saved trace. */
  traces: number;
  view: ProgressView;
  /** Stop at the first run that does not pass. */
  bail?: boolean;
  /**
   * Run every seed of a test even after one hung (by default the test's runs not yet started are
   * skipped: each would cost a watchdog period, and the first says where the code is stuck).
   */
  keepGoing?: boolean;
  /** Run the workers without the permission model's box (--no-sandbox: for debugging). */
  noSandbox?: boolean;
}

export interface SessionResult {
  records: RunRecord[];
  interrupted: boolean;
  /** Stopped at the first failure (--bail). */
  bailed?: boolean;
  realMs: number;
  /** The grader could not run at all (a worker failed to start). */
  fatal?: string;
  /** Runs that left properties on globalThis: one line per implementation, for the report. */
  globals: string[];
}

/** The command that replays one run exactly. */
export function replayCommand(
  test: string,
  seed: number,
  implArg: string | undefined,
  reference?: readonly string[],
  level?: string,
): string {
  const impl =
    implArg && implArg !== 'src' && implArg !== 'src/' ? ` --impl ${shellQuote(implArg)}` : '';
  const ref = reference && reference.length > 0 ? ` --reference ${reference.join(',')}` : '';
  const at = level ? ` --level ${level}` : '';
  return `npm run grade -- replay ${test} --seed ${seed}${at}${impl}${ref} --trace`;
}

export function shellQuote(s: string): string {
  return /^[\w./@:+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export async function runSession(options: SessionOptions): Promise<SessionResult> {
  const started = performance.now();
  // The simulator stops a run itself at the time limit (between events, keeping the worker); the
  // pool's watchdog, a little later, is for runs that never yield (a synchronous loop).
  const grace = Math.max(5000, options.timeoutMs / 10);
  const pool = new Pool({
    size: options.parallel,
    timeoutMs: options.timeoutMs + grace,
    silenceMs: options.silenceMs,
    memoryMb: options.memoryMb,
    ...(options.noSandbox
      ? {}
      : { sandbox: { writeDirs: options.outDir ? [options.outDir] : [] } }),
  });
  const view = options.view;
  const work = options.impls.flatMap((impl) => options.jobs.map((job) => ({ job, impl })));
  const remaining = new Map<
    string,
    { runs: number; left: number; failed: number; skipped: number; hung?: RunRecord }
  >();
  for (const { job, impl } of work) {
    const key = `${impl.label ?? ''}/${job.test}`;
    const entry = remaining.get(key) ?? { runs: 0, left: 0, failed: 0, skipped: 0 };
    entry.runs++;
    entry.left++;
    remaining.set(key, entry);
  }
  view.plan?.(
    [...remaining].map(([key, e]) => ({
      name: key.slice(key.indexOf('/') + 1),
      ...(key.startsWith('/') ? {} : { label: key.slice(0, key.indexOf('/')) }),
      runs: e.runs,
    })),
  );
  const records: { order: number; record: RunRecord }[] = [];
  const traced = new Map<string, number>();
  const traceJobs: Promise<void>[] = [];
  let failed = 0;
  let interrupted = false;
  let bailed = false;
  let nextId = 1;
  const leaks = new Map<ImplChoice, { runs: string[]; names: Set<string> }>();

  const onSigint = () => {
    interrupted = true;
    process.removeListener('SIGINT', onSigint);
    // A second Ctrl-C leaves at once.
    process.once('SIGINT', () => process.exit(130));
    view.note(
      'interrupted: stopping the workers; the report covers the runs that finished (Ctrl-C again to quit at once)',
    );
    pool.abort();
  };
  process.on('SIGINT', onSigint);

  const finish = (order: number, impl: ImplChoice, job: Job, outcome: Outcome) => {
    if (outcome.kind === 'aborted') return;
    if (outcome.kind === 'result' && outcome.result.leakedGlobals) {
      const leak = leaks.get(impl) ?? { runs: [], names: new Set<string>() };
      leak.runs.push(`${job.test} seed ${job.seed}`);
      for (const n of outcome.result.leakedGlobals) leak.names.add(n);
      leaks.set(impl, leak);
    }
    const key = `${impl.label ?? ''}/${job.test}`;
    const entry = remaining.get(key)!;
    const record = toRecord(job, impl, outcome, entry.hung);
    records.push({ order, record });
    const bad = record.status !== 'passed' && record.status !== 'skipped';
    if (bad) failed++;
    view.run(record, failed);
    entry.left--;
    if (bad) entry.failed++;
    if (record.status === 'skipped') entry.skipped++;
    if (record.status === 'hung' && !entry.hung) {
      entry.hung = record;
      if (entry.left > 0 && !options.keepGoing)
        view.note(
          `${record.test} hung on seed ${record.seed}: its runs not yet started are skipped (--keep-going runs them)`,
        );
    }
    if (entry.left === 0)
      view.testDone(job.test, impl.label, entry.runs, entry.failed, entry.skipped);
    // A hung run is not run again for its trace: it would cost another watchdog period (or the
    // whole --timeout) to end where the probe already said it is stuck. Replay shows its trace.
    if (bad && record.status !== 'hung' && options.outDir && !interrupted && !options.bail) {
      // A crashed run's trace costs another out-of-memory kill: one per test is enough.
      const traceKey = `${key}/${record.status === 'failed' ? 'failed' : 'lost'}`;
      const n = traced.get(traceKey) ?? 0;
      const cap = record.status === 'failed' ? options.traces : Math.min(1, options.traces);
      if (n < cap) {
        traced.set(traceKey, n + 1);
        // The test's first failing run also gets its picture (the viewer) beside its trace.
        const viewer = record.status === 'failed' && n === 0;
        traceJobs.push(
          saveTrace(pool, nextId++, record, impl, options.outDir, options.timeoutMs, viewer),
        );
      }
    }
    if (pool.fatal) pool.abort();
    if (options.bail && bad && !bailed && !interrupted) {
      bailed = true;
      view.note(
        `--bail: stopped at the first failure; replay it with: ${replayCommand(record.test, record.seed, impl.arg, impl.reference, record.level)}`,
      );
      pool.abort();
    }
  };

  try {
    await Promise.all(
      work.map(({ job, impl }, order) => {
        const wj: WorkerJob = {
          id: nextId++,
          test: job.test,
          seed: job.seed,
          implDir: impl.dir,
          ...(job.level ? { params: { level: job.level } } : {}),
          realTimeLimitMs: options.timeoutMs,
          ...(options.outDir ? { outDir: options.outDir } : {}),
          ...(impl.warm ? { warm: true } : {}),
        };
        const key = `${impl.label ?? ''}/${job.test}`;
        return pool.exec(wj, {
          ...(options.keepGoing ? {} : { skip: () => remaining.get(key)?.hung !== undefined }),
          done: (outcome) => finish(order, impl, job, outcome),
        });
      }),
    );
    await Promise.all(traceJobs);
  } finally {
    process.removeListener('SIGINT', onSigint);
    pool.close();
    view.stop();
  }
  records.sort((a, b) => a.order - b.order);
  return {
    records: records.map((r) => r.record),
    interrupted,
    ...(bailed ? { bailed } : {}),
    realMs: performance.now() - started,
    ...(pool.fatal ? { fatal: pool.fatal } : {}),
    globals: [...leaks].map(([impl, leak]) => globalsNote(impl, leak.runs, [...leak.names])),
  };
}

function globalsNote(impl: ImplChoice, runs: string[], names: string[]): string {
  const who = impl.label ? `${impl.label} (${impl.arg})` : impl.arg;
  const shown =
    runs.slice(0, 3).join(', ') + (runs.length > 3 ? ` and ${runs.length - 3} more` : '');
  const then = impl.warm
    ? '; the workers that saw it loaded modules afresh for every later run'
    : '';
  return `${who}: ${runs.length} run${runs.length === 1 ? '' : 's'} (${shown}) added ${names.map((n) => `globalThis.${n}`).join(', ')}, removed after each run so that no later run sees it${then}; keep state in the objects your make...() functions return`;
}

function toRecord(
  job: Job,
  impl: ImplChoice,
  outcome: Exclude<Outcome, { kind: 'aborted' }>,
  hung: RunRecord | undefined,
): RunRecord {
  const base = {
    test: job.test,
    part: job.part,
    seed: job.seed,
    ...(job.level ? { level: job.level } : {}),
    ...(impl.label ? { impl: impl.label } : {}),
  };
  switch (outcome.kind) {
    case 'result': {
      const r = outcome.result;
      return {
        ...base,
        status: statusOf(r.outcome),
        ...(r.outcome !== 'passed' ? { outcome: r.outcome } : {}),
        ...(r.check !== undefined ? { check: r.check } : {}),
        ...(r.error !== undefined ? { error: r.error } : {}),
        ...(r.blocked ? { blocked: r.blocked } : {}),
        virtualMs: r.virtualMs,
        realMs: r.realMs,
        events: r.events,
        fingerprint: r.fingerprint,
        ...(r.stats ? { stats: r.stats } : {}),
        ...(r.artefacts.length > 0 ? { artefacts: r.artefacts } : {}),
      };
    }
    case 'error':
      return {
        ...base,
        status: 'failed',
        check: 'not-started',
        error: `the run could not start: ${outcome.message}`,
        virtualMs: 0,
        realMs: 0,
      };
    case 'skipped':
      return {
        ...base,
        status: 'skipped',
        error: `not run: ${job.test} hung on seed ${hung?.seed ?? '?'} (grade --keep-going runs every seed)`,
        virtualMs: 0,
        realMs: 0,
      };
    case 'hung':
    case 'crashed':
      return {
        ...base,
        status: outcome.kind,
        check: outcome.kind,
        error: outcome.reason,
        virtualMs: outcome.virtualMs,
        realMs: outcome.realMs,
        ...(outcome.blocked ? { blocked: outcome.blocked } : {}),
        ...(outcome.lastEvent ? { lastEvent: outcome.lastEvent } : {}),
        ...(outcome.hungIn ? { hungIn: outcome.hungIn } : {}),
      };
  }
}

/** Re-runs a failing run in a worker, streaming its trace to a file under outDir. */
async function saveTrace(
  pool: Pool,
  id: number,
  record: RunRecord,
  impl: ImplChoice,
  outDir: string,
  realTimeLimitMs: number,
  viewer: boolean,
): Promise<void> {
  const prefix = impl.label ? `${impl.label}-` : '';
  const file = path.join(outDir, `${prefix}${record.test}-seed${record.seed}.trace.txt`);
  const viewerPath = path.join(outDir, prefix + viewerFileName(record.test, record.seed));
  const header = [
    `${record.test} seed ${record.seed}, implementation ${impl.arg}${impl.reference?.length ? ` with the reference ${impl.reference.join(', ')}` : ''}, Node ${process.version}`,
    `first run ${record.status}: ${failureText(record)}`,
    `replay: ${replayCommand(record.test, record.seed, impl.arg, impl.reference, record.level)}`,
    `columns: ${replayCommand(record.test, record.seed, impl.arg, impl.reference, record.level).replace(/ --trace$/, ' --columns')}`,
  ];
  try {
    fs.mkdirSync(outDir, { recursive: true });
  } catch {
    return;
  }
  const outcome = await pool.exec({
    id,
    test: record.test,
    seed: record.seed,
    implDir: impl.dir,
    ...(record.level ? { params: { level: record.level } } : {}),
    outDir,
    tracePath: file,
    traceHeader: header,
    ...(viewer ? { viewer: { path: viewerPath, impl: implName(impl) } } : {}),
    realTimeLimitMs,
    ...(impl.warm ? { warm: true } : {}),
  });
  if (outcome.kind === 'result') {
    if (outcome.result.trace) record.trace = outcome.result.trace;
    if (outcome.result.viewer) record.viewer = outcome.result.viewer;
    if (
      record.status === 'failed' &&
      record.fingerprint &&
      outcome.result.fingerprint !== record.fingerprint
    ) {
      record.note = `not reproducible: a second run of the same seed gave fingerprint ${outcome.result.fingerprint}, the first ${record.fingerprint}: something in the run depends on more than the seed (module-level state kept between runs, real time, unseeded randomness)`;
    }
  } else if (
    (outcome.kind === 'hung' || outcome.kind === 'crashed') &&
    fs.existsSync(`${file}.partial`)
  ) {
    // The trace up to the point where the run hung or died is what explains it; its last line is
    // the event during which a synchronous loop began.
    const last = lastTraceLine(`${file}.partial`);
    if (last && record.status !== 'failed') record.lastEvent = last.replace(/\s+/g, ' ');
    fs.appendFileSync(
      `${file}.partial`,
      `# the re-run ${outcome.kind === 'hung' ? 'hung' : 'crashed'} here: ${firstLine(outcome.reason)}\n`,
    );
    fs.renameSync(`${file}.partial`, file);
    record.trace = file;
  }
}

/** The implementation as the viewer's title names it. */
function implName(impl: ImplChoice): string {
  const ref = impl.reference?.length ? ` with the reference ${impl.reference.join(', ')}` : '';
  return `${impl.arg}${ref}`;
}

/** The last record line of a trace file (header and footer lines start with #). */
export function lastTraceLine(file: string): string | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, 8192);
    const buf = Buffer.alloc(length);
    fs.readSync(fd, buf, 0, length, size - length);
    const lines = buf
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'));
    return lines.length > 1 || length === size ? lines.at(-1)?.trim() : undefined;
  } finally {
    fs.closeSync(fd);
  }
}

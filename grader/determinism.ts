// --check-determinism: after a grade, every run that finished is run a second time, in a new pool
// of worker processes and in the reverse order, so that it lands in another process after other
// runs than the first time; the two fingerprints must be the same. A run whose second fingerprint
// (or verdict) differs fails, with the check `determinism`, both fingerprints and its replay
// command: something in it depends on more than the seed, such as state kept between runs where
// the grader's checks do not look (a property of a module-level function reached by another name,
// a built-in object changed) or what differs between processes (process.pid). The check
// deterministic-simulation tools such as madsim offer; it doubles the grade's time.
import { makeView } from './progress';
import type { RunRecord } from './protocol';
import { UsageError, type Job } from './select';
import { replayCommand, runSession, type ImplChoice } from './session';

export interface DeterminismCheck {
  /** Runs run a second time. */
  repeated: number;
  /** One line per run whose second run gave another fingerprint or verdict. */
  differences: string[];
  /** The second pass was stopped (Ctrl-C) before every run was repeated. */
  interrupted?: boolean;
}

export interface DeterminismOptions {
  timeoutMs: number;
  silenceMs: number;
  memoryMb: number;
  parallel: number;
  quiet?: boolean;
  noSandbox?: boolean;
}

const keyOf = (r: { test: string; seed: number; level?: string }) =>
  `${r.test}/${r.seed}/${r.level ?? ''}`;

/** The verdict and fingerprint of a run, as the difference names them. */
function described(r: RunRecord): string {
  return r.status === 'passed'
    ? `passed with fingerprint ${r.fingerprint}`
    : r.fingerprint !== undefined
      ? `${r.status} (${r.check ?? '?'}) with fingerprint ${r.fingerprint}`
      : `${r.status} (${r.check ?? '?'})`;
}

/**
 * Runs the session's finished runs again (hung, crashed and skipped runs are not: each would cost
 * a watchdog period or an out-of-memory kill again) and marks each that differs on its record.
 */
export async function checkDeterminism(
  jobs: readonly Job[],
  records: RunRecord[],
  impl: ImplChoice,
  o: DeterminismOptions,
): Promise<DeterminismCheck> {
  const first = new Map(records.map((r) => [keyOf(r), r]));
  const again = jobs.filter((j) => {
    const r = first.get(keyOf(j));
    return r !== undefined && r.fingerprint !== undefined;
  });
  if (again.length === 0) return { repeated: 0, differences: [] };
  process.stderr.write(
    `checking determinism: ${again.length} run${again.length === 1 ? '' : 's'} again, in new workers and in the reverse order\n`,
  );
  const view = makeView(o.quiet);
  view.start(again.length);
  const second = await runSession({
    jobs: [...again].reverse(),
    impls: [impl],
    parallel: o.parallel,
    timeoutMs: o.timeoutMs,
    silenceMs: o.silenceMs,
    memoryMb: o.memoryMb,
    outDir: undefined,
    traces: 0,
    view,
    keepGoing: true,
    ...(o.noSandbox ? { noSandbox: true } : {}),
  });
  if (second.fatal)
    throw new UsageError(
      `${second.fatal.split('\n').join(' | ')} (run npm run build, then try again)`,
    );
  const differences: string[] = [];
  for (const repeat of second.records) {
    const r = first.get(keyOf(repeat))!;
    if (repeat.status === r.status && repeat.fingerprint === r.fingerprint) continue;
    const replay = replayCommand(r.test, r.seed, impl.arg, impl.reference, r.level);
    const firstRun = described(r);
    const before = r.status === 'passed' ? '' : `\nthe first run's failure: ${r.error ?? ''}`;
    r.status = 'failed';
    r.check = 'determinism';
    r.error = `not deterministic: ${firstRun} in one worker, ${described(repeat)} in another after other runs\nthe run depends on more than the seed: state kept from one run to the next outside the objects make...() returns, a changed built-in, or process.pid; a fresh process gives what a worker's first run gives: ${replay}${before}`;
    differences.push(`${r.test} seed ${r.seed}: ${firstRun}, then ${described(repeat)}`);
  }
  return {
    repeated: second.records.length,
    differences,
    ...(second.interrupted ? { interrupted: true } : {}),
  };
}

/** The line a grade prints about the check. */
export function determinismText(d: DeterminismCheck): string {
  const runs = `${d.repeated} run${d.repeated === 1 ? '' : 's'}`;
  const stopped = d.interrupted ? ' (interrupted: not every run was repeated)' : '';
  if (d.differences.length === 0)
    return `deterministic: ${runs} run again in new workers, in the reverse order, gave the same fingerprints${stopped}`;
  return `NOT DETERMINISTIC: ${d.differences.length} of ${runs} run again in new workers, in the reverse order, gave another result${stopped}:\n${d.differences.map((m) => `  ${m}`).join('\n')}`;
}

// The report after a grade: a table per test, flaky tests apart from consistently failing ones,
// every failure with its first error line and the command that replays it, and a score line per
// lab part. The exit status is 0 only if every expected run ran and passed.
import * as path from 'node:path';
import chalk from 'chalk';
import type { LabPart } from '../harness/scenario';
import { SWARM } from '../labs';
import { failureText, type RunRecord } from './protocol';
import type { GradeFile } from './results';
import { pointsOf, type SelectedTest } from './select';
import { replayCommand } from './session';
import { shrinkable, shrinkCommand } from './shrink';
import { compact, max, mean, percent, secondsText, table } from './table';
import { referenceColumns, type ReferenceColumns } from './report-reference';

/** The project's root (this file runs from dist/grader). */
const PROJECT_DIR = path.resolve(__dirname, '..', '..');

export interface TestSummary {
  name: string;
  part: LabPart;
  challenge?: boolean;
  /** One of ours: graded with its part, not in the course's score. */
  ours?: boolean;
  /** A swarm test's level. */
  level?: string;
  runs: number;
  passed: number;
  failed: number;
  hung: number;
  crashed: number;
  /** Not run: an earlier run of the test hung (grade --keep-going runs them). */
  skipped: number;
  meanVirtualMs: number | undefined;
  maxVirtualMs: number | undefined;
  meanRealMs: number | undefined;
  meanRpcs: number | undefined;
  meanBytes: number | undefined;
  failures: RunRecord[];
}

/** grade's and replay's --timeout when not given. */
export const DEFAULT_TIMEOUT_S = 120;

export type Verdict = 'ok' | 'flaky' | 'failing' | 'not run';

export function verdict(s: TestSummary): Verdict {
  if (s.runs === 0) return 'not run';
  if (s.passed === s.runs) return 'ok';
  return s.passed === 0 ? 'failing' : 'flaky';
}

export function summarize(
  tests: readonly SelectedTest[],
  results: readonly RunRecord[],
): TestSummary[] {
  const byTest = new Map<string, RunRecord[]>();
  for (const r of results) {
    const list = byTest.get(r.test) ?? [];
    list.push(r);
    byTest.set(r.test, list);
  }
  return tests.map((t) => {
    const rs = byTest.get(t.name) ?? [];
    // Cost figures only from runs that finished: a hung run's times say nothing about the test.
    const finished = rs.filter((r) => r.status === 'passed' || r.status === 'failed');
    const withStats = finished.filter((r) => r.stats);
    return {
      name: t.name,
      part: t.part,
      ...(t.challenge ? { challenge: true } : {}),
      ...(t.ours ? { ours: true } : {}),
      ...(t.level ? { level: t.level } : {}),
      runs: rs.length,
      passed: rs.filter((r) => r.status === 'passed').length,
      failed: rs.filter((r) => r.status === 'failed').length,
      hung: rs.filter((r) => r.status === 'hung').length,
      crashed: rs.filter((r) => r.status === 'crashed').length,
      skipped: rs.filter((r) => r.status === 'skipped').length,
      meanVirtualMs: mean(finished.map((r) => r.virtualMs)),
      maxVirtualMs: max(finished.map((r) => r.virtualMs)),
      meanRealMs: mean(finished.map((r) => r.realMs)),
      meanRpcs: mean(withStats.map((r) => r.stats!.rpcs)),
      meanBytes: mean(withStats.map((r) => r.stats!.bytes)),
      failures: rs
        .filter((r) => r.status !== 'passed' && r.status !== 'skipped')
        .sort((a, b) => a.seed - b.seed),
    };
  });
}

function statusCell(s: TestSummary): string {
  switch (verdict(s)) {
    case 'ok':
      return chalk.green('ok');
    case 'flaky':
      return chalk.yellow.bold('FLAKY');
    case 'failing':
      return chalk.red.bold('FAIL');
    default:
      return chalk.dim('not run');
  }
}

export function testTable(summaries: readonly TestSummary[], ref?: ReferenceColumns): string {
  const header = [
    'test',
    'runs',
    'pass',
    'fail',
    'flake',
    'virt s mean',
    'max',
    'real ms',
    'RPCs',
    'bytes',
    'status',
  ];
  const rows = summaries.map((s) => {
    // Skipped runs are neither passed nor failed: the columns count the runs that ran.
    const ran = s.runs - s.skipped;
    const bad = ran - s.passed;
    const kinds = [
      s.hung ? `${s.hung} hung` : '',
      s.crashed ? `${s.crashed} crashed` : '',
      s.skipped ? `${s.skipped} skipped` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return [
      nameCell(s),
      String(ran),
      String(s.passed),
      bad > 0 ? chalk.red(String(bad)) : '0',
      percent(bad, ran),
      secondsText(s.meanVirtualMs),
      secondsText(s.maxVirtualMs),
      s.meanRealMs === undefined ? '-' : s.meanRealMs.toFixed(0),
      compact(s.meanRpcs),
      compact(s.meanBytes),
      `${statusCell(s)}${kinds ? ` (${kinds})` : ''}`,
    ];
  });
  if (ref) return ref.table(header, rows, summaries);
  return table(header, rows, [
    'left',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
    'left',
  ]);
}

function nameCell(s: TestSummary): string {
  const marks = [
    s.challenge ? 'challenge' : '',
    s.ours && !s.level ? 'ours' : '',
    s.level ? `at ${s.level}` : '',
  ].filter(Boolean);
  return marks.length > 0 ? `${s.name} ${chalk.dim(`(${marks.join(', ')})`)}` : s.name;
}

export interface ReportOptions {
  /** Failures listed per test (0: all). */
  maxFailures: number;
}

/** Points per part: as recorded in the file, else the registry's. */
function pointsFor(file: GradeFile): Record<string, number> {
  return file.points ?? pointsOf();
}

/**
 * The score: a part's points are shared by its course tests; a test earns its share if every run
 * passed. Ours are counted beside it (`ours: 1 of 2 passed`), and the swarm is never scored.
 */
export function scoreLines(file: GradeFile, summaries: readonly TestSummary[]): string[] {
  const lines: string[] = [];
  const points = pointsFor(file);
  const passedAll = (s: TestSummary) =>
    verdict(s) === 'ok' && s.runs === expectedRunsOf(file, s.name);
  let earned = 0;
  let possible = 0;
  for (const part of file.parts.filter((p) => p !== SWARM)) {
    const course = summaries.filter((s) => s.part === part && !s.ours);
    const ours = summaries.filter((s) => s.part === part && s.ours);
    if (course.length === 0 && ours.length === 0) continue;
    const size = Math.max(file.partSizes[part] ?? course.length, course.length);
    const perTest = size > 0 ? (points[part] ?? 0) / size : 0;
    const good = course.filter(passedAll).length;
    earned += good * perTest;
    possible += course.length * perTest;
    const of = course.length < size ? ` (${course.length} of its ${size} tests graded)` : '';
    const goodOurs = ours.filter(passedAll).length;
    const oursText = ours.length > 0 ? `; ours: ${goodOurs} of ${ours.length} passed` : '';
    const text = `${part}  ${(good * perTest).toFixed(1).padStart(5)} / ${points[part] ?? 0}   ${good}/${course.length} tests passed every run${of}${oursText}`;
    const allGood = good === course.length && goodOurs === ours.length;
    lines.push(`  ${allGood ? chalk.green(text) : chalk.red(text)}`);
  }
  // Only the swarm graded: no course total to speak of.
  if (lines.length > 0 || !summaries.some((s) => s.part === SWARM)) {
    const all = Object.values(points).reduce((a, b) => a + b, 0);
    const count = Object.keys(points).length;
    lines.push(
      `  total ${earned.toFixed(1)} / ${possible.toFixed(1)} for what was graded (all ${count} parts: ${all})`,
    );
  }
  const swarm = summaries.filter((s) => s.part === SWARM);
  if (swarm.length > 0) {
    const good = swarm.filter(passedAll).length;
    const text = `${SWARM}  (ours, not scored)   ${good}/${swarm.length} tests passed every run`;
    lines.push(`  ${good === swarm.length ? chalk.green(text) : chalk.red(text)}`);
  }
  return lines;
}

/** Runs of one test the file should hold: all of them, or its shard's share (see applyShard). */
function expectedRunsOf(file: GradeFile, test: string): number {
  const t = file.tests.findIndex((x) => x.name === test);
  if (!file.shard) return file.runs;
  let n = 0;
  for (let k = 0; k < file.runs; k++)
    if ((t * file.runs + k) % file.shard.count === file.shard.index - 1) n++;
  return n;
}

function failureBlock(
  r: RunRecord,
  implArg: string,
  timeoutS: number | undefined,
  reference: readonly string[] | undefined,
): string[] {
  const lines = [
    `  ${chalk.bold(r.test)} seed ${r.seed}: ${statusWord(r)} at ${secondsText(r.virtualMs, 3)}s virtual`,
  ];
  lines.push(`    ${failureText(r) || '(no error message)'}`);
  // A hung run: the frames where the watchdog found it stuck, innermost first.
  const stuck = r.status === 'hung' ? stuckFrames(r.error) : [];
  const where = codeLocation(r.error);
  if (stuck.length > 0)
    lines.push(...stuck.map((f, i) => `    ${i === 0 ? 'stuck: ' : '       '} ${f}`));
  else if (where) lines.push(`    at:     ${where}`);
  lines.push(...blockedLines(r).map((l) => `    ${l}`));
  // A hung run replays under the same watchdog limits, so that it ends the same way.
  const timeout =
    r.status === 'hung' && timeoutS !== undefined && timeoutS !== DEFAULT_TIMEOUT_S
      ? ` --timeout ${timeoutS}`
      : '';
  lines.push(`    replay: ${replayCommand(r.test, r.seed, implArg, reference, r.level)}${timeout}`);
  // A swarm failure can be cut down to a smaller fault schedule.
  if (shrinkable().includes(r.test) && r.status === 'failed')
    lines.push(`    shrink: ${shrinkCommand(r.test, r.seed, implArg, reference, r.level)}`);
  if (r.trace) lines.push(`    trace:  ${shortPath(r.trace)}`);
  if (r.viewer)
    lines.push(`    viewer: ${shortPath(r.viewer)} (the run drawn: open it in a browser)`);
  else if (r.status === 'hung')
    lines.push(
      '    trace:  not saved: a hung run is not run again (it would hang again); replay it with --trace to see the trace up to where it stops',
    );
  for (const a of r.artefacts ?? []) lines.push(`    ${artefactLine(a)}`);
  if (r.note) lines.push(`    ${chalk.yellow('note')}: ${r.note}`);
  return lines;
}

/**
 * The first stack frame of an error in the implementation's own TypeScript (workers map stacks
 * through source maps), not in the harness: where a learner should look.
 */
export function codeLocation(error: string | undefined): string | undefined {
  for (const m of (error ?? '').matchAll(/^\s+at (?:.*? \()?(\/[^()\s]+\.ts:\d+:\d+)\)?$/gm)) {
    const file = m[1];
    if (
      !/^(harness|engine|checker|labs|grader|node_modules)\//.test(path.relative(PROJECT_DIR, file))
    )
      return shortPath(file);
  }
  return undefined;
}

/** The stack lines of a hung run's error (the probe's frames), as `file.ts:LINE:COL (function)`. */
export function stuckFrames(error: string | undefined): string[] {
  const frames: string[] = [];
  for (const m of (error ?? '').matchAll(/^ {4}at (\S+) \((.+):(\d+):(\d+)\)$/gm))
    frames.push(`${shortPath(m[2])}:${m[3]}:${m[4]} (${m[1]})`);
  return frames;
}

/** How to open an artefact: an HTML report in a browser, a recorded history with the checker. */
export function artefactLine(file: string): string {
  const short = shortPath(file);
  if (/\.html?$/i.test(file)) return `report: ${short} (open it in a browser)`;
  if (/\.jsonl?$/i.test(file))
    return `history: ${short} (npm run check-history -- ${short} --html ${short.replace(/\.jsonl?$/i, '')}.html, then open that in a browser)`;
  return `file: ${short}`;
}

/** Relative to the working directory when inside it. */
export function shortPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function statusWord(r: RunRecord): string {
  // The check, on the line below, says how the run ended (results files before checks: the outcome).
  const why =
    !r.check && r.outcome && r.outcome !== 'failed' && r.outcome !== 'passed'
      ? ` (${r.outcome.replace(/-/g, ' ')})`
      : '';
  return r.status === 'failed' ? chalk.red(`failed${why}`) : chalk.magenta(`${r.status}${why}`);
}

/**
 * Under a failure line: what the nodes were waiting for, and for a run that never came back, the
 * event during which it stopped.
 */
export function blockedLines(r: RunRecord): string[] {
  const lines: string[] = [];
  if (r.lastEvent) lines.push(`last event before it stopped: ${r.lastEvent}`);
  if (r.blocked && r.blocked.length > 0) {
    const finished = r.status === 'failed' || r.outcome === 'real-time-limit';
    // A hung run's list comes from the probe that found where it was stuck, when it answered.
    const probed = r.status === 'hung' && r.hungIn !== undefined;
    lines.push(
      finished
        ? 'blocked:'
        : probed
          ? 'blocked (when the watchdog stopped it):'
          : "blocked (at the worker's last report before it stopped):",
    );
    lines.push(...r.blocked.map((b) => `  ${chalk.dim(b)}`));
  }
  return lines;
}

function skippedText(s: TestSummary): string {
  return s.skipped > 0 ? `, ${s.skipped} skipped after it hung` : '';
}

export function renderReport(
  file: GradeFile,
  options: ReportOptions,
): { text: string; exitCode: number } {
  const summaries = summarize(file.tests, file.results);
  const out: string[] = [];
  const seeds =
    file.runs === 1 ? `seed ${file.seed}` : `seeds ${file.seed}..${file.seed + file.runs - 1}`;
  const shard = file.shard ? `, shard ${file.shard.index}/${file.shard.count}` : '';
  out.push(
    `grade ${file.parts.join(' ')}${file.run ? ` --run '${file.run}'` : ''}: ${file.tests.length} tests x ${file.runs} runs (${seeds}${shard}), implementation ${file.impl}${file.reference?.length ? ` with the reference ${file.reference.join(', ')}` : ''}, Node ${file.node}`,
  );
  out.push('');
  const ref = referenceColumns(file, summaries);
  out.push(testTable(summaries, ref));
  if (ref) out.push(...ref.lines());
  const flaky = summaries.filter((s) => verdict(s) === 'flaky');
  const failing = summaries.filter((s) => verdict(s) === 'failing');
  if (flaky.length > 0) {
    out.push(
      '',
      chalk.yellow.bold(
        'Flaky: pass on some seeds, fail on others (the bug is real; the seed makes it visible):',
      ),
    );
    for (const s of flaky) {
      const ran = s.runs - s.skipped;
      out.push(
        `  ${s.name}  ${ran - s.passed}/${ran} runs failed (${percent(ran - s.passed, ran)})${skippedText(s)}`,
      );
    }
  }
  if (failing.length > 0) {
    out.push('', chalk.red.bold('Failing on every seed:'));
    for (const s of failing) {
      const ran = s.runs - s.skipped;
      out.push(`  ${s.name}  ${ran}/${ran} runs failed${skippedText(s)}`);
    }
  }
  const failed = summaries.filter((s) => s.failures.length > 0);
  if (failed.length > 0) {
    out.push(
      '',
      chalk.bold(
        'Failures (first error line, and the command that replays the run with its trace):',
      ),
    );
    for (const s of failed) {
      const shown = options.maxFailures > 0 ? s.failures.slice(0, options.maxFailures) : s.failures;
      for (const r of shown) out.push(...failureBlock(r, file.impl, file.timeoutS, file.reference));
      const rest = s.failures.slice(shown.length);
      if (rest.length > 0) {
        const seedList = rest
          .map((r) => r.seed)
          .slice(0, 20)
          .join(', ');
        out.push(
          `  ... and ${rest.length} more failures of ${s.name} (seeds ${seedList}${rest.length > 20 ? ', ...' : ''}; --failures 0 lists them all)`,
        );
      }
    }
  }
  out.push(
    '',
    chalk.bold('Score') +
      ` (points per part: ${Object.entries(pointsFor(file))
        .map(([p, n]) => `${p} ${n}`)
        .join(', ')}):`,
  );
  out.push(...scoreLines(file, summaries));
  const count = (status: string) => file.results.filter((r) => r.status === status).length;
  const missing = file.expectedRuns - file.results.length;
  const allPassed = count('passed') === file.results.length && missing <= 0 && !file.interrupted;
  const perMinute =
    file.realMs > 0 ? (file.results.length / (file.realMs / 60_000)).toFixed(0) : '-';
  out.push('');
  if (file.interrupted)
    out.push(
      chalk.yellow(`interrupted: ${file.results.length} of ${file.expectedRuns} runs finished`),
    );
  else if (file.bailed)
    out.push(
      chalk.yellow(
        `stopped at the first failure (--bail): ${file.results.length} of ${file.expectedRuns} runs finished`,
      ),
    );
  else if (missing > 0)
    out.push(
      chalk.yellow(
        `incomplete: ${missing} of ${file.expectedRuns} runs are missing (merge every shard's results)`,
      ),
    );
  const skipped = count('skipped');
  const tally = `${file.results.length} runs: ${count('passed')} passed, ${count('failed')} failed, ${count('hung')} hung, ${count('crashed')} crashed${skipped > 0 ? `, ${skipped} skipped (their test hung first; --keep-going runs them)` : ''}`;
  const timing = `${(file.realMs / 1000).toFixed(1)}s real, ${file.parallel} worker${file.parallel === 1 ? '' : 's'}, ${perMinute} runs/min`;
  if (file.modules?.startsWith('modules reloaded')) out.push(chalk.yellow(file.modules));
  for (const g of file.globals ?? [])
    out.push(chalk.yellow(`globals left by the implementation: ${g}`));
  out.push(
    `${allPassed ? chalk.green.bold('PASS') : chalk.red.bold('FAIL')}  ${tally} (${timing}); first seed ${file.seed}`,
  );
  return { text: out.join('\n'), exitCode: allPassed ? 0 : 1 };
}

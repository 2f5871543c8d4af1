// The grade as Markdown for a GitHub Actions job summary: when GITHUB_STEP_SUMMARY names a file (as
// it does in every step of a workflow), grade and merge append the score per part and a table of the
// tests with their verdicts, and the replay commands of the failing runs.
import * as fs from 'node:fs';
import type { GradeFile } from '../results';
import { failureDetails, markedName, scoreOf, seedList } from './score';

/** Failing runs whose replay command is listed, per test. */
const LISTED = 10;

/** Text inside a table cell: no line breaks, no cell separators, no code-span breaks. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').replace(/`/g, "'").trim();
}

function clip(text: string, n: number): string {
  return text.length <= n ? text : `${text.slice(0, n - 1)}…`;
}

const VERDICTS: Record<string, string> = {
  ok: '✅ ok',
  flaky: '⚠️ FLAKY',
  failing: '❌ FAIL',
  'not run': '➖ not run',
};

export function stepSummary(file: GradeFile): string {
  const score = scoreOf(file);
  const seeds =
    file.runs === 1 ? `seed ${file.seed}` : `seeds ${file.seed}..${file.seed + file.runs - 1}`;
  const shard = file.shard ? `, shard ${file.shard.index}/${file.shard.count}` : '';
  const ref = file.reference?.length ? ` with the reference ${file.reference.join(', ')}` : '';
  const passed = file.results.filter((r) => r.status === 'passed').length;
  const out: string[] = [
    `### dslab grade ${file.parts.join(' ')}: ${score.allPassed ? '✅ PASS' : '❌ FAIL'}`,
    '',
    `Implementation \`${cell(file.impl)}\`${ref}; ${file.tests.length} tests x ${file.runs} runs (${seeds}${shard}); ${passed} of ${file.results.length} runs passed${file.results.length < file.expectedRuns ? ` (${file.expectedRuns - file.results.length} missing)` : ''}; Node ${file.node}.`,
    '',
  ];
  if (score.parts.length > 0) {
    out.push(
      '| part | score | course tests passed every run | ours passed |',
      '|---|---:|---|---|',
      ...score.parts.map(
        (p) =>
          `| ${p.part} | ${p.earned.toFixed(1)} / ${p.points} | ${p.coursePassed}/${p.courseGraded}${p.courseGraded < p.size ? ` (of its ${p.size})` : ''} | ${p.oursGraded > 0 ? `${p.oursPassed} of ${p.oursGraded}` : '-'} |`,
      ),
      `| **total** | **${score.earned.toFixed(1)} / ${score.possible.toFixed(1)}** | for what was graded (all parts: ${score.coursePoints}) | |`,
      '',
    );
  }
  out.push(
    '| test | part | runs | passed | verdict | first failure |',
    '|---|---|---:|---:|---|---|',
    ...score.tests.map((t) => {
      const failures = failureDetails(file, t);
      const first = failures[0];
      const firstText = first
        ? `seed ${first.seed}: \`${clip(cell(first.text), 200)}\`${failures.length > 1 ? ` (failing seeds ${seedList(failures.map((f) => f.seed))})` : ''}`
        : '';
      const incomplete = t.runs < t.expected && t.runs > 0 ? ` (${t.runs} of ${t.expected})` : '';
      return `| ${cell(markedName(t))} | ${t.part} | ${t.runs} | ${t.passed} | ${VERDICTS[t.verdict]}${incomplete} | ${firstText} |`;
    }),
  );
  const failing = score.tests.filter((t) => t.failures.length > 0);
  if (failing.length > 0) {
    const lines = failing.flatMap((t) => {
      const failures = failureDetails(file, t);
      return [
        ...failures.slice(0, LISTED).map((f) => f.replay),
        ...(failures.length > LISTED
          ? [`# ... and ${failures.length - LISTED} more failing seeds of ${t.name}`]
          : []),
      ];
    });
    out.push(
      '',
      '<details><summary>Replay a failing run, event by event</summary>',
      '',
      '```sh',
      ...lines,
      '```',
      '',
      '</details>',
    );
  }
  return `${out.join('\n')}\n\n`;
}

/** Appends the summary to $GITHUB_STEP_SUMMARY if it names a file; returns the file, if any. */
export function appendStepSummary(
  file: GradeFile,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const target = env.GITHUB_STEP_SUMMARY;
  if (!target) return undefined;
  try {
    fs.appendFileSync(target, stepSummary(file));
  } catch (error) {
    // The grade is done; a summary that cannot be written is a warning, not a failed grade.
    process.stderr.write(
      `warning: could not append the summary to GITHUB_STEP_SUMMARY (${target}): ${(error as Error).message}\n`,
    );
    return undefined;
  }
  return target;
}

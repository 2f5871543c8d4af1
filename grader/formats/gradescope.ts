// A grade as Gradescope's results/results.json (the autograder specification's format): `score`,
// `execution_time`, `output`, and `tests[]`, each with `name`, `score`, `max_score`, `status`
// ("passed"/"failed"), `output` and `visibility`. The points are the score table's (score.ts): a
// part's points shared by its course tests, a test earning its share only if every run passed;
// tests of ours and the swarm have max_score 0. A failing test's output lists every failing seed
// with its check and the command that replays it. schemas/gradescope-results.schema.json
// describes the file; test/staff/gradescope.spec.ts validates what run_autograder writes.
import type { GradeFile } from '../results';
import { renderReport } from '../report';
import { failureDetails, markedName, plain, scoreOf, seedList } from './score';

export type Visibility = 'hidden' | 'after_due_date' | 'after_published' | 'visible';
export const VISIBILITIES: readonly Visibility[] = [
  'hidden',
  'after_due_date',
  'after_published',
  'visible',
];

export interface GradescopeTest {
  name: string;
  number?: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
  visibility: Visibility;
  tags?: string[];
}

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  visibility: Visibility;
  stdout_visibility: Visibility;
  tests: GradescopeTest[];
}

export interface GradescopeOptions {
  /** How replay commands name the implementation (the student's folder), default as graded. */
  implArg?: string;
  visibility?: Visibility;
  /** Lines at the top of the overall output (e.g. which folder was graded). */
  preamble?: string[];
  /** Real seconds the whole autograder took (default: the grade's). */
  executionS?: number;
}

/** Failing seeds listed per test in its output. */
const LISTED = 20;

/** Gradescope orders tests by number: `2A.1`, `2A.2`, ... in the grade's order. */
function numbering(): (part: string) => string {
  const next = new Map<string, number>();
  return (part) => {
    const n = (next.get(part) ?? 0) + 1;
    next.set(part, n);
    return `${part}.${n}`;
  };
}

/** Points to four decimals: a third of 5 is 1.6667, and three of them make the part's 5. */
const round = (x: number) => Math.round(x * 10_000) / 10_000;

export function gradescopeResults(file: GradeFile, o: GradescopeOptions = {}): GradescopeResults {
  const score = scoreOf(file);
  const visibility = o.visibility ?? 'visible';
  const implArg = o.implArg ?? file.impl;
  const numbers = numbering();
  const tests: GradescopeTest[] = score.tests.map((t) => {
    const failures = failureDetails(file, t, implArg);
    const seeds =
      file.runs === 1 ? `seed ${file.seed}` : `seeds ${file.seed}..${file.seed + file.runs - 1}`;
    const lines: string[] = [];
    if (t.passedEveryRun) lines.push(`passed all ${t.runs} runs (${seeds})`);
    else if (failures.length === 0)
      lines.push(`only ${t.runs} of ${t.expected} runs finished (the grade was interrupted)`);
    else {
      lines.push(
        `failed ${failures.length} of ${t.runs} runs (${seeds}); failing seeds: ${seedList(failures.map((f) => f.seed))}`,
        '',
      );
      for (const f of failures.slice(0, LISTED))
        lines.push(`seed ${f.seed}: ${f.text}`, `  replay: ${f.replay}`);
      if (failures.length > LISTED) lines.push(`... and ${failures.length - LISTED} more`);
      lines.push('', `first failure (seed ${failures[0].seed}):`, failures[0].error);
    }
    if (t.ours) lines.push('', '(a test of ours: graded beside the course score, worth no points)');
    return {
      name: `${t.part} ${markedName(t)}`,
      number: numbers(t.part),
      score: round(t.score),
      max_score: round(t.maxScore),
      status: t.passedEveryRun ? 'passed' : 'failed',
      output: lines.join('\n').trim(),
      visibility,
      tags: [t.part, ...(t.ours ? ['ours'] : []), ...(t.challenge ? ['challenge'] : [])],
    };
  });
  const report = plain(renderReport(file, { maxFailures: 3 }).text);
  return {
    score: round(score.earned),
    execution_time: Math.round(o.executionS ?? file.realMs / 1000),
    output: [...(o.preamble ?? []), ...(o.preamble?.length ? [''] : []), report].join('\n'),
    visibility,
    stdout_visibility: 'hidden',
    tests,
  };
}

/**
 * Results for a submission that could not be graded at all (it does not compile, no folder with
 * the layers was found): score 0, the reason as the output, and each test of the parts with its
 * points, failed, so that the student sees what was at stake.
 */
export function ungradedResults(
  reason: string,
  tests: readonly { name: string; part: string; ours?: boolean; challenge?: boolean }[],
  points: Record<string, number>,
  partSizes: Partial<Record<string, number>>,
  o: { visibility?: Visibility; executionS: number },
): GradescopeResults {
  const visibility = o.visibility ?? 'visible';
  const count = (part: string) => tests.filter((t) => t.part === part && !t.ours).length;
  const numbers = numbering();
  return {
    score: 0,
    execution_time: Math.round(o.executionS),
    output: reason,
    visibility,
    stdout_visibility: 'hidden',
    tests: tests.map((t) => {
      const size = Math.max(partSizes[t.part] ?? count(t.part), count(t.part));
      return {
        name: `${t.part} ${markedName(t)}`,
        number: numbers(t.part),
        score: 0,
        max_score: t.ours || size === 0 ? 0 : round((points[t.part] ?? 0) / size),
        status: 'failed' as const,
        output: 'not run: the submission could not be graded (see the overall output above)',
        visibility,
        tags: [t.part, ...(t.ours ? ['ours'] : []), ...(t.challenge ? ['challenge'] : [])],
      };
    }),
  };
}

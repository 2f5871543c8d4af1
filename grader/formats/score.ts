// The score of a grade, per test, for the formats other programs read (JUnit, the GitHub step
// summary, Gradescope): the rule of the report's score lines (grader/report.ts) — a part's points are
// shared equally by its course tests, and a test earns its share only if every run it should have
// had ran and passed; tests of ours and the swarm earn nothing and are reported beside. A spec
// (test/staff/formats.spec.ts) holds this to the report's own total.
import type { GradeFile } from '../results';
import { DEFAULT_TIMEOUT_S, summarize, verdict, type TestSummary, type Verdict } from '../report';
import { failureText, type RunRecord } from '../protocol';
import { replayCommand } from '../session';
import { pointsOf } from '../select';
import { SWARM } from '../../labs';

export interface TestScore extends TestSummary {
  verdict: Verdict;
  /** Runs of this test the file should hold: all of them, or its shard's share. */
  expected: number;
  /** Every expected run ran and passed. */
  passedEveryRun: boolean;
  /** The test's share of its part's points (0 for ours and the swarm). */
  maxScore: number;
  score: number;
}

export interface PartScore {
  part: string;
  /** The part's points in the course. */
  points: number;
  /** Course tests the part has in the registry (its points are shared by them). */
  size: number;
  courseGraded: number;
  coursePassed: number;
  oursGraded: number;
  oursPassed: number;
  earned: number;
  /** The points of the course tests that were graded. */
  possible: number;
}

export interface Score {
  tests: TestScore[];
  parts: PartScore[];
  earned: number;
  possible: number;
  /** Points of every part in the registry (the whole course). */
  coursePoints: number;
  /** Every expected run ran and passed (the grade's exit status 0). */
  allPassed: boolean;
}

/** Points per part: as recorded in the file, else the registry's. */
export function pointsFor(file: GradeFile): Record<string, number> {
  return file.points ?? pointsOf();
}

/** Runs of one test the file should hold: all of them, or its shard's share (select.ts applyShard). */
export function expectedRunsOf(file: GradeFile, test: string): number {
  const t = file.tests.findIndex((x) => x.name === test);
  if (!file.shard) return file.runs;
  let n = 0;
  for (let k = 0; k < file.runs; k++)
    if ((t * file.runs + k) % file.shard.count === file.shard.index - 1) n++;
  return n;
}

export function scoreOf(file: GradeFile): Score {
  const points = pointsFor(file);
  const summaries = summarize(file.tests, file.results);
  const courseCount = (part: string) => summaries.filter((s) => s.part === part && !s.ours).length;
  const shareOf = (part: string) => {
    const size = Math.max(file.partSizes[part] ?? courseCount(part), courseCount(part));
    return size > 0 ? (points[part] ?? 0) / size : 0;
  };
  const tests: TestScore[] = summaries.map((s) => {
    const expected = expectedRunsOf(file, s.name);
    const passedEveryRun = verdict(s) === 'ok' && s.runs === expected;
    const maxScore = s.ours || s.part === SWARM ? 0 : shareOf(s.part);
    return {
      ...s,
      verdict: verdict(s),
      expected,
      passedEveryRun,
      maxScore,
      score: passedEveryRun ? maxScore : 0,
    };
  });
  const parts: PartScore[] = [];
  for (const part of file.parts.filter((p) => p !== SWARM)) {
    const course = tests.filter((t) => t.part === part && !t.ours);
    const ours = tests.filter((t) => t.part === part && t.ours);
    if (course.length === 0 && ours.length === 0) continue;
    const share = shareOf(part);
    const coursePassed = course.filter((t) => t.passedEveryRun).length;
    parts.push({
      part,
      points: points[part] ?? 0,
      size: Math.max(file.partSizes[part] ?? course.length, course.length),
      courseGraded: course.length,
      coursePassed,
      oursGraded: ours.length,
      oursPassed: ours.filter((t) => t.passedEveryRun).length,
      earned: coursePassed * share,
      possible: course.length * share,
    });
  }
  const passed = file.results.filter((r) => r.status === 'passed').length;
  return {
    tests,
    parts,
    earned: parts.reduce((a, p) => a + p.earned, 0),
    possible: parts.reduce((a, p) => a + p.possible, 0),
    coursePoints: Object.values(points).reduce((a, b) => a + b, 0),
    allPassed:
      passed === file.results.length &&
      file.results.length >= file.expectedRuns &&
      !file.interrupted,
  };
}

/** A test's name with its marks, as the report's table shows them: `TestStableTerm2A (ours)`. */
export function markedName(t: {
  name: string;
  ours?: boolean;
  challenge?: boolean;
  level?: string;
}): string {
  const marks = [
    t.challenge ? 'challenge' : '',
    t.ours && !t.level ? 'ours' : '',
    t.level ? `at ${t.level}` : '',
  ].filter(Boolean);
  return marks.length > 0 ? `${t.name} (${marks.join(', ')})` : t.name;
}

/** Seeds as a short list: `1, 4, 9..12`. */
export function seedList(seeds: readonly number[]): string {
  const sorted = [...seeds].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(
      j === i
        ? String(sorted[i])
        : j === i + 1
          ? `${sorted[i]}, ${sorted[j]}`
          : `${sorted[i]}..${sorted[j]}`,
    );
    i = j + 1;
  }
  return out.join(', ');
}

/** Terminal colours out (the formats are read by other programs). */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

export interface FailureDetail {
  seed: number;
  status: RunRecord['status'];
  check?: string;
  /** `[check] first line`, as the report shows it. */
  text: string;
  /** The whole error (first line, then detail). */
  error: string;
  /** The command that replays this run exactly. */
  replay: string;
  trace?: string;
}

/**
 * Every failing run of a test, by seed: what failed and the command that replays it (with the
 * implementation as `implArg` names it, by default as the grade was given it).
 */
export function failureDetails(
  file: GradeFile,
  test: TestSummary,
  implArg: string = file.impl,
): FailureDetail[] {
  return test.failures.map((r) => {
    // A hung run replays under the same watchdog limits, so that it ends the same way.
    const timeout =
      r.status === 'hung' && file.timeoutS !== undefined && file.timeoutS !== DEFAULT_TIMEOUT_S
        ? ` --timeout ${file.timeoutS}`
        : '';
    return {
      seed: r.seed,
      status: r.status,
      ...(r.check ? { check: r.check } : {}),
      text: plain(failureText(r)) || `${r.status} (no error message)`,
      error: plain(r.error ?? ''),
      replay: `${replayCommand(r.test, r.seed, implArg, file.reference, r.level)}${timeout}`,
      ...(r.trace ? { trace: r.trace } : {}),
    };
  });
}

// grade --junit FILE: the grade as JUnit XML, the format CI systems show test results from (GitHub
// Actions reporters, GitLab, Jenkins). One <testsuite> per lab part, one <testcase> per test
// (classname: the part; time: the real seconds of all its runs). A test that failed any run has a
// <failure> whose message is the first failing run's `[check] first line` and whose type is that
// check's id, listing every failing seed; its <system-out> holds the command that replays each
// failing seed. Tests of ours, challenge tests and a swarm test's level are <properties> of their
// testcase (name="ours" value="true"), never part of the name, so that names stay the tests' own.
import type { GradeFile } from '../results';
import { failureDetails, markedName, scoreOf, seedList, type TestScore } from './score';

/** Characters XML 1.0 cannot hold at all (terminal escapes, NUL, ...): dropped. */
// eslint-disable-next-line no-control-regex
const INVALID = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g;

export function xmlEscape(text: string): string {
  return text
    .replace(INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** Failing runs listed per test (in the failure's text and the replay commands). */
const LISTED = 100;

function properties(values: Record<string, string | number | undefined>, indent: string): string[] {
  const entries = Object.entries(values).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return [];
  return [
    `${indent}<properties>`,
    ...entries.map(([name, value]) => `${indent}  <property${attrs({ name, value })}/>`),
    `${indent}</properties>`,
  ];
}

function testcase(file: GradeFile, t: TestScore): string[] {
  const realMs = file.results
    .filter((r) => r.test === t.name)
    .reduce((a, r) => a + (r.realMs ?? 0), 0);
  const open = `    <testcase${attrs({ classname: t.part, name: t.name, time: seconds(realMs) })}>`;
  const lines = [
    open,
    ...properties(
      {
        ours: t.ours ? 'true' : undefined,
        challenge: t.challenge ? 'true' : undefined,
        level: t.level,
        runs: t.runs,
        passed: t.passed,
        expected: t.expected,
        points: t.maxScore > 0 ? Number(t.maxScore.toFixed(4)) : undefined,
      },
      '      ',
    ),
  ];
  const failures = failureDetails(file, t);
  if (failures.length > 0) {
    const first = failures[0];
    const shown = failures.slice(0, LISTED);
    const more =
      failures.length > shown.length ? [`... and ${failures.length - shown.length} more`] : [];
    const body = [
      `${markedName(t)}: ${failures.length} of ${t.runs} runs failed (seeds ${seedList(failures.map((f) => f.seed))})`,
      ...shown.map((f) => `seed ${f.seed}: ${f.text}`),
      ...more,
      '',
      `first failure (seed ${first.seed}):`,
      first.error || first.text,
    ].join('\n');
    lines.push(
      `      <failure${attrs({ message: first.text, type: first.check ?? first.status })}>${xmlEscape(body)}</failure>`,
    );
    const out = [
      ...shown.flatMap((f) => [
        `seed ${f.seed}: ${f.text}`,
        `  replay: ${f.replay}`,
        ...(f.trace ? [`  trace:  ${f.trace}`] : []),
      ]),
      ...more,
    ].join('\n');
    lines.push(`      <system-out>${xmlEscape(out)}</system-out>`);
  } else if (t.runs < t.expected) {
    lines.push(
      `      <skipped${attrs({ message: t.runs === 0 ? 'not run' : `only ${t.runs} of ${t.expected} runs finished` })}/>`,
    );
  }
  lines.push('    </testcase>');
  return lines;
}

export function junitXml(file: GradeFile): string {
  const score = scoreOf(file);
  const seeds = file.runs === 1 ? `${file.seed}` : `${file.seed}..${file.seed + file.runs - 1}`;
  const suites: string[] = [];
  const parts = [...new Set(score.tests.map((t) => t.part))];
  let failuresTotal = 0;
  let skippedTotal = 0;
  for (const part of parts) {
    const tests = score.tests.filter((t) => t.part === part);
    const failures = tests.filter((t) => t.failures.length > 0).length;
    const skipped = tests.filter((t) => t.failures.length === 0 && t.runs < t.expected).length;
    failuresTotal += failures;
    skippedTotal += skipped;
    const realMs = file.results.filter((r) => r.part === part).reduce((a, r) => a + r.realMs, 0);
    const p = score.parts.find((x) => x.part === part);
    suites.push(
      `  <testsuite${attrs({ name: part, tests: tests.length, failures, errors: 0, skipped, time: seconds(realMs) })}>`,
      ...properties(
        {
          implementation: file.impl,
          reference: file.reference?.join(','),
          seeds,
          runs: file.runs,
          shard: file.shard ? `${file.shard.index}/${file.shard.count}` : undefined,
          node: file.node,
          points: p?.points,
          score: p ? Number(p.earned.toFixed(4)) : undefined,
        },
        '    ',
      ),
      ...tests.flatMap((t) => testcase(file, t)),
      '  </testsuite>',
    );
  }
  const name = `dslab grade ${file.parts.join(' ')}`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name, tests: score.tests.length, failures: failuresTotal, errors: 0, skipped: skippedTotal, time: seconds(file.realMs) })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

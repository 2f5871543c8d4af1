// The grader's throughput: `grade` run as a learner runs it (workers = cores), on 2A+2B and on
// every suite that exists, with runs per minute per core, next to the original Go suite's real
// time for 2A+2B. GRADE_BENCH_RUNS sets -n (default 5; the figure the issue asks for is 20).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GradeFile } from '../grader/results';
import type { RunRecord } from '../grader/protocol';
import { LAB_PARTS } from '../harness/scenario';

export const title = 'Grader throughput (npm run grade)';
export const order = 60;

const CLI = path.join(__dirname, '..', 'grader', 'cli.js');
/** Go 1.19 solution on the original suites, one pass, wall seconds (spec/go-reference-figures.md). */
const GO_WALL_2A = 13.2;
const GO_WALL_2B = 37.5;
const GO_TESTS_2A_2B = 3 + 8;

interface Measured {
  file: GradeFile;
  wallS: number;
  command: string;
}

function gradeOnce(labs: string[], runs: number, json: string): Promise<Measured> {
  const args = [...labs, '-n', String(runs), '--seed', '1', '-q', '--json', json, '--out', path.join(path.dirname(json), 'out')];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: 'true' } });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && code !== 1) return reject(new Error(`grade ${args.join(' ')} exited with ${code}`));
      const file = JSON.parse(fs.readFileSync(json, 'utf8')) as GradeFile;
      resolve({ file, wallS: (performance.now() - started) / 1000, command: `npm run grade -- ${args.slice(0, -4).join(' ')}` });
    });
  });
}

function row(scope: string, m: Measured, cores: number): string {
  const runs = m.file.results.length;
  const perMin = runs / (m.wallS / 60);
  const bad = runs - m.file.results.filter((r) => r.status === 'passed').length;
  return `| ${scope} | ${m.file.tests.length} | ${runs} | ${m.wallS.toFixed(1)} | ${perMin.toFixed(0)} | ${(perMin / cores).toFixed(0)} | ${bad} |`;
}

function mean(xs: number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export async function run(): Promise<string> {
  const runs = Number(process.env.GRADE_BENCH_RUNS ?? 5);
  const cores = os.availableParallelism();
  const load = os.loadavg()[0];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grader-bench-'));
  try {
    const small = await gradeOnce(['lab2a', 'lab2b'], runs, path.join(tmp, '2ab.json'));
    const all = await gradeOnce(['all'], runs, path.join(tmp, 'all.json'));
    const lines: string[] = [];
    lines.push(
      `Seeds 1..${runs}, ${cores} cores, ${small.file.parallel} workers (the default: one per core). Wall time is the whole grade process, from start to exit. ` +
        `The machine may be shared: load average ${load.toFixed(1)} when this started, ${os.loadavg()[0].toFixed(1)} at the end.`,
    );
    lines.push('');
    lines.push('| scope | tests | runs | wall s | runs/min | runs/min/core | not passed |');
    lines.push('|---|---|---|---|---|---|---|');
    lines.push(row(`2A+2B (\`${small.command}\`)`, small, cores));
    lines.push(row(`all: ${all.file.parts.join(', ')} (\`${all.command}\`)`, all, cores));
    lines.push('');
    // The Go suite runs each test in real time, one after another: one pass of 2A+2B is 50.7 s.
    const goWall = GO_WALL_2A + GO_WALL_2B;
    const goPerMin = GO_TESTS_2A_2B / (goWall / 60);
    const oursPerPass = small.wallS / runs;
    const oursPerMin = small.file.results.length / (small.wallS / 60);
    lines.push(
      `Against the original Go suite (2A ${GO_WALL_2A} s + 2B ${GO_WALL_2B} s wall for one pass of its ${GO_TESTS_2A_2B} tests, from spec/go-reference-figures.md): ` +
        `Go runs ${goPerMin.toFixed(1)} test runs/min; the grader runs ${oursPerMin.toFixed(0)} runs/min (${(oursPerMin / goPerMin).toFixed(0)}x), ` +
        `one pass of our ${small.file.tests.length} 2A+2B tests every ${oursPerPass.toFixed(2)} s of wall time against Go's ${goWall.toFixed(1)} s.`,
    );
    lines.push('');
    lines.push('Per part, from the `all` run (real ms is one run in one worker; virtual/real is how much faster than real time a run goes):');
    lines.push('');
    lines.push('| part | tests | runs | not passed | mean real ms/run | max real ms | mean virtual s/run | virtual/real |');
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const part of LAB_PARTS) {
      const rs: RunRecord[] = all.file.results.filter((r) => r.part === part);
      if (rs.length === 0) continue;
      const done = rs.filter((r) => r.status === 'passed' || r.status === 'failed');
      const real = mean(done.map((r) => r.realMs));
      const virt = mean(done.map((r) => r.virtualMs));
      const tests = new Set(rs.map((r) => r.test)).size;
      const notPassed = rs.filter((r) => r.status !== 'passed');
      const which = [...new Set(notPassed.map((r) => `${r.test} (${r.status})`))].join(', ');
      lines.push(`| ${part} | ${tests} | ${rs.length} | ${notPassed.length}${which ? `: ${which}` : ''} | ${real.toFixed(0)} | ${Math.max(...done.map((r) => r.realMs)).toFixed(0)} | ${(virt / 1000).toFixed(1)} | ${(virt / real).toFixed(0)}x |`);
    }
    return lines.join('\n');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

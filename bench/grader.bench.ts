// The grader's throughput: `grade` run as a learner runs it (workers = cores), on 2A+2B and on
// every suite that exists, with runs per minute per core, next to the original Go suite's real
// time for 2A+2B. GRADE_BENCH_RUNS sets -n (default 5; the figure the issue asks for is 20).
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GradeFile } from '../grader/results';
import type { RunRecord } from '../grader/protocol';
import { loadRegistry } from '../labs';

export const title = 'Grader throughput (npm run grade)';
export const order = 60;

const CLI = path.join(__dirname, '..', 'grader', 'cli.js');
/** Go 1.19 solution on the original suites, one pass, wall seconds (its own test log, one pass). */
const GO_WALL_2A = 13.2;
const GO_WALL_2B = 37.5;
const GO_TESTS_2A_2B = 3 + 8;

interface Measured {
  file: GradeFile;
  wallS: number;
  /** CPU seconds of the grade process and its workers (Linux only). */
  cpuS: number | undefined;
  command: string;
}

function gradeOnce(
  labs: string[],
  runs: number,
  json: string,
  extra: string[] = [],
  cli = CLI,
): Promise<Measured> {
  const args = [
    ...labs,
    '-n',
    String(runs),
    '--seed',
    '1',
    '-q',
    ...extra,
    '--json',
    json,
    '--out',
    path.join(path.dirname(json), 'out'),
  ];
  const started = performance.now();
  const cpu0 = childrenCpuS();
  return new Promise((resolve, reject) => {
    // From the root of the build the CLI belongs to: that is where its default implementation (src) is.
    const cwd = path.resolve(path.dirname(cli), '..', '..');
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, CI: 'true' },
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && code !== 1)
        return reject(new Error(`grade ${args.join(' ')} exited with ${code}`));
      const file = JSON.parse(fs.readFileSync(json, 'utf8')) as GradeFile;
      const cpu1 = childrenCpuS();
      resolve({
        file,
        wallS: (performance.now() - started) / 1000,
        cpuS: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0,
        command: `npm run grade -- ${args.slice(0, -4).join(' ')}`,
      });
    });
  });
}

/**
 * CPU seconds (user + system) of this process's finished children and theirs (a grade process
 * and its workers), from /proc (Linux); undefined elsewhere.
 */
function childrenCpuS(): number | undefined {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat(5), cutime and cstime, in clock ticks (100 per second on Linux).
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
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
      `Against the original Go suite (2A ${GO_WALL_2A} s + 2B ${GO_WALL_2B} s wall for one pass of its ${GO_TESTS_2A_2B} tests): ` +
        `Go runs ${goPerMin.toFixed(1)} test runs/min; the grader runs ${oursPerMin.toFixed(0)} runs/min (${(oursPerMin / goPerMin).toFixed(0)}x), ` +
        `one pass of our ${small.file.tests.length} 2A+2B tests every ${oursPerPass.toFixed(2)} s of wall time against Go's ${goWall.toFixed(1)} s.`,
    );
    lines.push('');
    lines.push(
      'Per part, from the `all` run (real ms is one run in one worker; virtual/real is how much faster than real time a run goes):',
    );
    lines.push('');
    lines.push(
      '| part | tests | runs | not passed | mean real ms/run | max real ms | mean virtual s/run | virtual/real |',
    );
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const part of loadRegistry().parts.map((p) => p.id)) {
      const rs: RunRecord[] = all.file.results.filter((r) => r.part === part);
      if (rs.length === 0) continue;
      const done = rs.filter((r) => r.status === 'passed' || r.status === 'failed');
      const real = mean(done.map((r) => r.realMs));
      const virt = mean(done.map((r) => r.virtualMs));
      const tests = new Set(rs.map((r) => r.test)).size;
      const notPassed = rs.filter((r) => r.status !== 'passed');
      const which = [...new Set(notPassed.map((r) => `${r.test} (${r.status})`))].join(', ');
      lines.push(
        `| ${part} | ${tests} | ${rs.length} | ${notPassed.length}${which ? `: ${which}` : ''} | ${real.toFixed(0)} | ${Math.max(...done.map((r) => r.realMs)).toFixed(0)} | ${(virt / 1000).toFixed(1)} | ${(virt / real).toFixed(0)}x |`,
      );
    }
    lines.push('', ...(await freshVsWarm(tmp)));
    const base = process.env.GRADE_BENCH_BASE;
    if (base) lines.push('', ...(await beforeAfter(base, tmp)));
    return lines.join('\n');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Groups of parts timed one worker at a time (CPU is the steadier figure on a shared machine). */
const GROUPS = [
  ['2a', '2b', '2c', '2d'],
  ['3a', '3b'],
  ['4a', '4b'],
];
const ROUNDS = 2;

/** A base build named so a reader can find it again: its commit if it is a git checkout, else its folder. */
function describeBuild(dir: string): string {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    // A copy inside some other checkout is not that checkout's commit.
    if (fs.realpathSync(git('rev-parse', '--show-toplevel')) === fs.realpathSync(dir))
      return `commit ${git('rev-parse', '--short', 'HEAD')}`;
  } catch {
    // not in a git checkout at all
  }
  return `folder ${path.basename(path.resolve(dir))} (not a git checkout of its own)`;
}

/**
 * GRADE_BENCH_BASE=<a checkout of an older commit, built>: that build and this one side by side,
 * alternating, ROUNDS rounds: CPU of each group of parts with one worker, wall time of `all` with
 * the default workers, and the slowest 3A/3B runs' virtual/real in a worker.
 */
async function beforeAfter(baseDir: string, tmp: string): Promise<string[]> {
  const baseCli = path.join(path.resolve(baseDir), 'dist', 'grader', 'cli.js');
  if (!fs.existsSync(baseCli))
    throw new Error(
      `GRADE_BENCH_BASE=${baseDir}: no ${baseCli}; build that checkout first (npm run build there)`,
    );
  const builds = [
    { name: 'before', cli: baseCli },
    { name: 'after', cli: CLI },
  ];
  const cpu = new Map<string, number[]>();
  const wall = new Map<string, number[]>();
  const slow = new Map<string, RunRecord[]>();
  const add = <T>(m: Map<string, T[]>, k: string, v: T) => m.set(k, [...(m.get(k) ?? []), v]);
  for (let r = 0; r < ROUNDS; r++) {
    for (const b of builds) {
      for (const g of GROUPS) {
        const m = await gradeOnce(
          g,
          1,
          path.join(tmp, `${b.name}-${g.join('')}-${r}.json`),
          ['-p', '1'],
          b.cli,
        );
        add(cpu, `${b.name} ${g.join(' ')}`, m.cpuS ?? NaN);
        if (g.includes('3a'))
          for (const rec of m.file.results) add(slow, `${b.name} ${rec.test}`, rec);
      }
      const all = await gradeOnce(['all'], 1, path.join(tmp, `${b.name}-all-${r}.json`), [], b.cli);
      add(wall, b.name, all.wallS);
      add(cpu, `${b.name} all`, all.cpuS ?? NaN);
    }
  }
  const fmt = (xs: number[] | undefined) => (xs ?? []).map((x) => x.toFixed(1)).join(', ');
  const min = (xs: number[] | undefined) => Math.min(...(xs ?? [NaN]));
  const lines = [
    `### Before and after (GRADE_BENCH_BASE: ${describeBuild(baseDir)})`,
    '',
    `The build in GRADE_BENCH_BASE ("before") and this one ("after"), alternating, ${ROUNDS} rounds, seed 1, one run per test. ` +
      'CPU: the grade process and its workers (user + system). Load average at the end: ' +
      `${os.loadavg()[0].toFixed(1)}; on a shared machine wall times vary run to run, CPU less.`,
    '',
    '| command | before CPU s | after CPU s | after/before (best of each) |',
    '|---|---|---|---:|',
  ];
  for (const g of [...GROUPS.map((x) => x.join(' ')), 'all']) {
    const before = cpu.get(`before ${g}`);
    const after = cpu.get(`after ${g}`);
    const cmd =
      g === 'all'
        ? 'npm run grade -- all -n 1 --seed 1 (2 workers)'
        : `npm run grade -- ${g} -n 1 --seed 1 -p 1`;
    lines.push(
      `| \`${cmd}\` | ${fmt(before)} | ${fmt(after)} | ${(min(after) / min(before)).toFixed(2)} |`,
    );
  }
  lines.push(
    `| wall s of \`npm run grade -- all -n 1 --seed 1\` (2 workers) | ${fmt(wall.get('before'))} | ${fmt(wall.get('after'))} | ${(min(wall.get('after')) / min(wall.get('before'))).toFixed(2)} |`,
  );
  lines.push(
    '',
    'The slowest 3A/3B runs in a worker (`-p 1`), best real time of the rounds:',
    '',
    ...slowest(slow, 'before', 'after'),
  );
  return lines;
}

/**
 * The slowest tests of `b` (by their best real time in a worker), with their real ms and
 * virtual/real under `a` and `b`: keys of `runs` are "<a or b> <test>".
 */
function slowest(runs: Map<string, RunRecord[]>, a: string, b: string): string[] {
  const best = (k: string) =>
    (runs.get(k) ?? []).reduce<RunRecord | undefined>(
      (x, r) => (!x || r.realMs < x.realMs ? r : x),
      undefined,
    );
  const tests = [
    ...new Set(
      [...runs.keys()].filter((k) => k.startsWith(`${b} `)).map((k) => k.slice(b.length + 1)),
    ),
  ];
  const ranked = tests
    .map((t) => ({ t, after: best(`${b} ${t}`)!, before: best(`${a} ${t}`) }))
    .sort((x, y) => y.after.realMs - x.after.realMs);
  const lines = [
    `| test | virtual s | ${a} real ms | ${a} virtual/real | ${b} real ms | ${b} virtual/real |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const { t, after, before } of ranked.slice(0, 6)) {
    const x = before
      ? `${before.realMs.toFixed(0)} | ${(before.virtualMs / before.realMs).toFixed(0)}x`
      : '— | —';
    lines.push(
      `| ${t} | ${(after.virtualMs / 1000).toFixed(1)} | ${x} | ${after.realMs.toFixed(0)} | ${(after.virtualMs / after.realMs).toFixed(0)}x |`,
    );
  }
  return lines;
}

/**
 * This build with --fresh-modules (every run reloads the implementation, as before warm workers)
 * and without (the reference has no module-level state: its modules stay loaded, JIT-warm),
 * alternating, ROUNDS rounds: CPU and wall of 3A+3B on one worker and of `all` on the default
 * workers, the slowest 3A/3B runs' virtual/real, and whether every fingerprint is the same.
 */
async function freshVsWarm(tmp: string): Promise<string[]> {
  const modes = [
    { name: 'fresh', extra: ['--fresh-modules'] },
    { name: 'warm', extra: [] },
  ];
  const figures = new Map<string, number[]>();
  const slow = new Map<string, RunRecord[]>();
  const prints = new Map<string, Map<string, string | undefined>>();
  const add = <T>(m: Map<string, T[]>, k: string, v: T) => m.set(k, [...(m.get(k) ?? []), v]);
  let workers = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (const m of modes) {
      const kv = await gradeOnce(['3a', '3b'], 1, path.join(tmp, `${m.name}-3ab-${r}.json`), [
        '-p',
        '1',
        ...m.extra,
      ]);
      add(figures, `${m.name} 3ab cpu`, kv.cpuS ?? NaN);
      add(figures, `${m.name} 3ab wall`, kv.wallS);
      for (const rec of kv.file.results) add(slow, `${m.name} ${rec.test}`, rec);
      const all = await gradeOnce(['all'], 1, path.join(tmp, `${m.name}-all-${r}.json`), m.extra);
      workers = all.file.parallel;
      add(figures, `${m.name} all cpu`, all.cpuS ?? NaN);
      add(figures, `${m.name} all wall`, all.wallS);
      for (const rec of [...kv.file.results, ...all.file.results]) {
        const key = `${rec.test}/${rec.seed}/${r}/${kv.file.results.includes(rec) ? '3ab' : 'all'}`;
        prints.set(
          m.name,
          (prints.get(m.name) ?? new Map<string, string | undefined>()).set(key, rec.fingerprint),
        );
      }
    }
  }
  const fresh = prints.get('fresh') ?? new Map<string, string | undefined>();
  const warm = prints.get('warm') ?? new Map<string, string | undefined>();
  const same = [...fresh].filter(([k, f]) => f !== undefined && warm.get(k) === f).length;
  const fmt = (xs: number[] | undefined) => (xs ?? []).map((x) => x.toFixed(1)).join(', ');
  const min = (xs: number[] | undefined) => Math.min(...(xs ?? [NaN]));
  const lines = [
    '### Fresh modules for every run against warm workers',
    '',
    `This build, \`--fresh-modules\` ("fresh": a worker loads the implementation afresh for every run) against the default ("warm": ` +
      `src/ has no module-level state, so its modules stay loaded and JIT-warm in each worker), alternating, ${ROUNDS} rounds, seed 1. ` +
      `CPU: the grade process and its workers. Fingerprints: ${same}/${fresh.size} runs the same in both modes. Load average at the end: ${os.loadavg()[0].toFixed(1)}.`,
    '',
    '| figure | fresh | warm | warm/fresh (best of each) |',
    '|---|---|---|---:|',
  ];
  const rows: [string, string][] = [
    ['CPU s of `npm run grade -- 3a 3b -n 1 --seed 1 -p 1`', '3ab cpu'],
    ['wall s of `npm run grade -- 3a 3b -n 1 --seed 1 -p 1`', '3ab wall'],
    [`CPU s of \`npm run grade -- all -n 1 --seed 1\` (${workers} workers)`, 'all cpu'],
    [`wall s of \`npm run grade -- all -n 1 --seed 1\` (${workers} workers)`, 'all wall'],
  ];
  for (const [label, key] of rows) {
    const f = figures.get(`fresh ${key}`);
    const w = figures.get(`warm ${key}`);
    lines.push(`| ${label} | ${fmt(f)} | ${fmt(w)} | ${(min(w) / min(f)).toFixed(2)} |`);
  }
  lines.push(
    '',
    'The slowest 3A/3B runs in a worker (`-p 1`), best real time of the rounds:',
    '',
    ...slowest(slow, 'fresh', 'warm'),
  );
  return lines;
}

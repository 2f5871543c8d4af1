// Linearizability checker speed on porcupine's fixtures (test/data/porcupine) and on large
// generated key/value histories. With PORCUPINE_TEST set (porcupine's test binary, see
// bench/porcupine.ts), porcupine runs side by side in the same run and the ratios are measured;
// without it, the section shows our own figures only. CHECKER_BEFORE (another checkout, built)
// adds its `npm run check-history` as "before" (CHECKER_BEFORE_LABEL says which commit it is), and
// its search iterations on the same files.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  casRegisterModel,
  checkOperations,
  kvModel,
  parseHistory,
  type Model,
  type Operation,
} from '../checker';
import {
  fixturesDir,
  medianTiming,
  porcupineBenchmarks,
  ROUNDS,
  sideBySide,
  timed,
  type SideBySideRow,
  type Timing,
} from './porcupine';

export const title = 'Linearizability checker';
export const order = 40;

const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'data', 'porcupine');
const WARM_PASSES = 5;

interface Case {
  name: string;
  ops: Operation<unknown, unknown>[];
}

interface Pass {
  total: number;
  /** Process CPU time over the pass (includes V8's GC threads). */
  cpu: number;
  slowest: { name: string; ms: number };
  perFile: Map<string, number>;
  verdicts: Map<string, string>;
  iterations: number;
}

function load(dir: string, filter: (f: string) => boolean): Case[] {
  return fs
    .readdirSync(dir)
    .filter(filter)
    .sort()
    .map((f) => ({
      name: f,
      ops: parseHistory(fs.readFileSync(path.join(dir, f), 'utf8')).operations,
    }));
}

function pass(model: Model<any, any, any>, cases: Case[], partition: boolean): Pass {
  const perFile = new Map<string, number>();
  const verdicts = new Map<string, string>();
  let total = 0;
  let iterations = 0;
  let slowest = { name: '', ms: -1 };
  const cpuBefore = process.cpuUsage();
  for (const c of cases) {
    const result = checkOperations(model, c.ops, { partition });
    perFile.set(c.name, result.elapsedMs);
    verdicts.set(c.name, result.verdict);
    total += result.elapsedMs;
    iterations += result.partitions.reduce((sum, p) => sum + p.iterations, 0);
    if (result.elapsedMs > slowest.ms) slowest = { name: c.name, ms: result.elapsedMs };
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { total, cpu: (cpu.user + cpu.system) / 1000, slowest, perFile, verdicts, iterations };
}

/**
 * The first pass (as a CLI run sees it, JIT cold) and the fastest of several (warm); per file,
 * the fastest of that file's times, so a GC pause or a busy neighbour in one pass does not count.
 */
function measure(
  model: Model<any, any, any>,
  cases: Case[],
  partition: boolean,
  passes = WARM_PASSES,
): { cold: Pass; warm: Pass } {
  const cold = pass(model, cases, partition);
  let warm = cold;
  const best = new Map(cold.perFile);
  for (let i = 1; i < passes; i++) {
    const p = pass(model, cases, partition);
    for (const [name, ms] of p.perFile) best.set(name, Math.min(best.get(name)!, ms));
    if (p.total < warm.total) warm = p;
  }
  const slowestName = [...best.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  return {
    cold,
    warm: { ...warm, perFile: best, slowest: { name: slowestName, ms: best.get(slowestName)! } },
  };
}

const s = (ms: number) =>
  ms < 1000 ? `${ms.toFixed(ms < 10 ? 2 : 0)} ms` : `${(ms / 1000).toFixed(2)} s`;

export async function run(): Promise<string> {
  if (!fs.existsSync(FIXTURES)) throw new Error(`fixtures not found at ${FIXTURES}`);
  const porcupine = process.env.PORCUPINE_TEST;
  const before = process.env.CHECKER_BEFORE;
  const load0 = os.loadavg()[0];
  const lines: string[] = [];
  if (porcupine) {
    console.log('side by side with porcupine, whole processes:');
    const rows = sideBySide(porcupine, before, console.log);
    lines.push(...sideBySideTable(rows, before !== undefined), '', ...startCosts(rows), '');
  } else {
    lines.push(
      '(Run with PORCUPINE_TEST=path/to/porcupine.test to measure porcupine side by side: see bench/porcupine.ts.)',
      '',
    );
  }
  lines.push(...inProcess(porcupine, before, load0));
  return lines.join('\n');
}

const sec = (t: { wall: number; cpu: number }) => `${t.wall.toFixed(2)} s (${t.cpu.toFixed(2)} s)`;
const times = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

function sideBySideTable(rows: SideBySideRow[], withBefore: boolean): string[] {
  const ratio = (t: { wall: number; cpu: number }, p: { wall: number; cpu: number }) =>
    `${times(t.wall, p.wall)} (${times(t.cpu, p.cpu)})`;
  const withGo = rows.some((r) => r.goTest !== undefined);
  const columns = [
    'Workload',
    'porcupine',
    ...(withGo ? ['porcupine, go test'] : []),
    'ours, npm',
    'ours, node',
    ...(withBefore ? ['before, npm'] : []),
    'npm / porcupine, wall (CPU)',
    'node / porcupine, wall (CPU)',
    ...(withGo ? ['npm / go test, wall (CPU)'] : []),
    ...(withBefore ? ['before / porcupine, wall (CPU)'] : []),
    'verdicts',
  ];
  return [
    "Each workload as a whole process, side by side in this run: porcupine's own tests (its `go test -c` binary, `-test.run ...`: parsing",
    'and checking, its verdicts asserted) against `npm run check-history -- FILES` (npm, Node start, parsing, checking) and the same',
    'without npm (`node dist/checker/cli.js FILES`). Median of ' +
      `${ROUNDS}` +
      ' rounds (1 for the unpartitioned logs), rounds',
    'alternating; wall seconds, with CPU seconds (user + system, all threads) in brackets. Ratios below 1: we are faster.',
    ...(withGo
      ? [
          '"go test": porcupine through its own launcher (`go test -run ... -count=1` in its source directory, build cached), on its own',
          'fixtures only: the launcher-to-launcher counterpart of `npm run`.',
        ]
      : []),
    ...(withBefore
      ? [
          `"before": \`npm run check-history\` of ${process.env.CHECKER_BEFORE_LABEL ?? 'another checkout'}, measured in the same rounds.`,
        ]
      : []),
    '',
    `| ${columns.join(' | ')} |`,
    `|${columns.map(() => '---').join('|')}|`,
    ...rows.map((r) => {
      const na = '—';
      const cells = [r.name, sec(r.porcupine)];
      if (withGo) cells.push(r.goTest ? sec(r.goTest) : na);
      cells.push(sec(r.ours), sec(r.oursNode));
      if (withBefore) cells.push(sec(r.before!));
      cells.push(ratio(r.ours, r.porcupine), ratio(r.oursNode, r.porcupine));
      if (withGo) cells.push(r.goTest ? ratio(r.ours, r.goTest) : na);
      if (withBefore) cells.push(ratio(r.before!, r.porcupine));
      cells.push(r.agree ? 'all as expected' : '**differ**');
      return `| ${cells.join(' | ')} |`;
    }),
  ];
}

/**
 * What every process of ours pays before checking anything, measured apart: npm's start (the npm
 * column minus the node column) and Node's own (`node -e 0`). Where NODE_EXTRA_CA_CERTS is set
 * (as on this lab's machines), Node loads those certificates at every start; porcupine's binary
 * does not, so Node's start is also measured without it.
 */
function startCosts(rows: SideBySideRow[]): string[] {
  const npm = rows.map((r) => r.ours.wall - r.oursNode.wall).sort((a, b) => a - b)[
    Math.floor((rows.length - 1) / 2)
  ];
  const node = (env: NodeJS.ProcessEnv) => {
    const runs: Timing[] = [];
    for (let i = 0; i < 2 * ROUNDS; i++)
      runs.push(timed(process.execPath, ['-e', '0'], os.tmpdir(), env));
    return medianTiming(runs);
  };
  const withCerts = node(process.env);
  const lines = [
    `Start-up, apart: npm's own start (ours, npm minus ours, node; median over the workloads) ${npm.toFixed(2)} s; Node's own start`,
    `(\`node -e 0\`, median of ${2 * ROUNDS}) ${sec(withCerts)}`,
  ];
  if (process.env.NODE_EXTRA_CA_CERTS !== undefined) {
    const { NODE_EXTRA_CA_CERTS: _certs, ...env } = process.env;
    const without = node(env);
    lines[1] += `, of which ${(withCerts.wall - without.wall).toFixed(2)} s is reading the certificates NODE_EXTRA_CA_CERTS names`;
    lines.push(`(set in this environment; \`node -e 0\` without it: ${sec(without)}).`);
  } else {
    lines[1] += '.';
  }
  return lines;
}

/** Search iterations of another checkout's checker (CHECKER_BEFORE) on the same files: machine-independent effort. */
function iterationsOf(checkout: string, family: 'etcd' | 'kv', cases: Case[]): number {
  const lib = require(path.join(checkout, 'dist', 'checker')) as typeof import('../checker');
  const model: Model<any, any, any> = family === 'etcd' ? lib.casRegisterModel : lib.kvModel;
  return cases.reduce(
    (sum, c) =>
      sum + lib.checkOperations(model, c.ops).partitions.reduce((n, p) => n + p.iterations, 0),
    0,
  );
}

function inProcess(
  porcupine: string | undefined,
  before: string | undefined,
  load0: number,
): string[] {
  const etcd = load(
    path.join(FIXTURES, 'jepsen'),
    (f) => /^etcd_\d+\.log$/.test(f) && f !== 'etcd_095.log',
  );
  const kvAll = load(path.join(FIXTURES, 'kv'), (f) => /^c\d+-(ok|bad)\.txt$/.test(f));
  const e = measure(casRegisterModel, etcd, false);
  const kp = measure(kvModel, kvAll, true);
  let goEtcd = '—';
  let goKv = '—';
  if (porcupine) {
    const data = fixturesDir('checker-bench-');
    try {
      const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0) / 1e6;
      const etcdNs = porcupineBenchmarks(porcupine, '^BenchmarkEtcdJepsen', data.dir);
      const kvNs = porcupineBenchmarks(
        porcupine,
        '^BenchmarkKv(1Client|10Clients|50Clients)(Ok|Bad)$',
        data.dir,
      );
      goEtcd = `${s(sum(etcdNs))} (${etcdNs.size} benchmarks)`;
      goKv = `${s(sum(kvNs))} (${kvNs.size} benchmarks)`;
      goEtcd += `; warm ours / Go ${times(e.warm.total, sum(etcdNs))}`;
      goKv += `; warm ours / Go ${times(kp.warm.total, sum(kvNs))}`;
    } finally {
      data.remove();
    }
  }
  return [
    'Checking only, in one process (parsing excluded), as `checkOperations` reports it; no time limit. "Cold" is the first pass in a',
    `fresh process (JIT cold, as a check-history run); "warm" the fastest of ${WARM_PASSES} passes (per file, its fastest time). Go: porcupine's own`,
    'benchmarks on the same files (`-test.bench`, 5 iterations each, ns/op summed), run just after ours. Load average',
    `${load0.toFixed(1)} on ${os.cpus().length} CPUs when this section started; the warm pass's process CPU time is in brackets.`,
    '',
    `| Family | Files | Cold total | Warm total (CPU) | Slowest (warm) | Search iterations${before ? ' (before)' : ''} | Go, warm (check only) |`,
    '|---|---|---|---|---|---|---|',
    `| etcd Jepsen logs, cas-register | ${etcd.length} | ${s(e.cold.total)} | ${s(e.warm.total)} (${s(e.warm.cpu)}) | ${s(e.warm.slowest.ms)} (${e.warm.slowest.name}) | ${e.warm.iterations}${before ? ` (${iterationsOf(before, 'etcd', etcd)})` : ''} | ${goEtcd} |`,
    `| kv logs, partitioned by key | ${kvAll.length} | ${s(kp.cold.total)} | ${s(kp.warm.total)} (${s(kp.warm.cpu)}) | ${s(kp.warm.slowest.ms)} (${kp.warm.slowest.name}) | ${kp.warm.iterations}${before ? ` (${iterationsOf(before, 'kv', kvAll)})` : ''} | ${goKv} |`,
    '',
    'The 50-client kv logs are not checked unpartitioned: searched as a whole they reach the default memory limit (2 GiB) and end',
    '"unknown" (porcupine\'s own tests skip them too).',
  ];
}

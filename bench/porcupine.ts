// Side by side with porcupine (the Go checker), in one run: each workload as a whole process,
// porcupine's own tests against `npm run check-history` (process start, parsing and checking
// included; and the same without npm, `node dist/checker/cli.js`), rounds
// alternating so a busy neighbour hurts both alike. Only run when
// PORCUPINE_TEST names porcupine's test binary, built out of tree from its public repository:
//   git clone https://github.com/anishathalye/porcupine && cd porcupine && go test -c -o porcupine.test
// (no external modules). Its tests read `test_data/...` from their working directory: we give
// them our copy of the same files, and for generated histories a directory where the history
// stands in for c50-ok.txt / c50-bad.txt (so its TestKv50ClientsOk/Bad check them, with their
// expected verdicts). CHECKER_BEFORE may name another checkout of this project (built) whose
// `npm run check-history` is measured too, as "before". When the binary sits in porcupine's source
// directory and `go` is on PATH, porcupine is also timed through its own launcher, `go test`
// (build cached), on its own fixtures: the counterpart of our `npm run`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kvHistoryPair, type KvHistoryShape } from './kv-histories';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'data', 'porcupine');
const CLI = path.join(ROOT, 'dist', 'checker', 'cli.js');
/** Rounds per workload (the unpartitioned logs, 25 s for porcupine, get one). */
export const ROUNDS = 5;

export interface Timing {
  wall: number;
  cpu: number;
  status: number;
}

interface Workload {
  name: string;
  /** porcupine's tests to run (-test.run), and the directory holding their test_data/. */
  porcupineRun: string;
  porcupineDir: string;
  /** The workload is porcupine's own test_data (so `go test` in its source directory checks it too). */
  ownData: boolean;
  /** check-history arguments. */
  ours: string[];
  rounds: number;
}

export interface SideBySideRow {
  name: string;
  porcupine: Timing;
  /** `go test -run ... -count=1` in porcupine's source directory (its launcher's start included), if measured. */
  goTest?: Timing;
  /** `npm run check-history -- FILES`, npm's start included. */
  ours: Timing;
  /** `node dist/checker/cli.js FILES`: the same run without npm. */
  oursNode: Timing;
  before?: Timing;
  /** Both checkers gave the expected verdicts (porcupine's tests passed; our statuses). */
  agree: boolean;
}

/** Wall and CPU (user + system, children included) seconds of one process, via /usr/bin/time. */
export function timed(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Timing {
  const out = path.join(os.tmpdir(), `bench-time-${process.pid}.txt`);
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', '-o', out, command, ...args], {
    cwd,
    env,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const [wall, user, sys] = fs
    .readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .pop()!
    .split(' ')
    .map(Number);
  fs.rmSync(out, { force: true });
  return { wall, cpu: user + sys, status: r.status ?? -1 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

export function medianTiming(ts: Timing[]): Timing {
  return {
    wall: median(ts.map((t) => t.wall)),
    cpu: median(ts.map((t) => t.cpu)),
    status: Math.max(...ts.map((t) => t.status)),
  };
}

/** A directory whose test_data/ is our copy of porcupine's data, or holds one generated pair. */
function testDataDir(scratch: string, name: string, pair?: { ok: string; bad: string }): string {
  const dir = path.join(scratch, name);
  fs.mkdirSync(path.join(dir, 'test_data'), { recursive: true });
  if (pair) {
    fs.mkdirSync(path.join(dir, 'test_data', 'kv'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'test_data', 'kv', 'c50-ok.txt'), pair.ok);
    fs.writeFileSync(path.join(dir, 'test_data', 'kv', 'c50-bad.txt'), pair.bad);
  } else {
    fs.symlinkSync(path.join(FIXTURES, 'jepsen'), path.join(dir, 'test_data', 'jepsen'));
    fs.symlinkSync(path.join(FIXTURES, 'kv'), path.join(dir, 'test_data', 'kv'));
  }
  return dir;
}

/** Large generated histories: many operations per key, few clients per key (the search stays feasible for both). */
export const GENERATED: KvHistoryShape[] = [
  { name: '10 clients × 1000 ops, 10 keys', clients: 10, perClient: 1000, keys: 10, seed: 1 },
  { name: '20 clients × 500 ops, 20 keys', clients: 20, perClient: 500, keys: 20, seed: 2 },
  { name: '30 clients × 300 ops, 30 keys', clients: 30, perClient: 300, keys: 30, seed: 3 },
  { name: '50 clients × 200 ops, 50 keys', clients: 50, perClient: 200, keys: 50, seed: 4 },
];

function workloads(scratch: string): Workload[] {
  const data = testDataDir(scratch, 'fixtures');
  const jepsen = fs
    .readdirSync(path.join(FIXTURES, 'jepsen'))
    .filter((f) => /^etcd_\d+\.log$/.test(f) && f !== 'etcd_095.log')
    .sort()
    .map((f) => path.join(FIXTURES, 'jepsen', f));
  const kv = (re: RegExp) =>
    fs
      .readdirSync(path.join(FIXTURES, 'kv'))
      .filter((f) => re.test(f))
      .sort()
      .map((f) => path.join(FIXTURES, 'kv', f));
  const list: Workload[] = [
    {
      name: '102 etcd logs (cas-register)',
      porcupineRun: '^TestEtcdJepsen',
      porcupineDir: data,
      ownData: true,
      ours: jepsen,
      rounds: ROUNDS,
    },
    {
      name: '6 kv logs, partitioned by key',
      porcupineRun: '^TestKv(1Client|10Clients|50Clients)(Ok|Bad)$',
      porcupineDir: data,
      ownData: true,
      ours: kv(/^c\d+-(ok|bad)\.txt$/),
      rounds: ROUNDS,
    },
    {
      name: 'kv logs c01, c10 unpartitioned',
      porcupineRun: '^TestKvNoPartition',
      porcupineDir: data,
      ownData: true,
      ours: ['--no-partition', ...kv(/^c(01|10)-(ok|bad)\.txt$/)],
      rounds: 1,
    },
  ];
  for (const shape of GENERATED) {
    const dir = testDataDir(scratch, `generated-${shape.seed}`, kvHistoryPair(shape));
    const files = ['c50-ok.txt', 'c50-bad.txt'].map((f) => path.join(dir, 'test_data', 'kv', f));
    list.push({
      name: `generated kv, ${shape.name}, legal + stale read`,
      porcupineRun: '^TestKv50Clients(Ok|Bad)$',
      porcupineDir: dir,
      ownData: false,
      ours: files,
      rounds: ROUNDS,
    });
  }
  return list;
}

/** Exit status check-history must give: the highest over the files (1 if one is illegal). */
function expectedStatus(w: Workload): number {
  return w.ours.some(
    (f) =>
      /-bad\.txt$/.test(f) ||
      (/etcd_\d+\.log$/.test(f) &&
        !/_(002|005|007|018|025|031|038|045|048|049|051|053|056|067|075|076|080|087|092|098|100|101|102)\./.test(
          f,
        )),
  )
    ? 1
    : 0;
}

/** porcupine's source directory, if `go test` can run there (the binary beside go.mod, `go` on PATH). */
export function goSourceDir(porcupineTest: string): string | undefined {
  const dir = path.dirname(path.resolve(porcupineTest));
  if (!fs.existsSync(path.join(dir, 'go.mod'))) return undefined;
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0 ? dir : undefined;
}

export function sideBySide(
  porcupineTest: string,
  before: string | undefined,
  log: (line: string) => void,
): SideBySideRow[] {
  const goDir = goSourceDir(porcupineTest);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'checker-vs-porcupine-'));
  // Compile now if needed, so that no measured run of ours includes it.
  spawnSync(process.execPath, ['-r', './harness/build-if-stale.js', '-e', '0'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  try {
    const rows: SideBySideRow[] = [];
    for (const w of workloads(scratch)) {
      const runs: {
        porcupine: Timing[];
        goTest: Timing[];
        ours: Timing[];
        oursNode: Timing[];
        before: Timing[];
      } = { porcupine: [], goTest: [], ours: [], oursNode: [], before: [] };
      for (let round = 0; round < w.rounds; round++) {
        runs.porcupine.push(
          timed(porcupineTest, ['-test.run', w.porcupineRun, '-test.count=1'], w.porcupineDir),
        );
        if (goDir && w.ownData)
          runs.goTest.push(timed('go', ['test', '-run', w.porcupineRun, '-count=1', '.'], goDir));
        runs.ours.push(timed('npm', ['run', '-s', 'check-history', '--', ...w.ours], ROOT));
        runs.oursNode.push(timed(process.execPath, [CLI, ...w.ours], ROOT));
        if (before)
          runs.before.push(timed('npm', ['run', '-s', 'check-history', '--', ...w.ours], before));
      }
      const row: SideBySideRow = {
        name: w.name,
        porcupine: medianTiming(runs.porcupine),
        ...(runs.goTest.length > 0 ? { goTest: medianTiming(runs.goTest) } : {}),
        ours: medianTiming(runs.ours),
        oursNode: medianTiming(runs.oursNode),
        ...(before ? { before: medianTiming(runs.before) } : {}),
        agree: false,
      };
      const want = expectedStatus(w);
      row.agree =
        row.porcupine.status === 0 &&
        (row.goTest?.status ?? 0) === 0 &&
        [...runs.ours, ...runs.oursNode, ...runs.before].every((t) => t.status === want);
      log(
        `  ${w.name}: porcupine ${row.porcupine.wall} s${row.goTest ? ` (go test ${row.goTest.wall} s)` : ''}, ours ${row.ours.wall} s (node ${row.oursNode.wall} s)${row.before ? `, before ${row.before.wall} s` : ''}${row.agree ? '' : ' (VERDICTS DIFFER)'}`,
      );
      rows.push(row);
    }
    return rows;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** porcupine's own benchmarks (check only, warm): total ns per pass over the benchmarks matching `pattern`. */
export function porcupineBenchmarks(
  porcupineTest: string,
  pattern: string,
  cwd: string,
): Map<string, number> {
  const r = spawnSync(
    porcupineTest,
    ['-test.run', '^$', '-test.bench', pattern, '-test.benchtime', '5x'],
    { cwd, encoding: 'utf8', maxBuffer: 2 ** 26 },
  );
  const perBench = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(Benchmark\w+?)(?:-\d+)?\s+\d+\s+(\d+) ns\/op/.exec(line);
    if (m) perBench.set(m[1], Number(m[2]));
  }
  return perBench;
}

export function fixturesDir(scratchName: string): { dir: string; remove: () => void } {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), scratchName));
  return {
    dir: testDataDir(scratch, 'fixtures'),
    remove: () => fs.rmSync(scratch, { recursive: true, force: true }),
  };
}

// What bounds the slowest key/value tests (the target of running every 3A/3B test at least 100×
// faster than virtual time). Each test runs warm, as graded and then with the harness's own work per message
// and per save taken away: the copy of every message, the trace that every event feeds into the
// fingerprint, the persister's copies, and finally all of them together with the test's checks
// (the Raft safety oracle; the linearizability check's time is subtracted). What is left is
// simulating the run itself: Raft, the service, the simulator and the network. The ablations
// break what the harness guarantees, so they are patched in here, in a child process of their
// own, and never exist in the harness. Run with `npm run bench -- floor`.
import { executeRun } from '../labs/run';
import { fork } from 'node:child_process';
import * as os from 'node:os';
import * as codec from '../engine/codec';
import { observeChecks } from '../labs/lab3/kv-check';
import { oracleDefaults } from '../labs/lab2/raft-oracle';
import { Implementation } from '../harness/impl';
import { Persister } from '../engine/persister';
import { Trace } from '../engine/sim/trace';
import { findScenario } from '../labs';
import { fmt } from './kv-runs';
import { profileLayers } from './profile';

export const title = 'What bounds the slowest key/value tests';
export const order = 31;

/** The 3A/3B tests with the lowest warm ratios (the grader section's slowest tests). */
const TESTS = ['TestSnapshotRecoverManyClients3B', 'TestConcurrent3A', 'TestPersistConcurrent3A'];
const SEEDS = [1, 2];
const ROUNDS = 4;

interface Ablation {
  name: string;
  /** Patches the harness; returns the undo. */
  apply(): () => void;
  /** Also subtracts the linearizability check's real time. */
  withoutChecker?: boolean;
}

/** Every message reaches its receiver as the sender's own object, uncounted (0 bytes). */
function noMessageCopies(): () => void {
  const proto = codec.WireCodec.prototype;
  const pack = proto.pack;
  proto.pack = (value) => ({
    byteLength: 0,
    bytes: () => new Uint8Array(0),
    open: () => value,
  });
  return () => {
    proto.pack = pack;
  };
}

/** Trace records are counted, not formatted or hashed (every fingerprint is the same). */
function noTrace(): () => void {
  const record = Trace.prototype.record;
  Trace.prototype.record = function (this: Trace) {
    this.count++;
  };
  return () => {
    Trace.prototype.record = record;
  };
}

/** A save keeps the caller's arrays instead of copying them (and never compares snapshots). */
function noPersisterCopies(): () => void {
  const slot = Object.getPrototypeOf(
    (new Persister() as unknown as { raftState: object }).raftState,
  ) as {
    set(bytes: Uint8Array): void;
    equals(bytes: Uint8Array): boolean;
  };
  const { set, equals } = slot;
  slot.set = function (this: { buffer: Uint8Array; length: number }, bytes: Uint8Array) {
    this.buffer = bytes;
    this.length = bytes.length;
  };
  slot.equals = () => false;
  return () => {
    slot.set = set;
    slot.equals = equals;
  };
}

function noOracle(): () => void {
  oracleDefaults.enabled = false;
  return () => {
    oracleDefaults.enabled = true;
  };
}

const all =
  (...patches: (() => () => void)[]) =>
  () => {
    const undo = patches.map((p) => p());
    return () => undo.reverse().forEach((u) => u());
  };

const ABLATIONS: Ablation[] = [
  { name: 'as graded', apply: () => () => {} },
  { name: 'no message copies', apply: noMessageCopies },
  { name: 'no trace', apply: noTrace },
  { name: 'no persister copies', apply: noPersisterCopies },
  {
    name: 'none of these, no oracle, no checker',
    apply: all(noMessageCopies, noTrace, noPersisterCopies, noOracle),
    withoutChecker: true,
  },
];

interface Sum {
  virtualMs: number;
  realMs: number;
  runs: number;
  failed: number;
}

type Profile = Awaited<ReturnType<typeof profileLayers>>;

interface WorkerResult {
  sums: Record<string, Sum>;
  profile?: Profile;
}

/**
 * One configuration in a process of its own: patching a prototype deoptimizes whatever inlined it,
 * so configurations that shared a process would slow each other down. Warms up, then times.
 */
async function measure(ablation: Ablation, profile: boolean): Promise<WorkerResult> {
  const impl = new Implementation();
  const scenarios = TESTS.map((name) => findScenario(name)!);
  let checkerMs = 0;
  observeChecks((o) => {
    checkerMs += o.elapsedMs;
  });
  ablation.apply();
  const sums: Record<string, Sum> = {};
  for (const timed of [false, true]) {
    for (const scenario of scenarios) {
      const sum: Sum = { virtualMs: 0, realMs: 0, runs: 0, failed: 0 };
      for (const seed of SEEDS) {
        checkerMs = 0;
        const started = performance.now();
        const result = await executeRun({ test: scenario.name, seed, implDir: impl.dir });
        sum.realMs += performance.now() - started - (ablation.withoutChecker ? checkerMs : 0);
        sum.virtualMs += result.virtualMs;
        sum.runs++;
        if (!result.passed) sum.failed++;
      }
      if (timed) sums[scenario.name] = sum;
    }
  }
  if (!profile) return { sums };
  return {
    sums,
    profile: await profileLayers(() =>
      executeRun({ test: scenarios[0].name, seed: SEEDS[0], implDir: impl.dir }),
    ),
  };
}

function inChild(ablation: number, profile: boolean): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [String(ablation), profile ? 'profile' : ''], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let result: WorkerResult | undefined;
    child.on('message', (m) => (result = m as WorkerResult));
    child.on('error', reject);
    child.on('exit', (code) =>
      result && code === 0
        ? resolve(result)
        : reject(new Error(`floor bench: ${ABLATIONS[ablation].name} exited with ${code}`)),
    );
  });
}

export async function run(): Promise<string> {
  const load0 = os.loadavg()[0];
  const sums = new Map<string, Sum>();
  const last = ABLATIONS.length - 1;
  const profiles: Profile[] = [];
  // Rounds alternate the configurations, so machine load falls on each alike. The last round also
  // profiles the heaviest test as graded and with everything taken away.
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < ABLATIONS.length; i++) {
      const result = await inChild(i, round === ROUNDS - 1 && (i === 0 || i === last));
      if (result.profile) profiles[i] = result.profile;
      for (const [test, s] of Object.entries(result.sums)) {
        const key = `${test}|${ABLATIONS[i].name}`;
        const sum = sums.get(key) ?? { virtualMs: 0, realMs: 0, runs: 0, failed: 0 };
        sums.set(key, {
          virtualMs: sum.virtualMs + s.virtualMs,
          realMs: sum.realMs + s.realMs,
          runs: sum.runs + s.runs,
          failed: sum.failed + s.failed,
        });
      }
    }
  }
  return report(sums, profiles[0], profiles[last], load0, os.loadavg()[0]);
}

const shareOf = (profile: Profile, layer: RegExp) =>
  profile.layers.filter((l) => layer.test(l.layer)).reduce((a, l) => a + l.share, 0);

function report(
  sums: Map<string, Sum>,
  graded: Profile,
  floor: Profile,
  load0: number,
  load1: number,
): string {
  const header = `| test | ${ABLATIONS.map((a) => a.name).join(' | ')} |`;
  const rule = `|---|${ABLATIONS.map(() => '---:').join('|')}|`;
  const rows = TESTS.map((test) => {
    const cells = ABLATIONS.map((a) => {
      const s = sums.get(`${test}|${a.name}`)!;
      const ratio = s.virtualMs / s.realMs;
      return `${fmt(s.realMs / s.runs)} ms, **${fmt(ratio)}×**${s.failed ? ` (${s.failed} failed)` : ''}`;
    });
    return `| ${test} | ${cells.join(' | ')} |`;
  });
  const sumOf = (ablation: Ablation) => sums.get(`${TESTS[0]}|${ablation.name}`)!;
  const gradedSum = sumOf(ABLATIONS[0]);
  const floorSum = sumOf(ABLATIONS[ABLATIONS.length - 1]);
  const virtualMs = gradedSum.virtualMs / gradedSum.runs;
  // As graded, the codec's time is mostly message copies: the implementation is Raft and the
  // service alone (so the estimate leaves it some of its time, and errs towards more time left).
  const gradedReference = shareOf(graded, /^(Raft|key\/value service)/);
  const gradedFree = (gradedSum.realMs / gradedSum.runs) * (1 - gradedReference);
  // With message copies gone, the codec's time left is the implementation's own encodes. The
  // profiled run includes the linearizability check, which the column's figure does not.
  const floorReference = shareOf(floor, /^(Raft|key\/value service|codec)/);
  const floorChecker = shareOf(floor, /^linearizability checker/);
  const floorFree =
    ((floorSum.realMs / floorSum.runs) * (1 - floorChecker - floorReference)) / (1 - floorChecker);
  const layers = graded.layers
    .map((l) => l.layer)
    .filter((layer) =>
      graded.layers.concat(floor.layers).some((l) => l.layer === layer && l.share >= 0.01),
    );
  const cell = (p: Profile, layer: string) => {
    const l = p.layers.find((x) => x.layer === layer);
    return l ? `${fmt(l.ms)} ms, ${fmt(l.share * 100, 1)} %` : '—';
  };
  return [
    `Warm runs, seeds ${SEEDS.join(' and ')}: each column in a process of its own (after a warm-up run of each test and seed), ${ROUNDS} rounds alternating the columns; load ${load0.toFixed(1)} → ${load1.toFixed(1)}. Each cell: real ms per run, then virtual time / real time. The last column also subtracts the linearizability check's time.`,
    '',
    header,
    rule,
    ...rows,
    '',
    `Where the time goes in ${TESTS[0]}, as graded and with everything taken away (one more run of each, seed ${SEEDS[0]}, under the profiler; self time by layer):`,
    '',
    `| layer | ${ABLATIONS[0].name} | ${ABLATIONS[ABLATIONS.length - 1].name} |`,
    '|---|---:|---:|',
    ...layers.map((layer) => `| ${layer} | ${cell(graded, layer)} | ${cell(floor, layer)} |`),
    '',
    "Two estimates from these shares (a layer's share taken off the measured time):",
    `- Were Raft and the service free, with the harness as graded: about ${fmt(gradedFree)} ms for ${fmt(virtualMs / 1000, 1)} s of virtual time, **${fmt(virtualMs / gradedFree)}×**.`,
    `- Were they free and everything above taken away (their encodes included): about ${fmt(floorFree)} ms, **${fmt(virtualMs / floorFree)}×**.`,
  ].join('\n');
}

if (require.main === module) {
  const ablation = ABLATIONS[Number(process.argv[2])];
  measure(ablation, process.argv[3] === 'profile').then(
    (result) => process.send!(result, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

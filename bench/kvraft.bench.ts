// Key/value service (3A–3B) on one seed: per test, virtual time, RPCs, operations and real time
// beside the figures of a public Go solution to the 2022 labs on the original suites (copied below), the
// linearizability checker's real time, the speed tests' operations per virtual second, and the
// whole run's real and CPU time. Run with `npm run bench -- kvraft`.
import { executeRun } from '../labs/run';
import * as os from 'node:os';
import { SPEED_OPS } from '../labs/lab3/kv-generic';
import { Implementation } from '../harness/impl';
import { findScenario, partTests } from '../labs';
import { fmt, runWithChecks } from './kv-runs';
import { profileLayers, type LayerTime } from './profile';

export const title = 'Key/value service 3A–3B';
export const order = 30;

const SEED = 1;
/** Profile layers (bench/profile.ts) that are about moving bytes rather than simulating. */
const BYTES_LAYERS = [
  'MessagePack encode/decode (library)',
  'persister copies (engine/persister)',
  'garbage collection',
];

/** The Go solution, one run on the original suites (wall s of the test, then its Passed line). */
export const GO: Record<
  string,
  { wall: number; time: number; peers: number; rpcs: number; ops: number }
> = {
  TestBasic3A: { wall: 15.08, time: 15.1, peers: 5, rpcs: 21131, ops: 3182 },
  TestSpeed3A: { wall: 1.74, time: 1.7, peers: 3, rpcs: 8423, ops: 0 },
  TestConcurrent3A: { wall: 15.26, time: 15.3, peers: 5, rpcs: 20717, ops: 4432 },
  TestUnreliable3A: { wall: 17.45, time: 17.5, peers: 5, rpcs: 4212, ops: 583 },
  TestUnreliableOneKey3A: { wall: 3.25, time: 3.2, peers: 3, rpcs: 266, ops: 52 },
  // Three sections in the original (0.8 + 1.0 + 1.0 s; 69 + 111 + 48 RPCs; 2 + 3 + 3 ops).
  TestOnePartition3A: { wall: 3.14, time: 2.8, peers: 5, rpcs: 228, ops: 8 },
  TestManyPartitionsOneClient3A: { wall: 22.65, time: 22.7, peers: 5, rpcs: 57384, ops: 3015 },
  TestManyPartitionsManyClients3A: { wall: 22.97, time: 23.0, peers: 5, rpcs: 131967, ops: 3928 },
  TestPersistOneClient3A: { wall: 19.53, time: 19.5, peers: 5, rpcs: 31811, ops: 3305 },
  TestPersistConcurrent3A: { wall: 19.75, time: 19.7, peers: 5, rpcs: 28758, ops: 4353 },
  TestPersistConcurrentUnreliable3A: { wall: 22.95, time: 23.0, peers: 5, rpcs: 5005, ops: 662 },
  TestPersistPartition3A: { wall: 27.35, time: 27.4, peers: 5, rpcs: 62188, ops: 4761 },
  TestPersistPartitionUnreliable3A: { wall: 30.79, time: 30.8, peers: 5, rpcs: 5238, ops: 552 },
  TestPersistPartitionUnreliableLinearizable3A: {
    wall: 34.4,
    time: 34.4,
    peers: 7,
    rpcs: 15362,
    ops: 1189,
  },
  TestSnapshotRPC3B: { wall: 3.42, time: 3.4, peers: 3, rpcs: 6006, ops: 63 },
  TestSnapshotSize3B: { wall: 1.12, time: 1.1, peers: 3, rpcs: 8558, ops: 800 },
  TestSpeed3B: { wall: 1.33, time: 1.3, peers: 3, rpcs: 10075, ops: 0 },
  TestSnapshotRecover3B: { wall: 19.31, time: 19.3, peers: 5, rpcs: 80079, ops: 12959 },
  TestSnapshotRecoverManyClients3B: { wall: 20.02, time: 20.0, peers: 5, rpcs: 155110, ops: 79090 },
  TestSnapshotUnreliable3B: { wall: 18.64, time: 18.6, peers: 5, rpcs: 4775, ops: 673 },
  TestSnapshotUnreliableRecover3B: { wall: 22.02, time: 22.0, peers: 5, rpcs: 5456, ops: 713 },
  TestSnapshotUnreliableRecoverConcurrentPartition3B: {
    wall: 29.0,
    time: 29.0,
    peers: 5,
    rpcs: 4464,
    ops: 366,
  },
  TestSnapshotUnreliableRecoverConcurrentPartitionLinearizable3B: {
    wall: 39.46,
    time: 39.5,
    peers: 7,
    rpcs: 13816,
    ops: 942,
  },
};
/** Wall and CPU seconds of the Go solution's whole 3A and 3B runs. */
const GO_TOTAL = { wall: 256.7 + 154.7, cpu: 127.1 + 46.4 };

export async function run(): Promise<string> {
  const impl = new Implementation();
  const load0 = os.loadavg()[0];
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const rows = await runWithChecks([...partTests('3A'), ...partTests('3B')], SEED, impl);
  const wall = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // Where the time goes, in the tests that cost the most (run again, same seed, under the profiler).
  const heaviest = [...rows].sort((a, b) => b.result.realMs - a.result.realMs).slice(0, 2);
  const profiles: { test: string; layers: LayerTime[]; totalMs: number }[] = [];
  for (const { result: r } of heaviest) {
    const scenario = findScenario(r.test)!;
    const { layers, totalMs } = await profileLayers(() =>
      executeRun({ test: scenario.name, seed: SEED, implDir: impl.dir }),
    );
    profiles.push({ test: r.test, layers, totalMs });
  }
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const ported = rows.filter((r) => GO[r.result.test]);
  const portedReal = ported.reduce((s, r) => s + r.result.realMs, 0) / 1000;
  const failed = rows.filter((r) => !r.result.passed);

  const lines: string[] = [];
  lines.push(
    `Every 3A/3B test (and our delete tests) once, on seed ${SEED}, with the reference implementation; each row is one run.`,
    'Go columns: the Go solution on the original suite (real time, so compare its seconds with our *virtual* seconds,',
    "and its wall time with our *real* time). Ops: recorded clerk operations (the course's last column).",
    '',
    '| test | virt s | Go s | RPCs | Go RPCs | ops | Go ops | real ms | checker ms (ops checked) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const { result: r, checkMs, checkedOps } of rows) {
    const go = GO[r.test];
    const status = r.passed ? '' : ' **FAILED**';
    const checker = checkedOps > 0 ? `${fmt(checkMs, 1)} (${fmt(checkedOps)})` : '—';
    lines.push(
      `| ${r.test}${go ? '' : ' (ours)'}${status} | ${fmt(r.virtualMs / 1000, 1)} | ${go ? fmt(go.time, 1) : '—'} | ${fmt(r.stats?.rpcs)} | ${go ? fmt(go.rpcs) : '—'} | ${fmt(r.stats?.commands)} | ${go ? fmt(go.ops) : '—'} | ${fmt(r.realMs)} | ${checker} |`,
    );
  }
  lines.push(...rpcsAboveGo(rows.map((r) => r.result)));
  lines.push(
    '',
    '**Speed tests** (1000 appends from one clerk; the bound is 100/3 ms per operation in virtual time):',
    '',
  );
  for (const r of rows.filter((x) => /^TestSpeed3[AB]$/.test(x.result.test))) {
    const m = r.result.output.join('\n').match(/(\d+) appends in ([\d.]+) virtual s/);
    const secs = m ? Number(m[2]) : undefined;
    const rate = secs
      ? `${fmt(SPEED_OPS / secs)} ops per virtual second (${fmt((secs * 1000) / SPEED_OPS, 2)} ms per op)`
      : 'no figure';
    const go = GO[r.result.test];
    lines.push(
      `- ${r.result.test}: ${rate}; Go: ${fmt(SPEED_OPS / go.wall)} ops/s (${fmt((go.wall * 1000) / SPEED_OPS, 2)} ms per op, wall time of the whole test).`,
    );
  }
  lines.push(
    '',
    `**Whole run**: ${rows.length} tests (${ported.length} ported + ${rows.length - ported.length} delete tests) in ${fmt(wall, 1)} s real, ${fmt(cpuS, 1)} s CPU in one process;` +
      ` the ${ported.length} ported tests alone ${fmt(portedReal, 1)} s real. Go's 3A+3B: ${fmt(GO_TOTAL.wall, 1)} s wall, ${fmt(GO_TOTAL.cpu, 1)} s CPU.` +
      (failed.length > 0
        ? ` **${failed.length} failed:** ${failed.map((r) => r.result.test).join(', ')}.`
        : ' All passed.') +
      ` Real time depends on the machine's load (shared): load average ${load0.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end; CPU time is the steadier figure.`,
    '',
    'Reading the columns: a clerk operation takes about 16 ms of virtual time on a reliable network: four messages',
    '(clerk to leader, AppendEntries and its reply, the answer) of 1–5 ms each, and the reference Raft batches',
    'start() for 5 ms. One clerk therefore does fewer operations than in Go, and many concurrent clerks do more (their',
    "requests share the leader's batches). The checker's time is real time for the whole recorded history of the test.",
  );
  const layerNames = [
    ...new Set(
      profiles.flatMap((p) => p.layers.filter((l) => l.share >= 0.01).map((l) => l.layer)),
    ),
  ];
  lines.push(
    '',
    `**Where the time goes** in the ${profiles.length} slowest tests (V8's CPU profiler, self time summed by layer; same seed, run again):`,
    '',
    `| layer | ${profiles.map((p) => `${p.test} (${fmt(p.totalMs)} ms profiled)`).join(' | ')} |`,
    `|---|${profiles.map(() => '---:').join('|')}|`,
    ...layerNames.map(
      (name) =>
        `| ${name} | ${profiles
          .map((p) => {
            const l = p.layers.find((x) => x.layer === name);
            return l ? `${fmt(l.share * 100, 1)}%` : '—';
          })
          .join(' | ')} |`,
    ),
    '',
    "Raft saves its whole state (log included) in every persister.save(), as the course's persister requires, and the",
    'service puts its whole store in every snapshot. The reference keeps the encodings of what did not change since the',
    'last save (each complete block of 32 log entries, src/raft/log-encoding.ts; each [key, value] pair whose value is',
    'unchanged, src/kvraft/pair-encodings.ts) and assembles the same bytes from them (src/raft/frame.ts),',
    'so with long logs or large values the cost left is in allocating and copying the saved bytes and in the messages:',
    `MessagePack, the persister's copies and garbage collection together take ${profiles
      .map(
        (p) =>
          `${fmt(100 * p.layers.filter((l) => BYTES_LAYERS.includes(l.layer)).reduce((a, l) => a + l.share, 0), 0)}% (${p.test})`,
      )
      .join(' and ')}.`,
  );
  return lines.join('\n');
}

/**
 * The tests whose RPC total is above the Go solution's, per operation as well: these tests run
 * their clerks for a fixed time (the original bounds no RPC count in them), so a total grows with
 * the operations done.
 */
function rpcsAboveGo(
  results: { test: string; stats?: { rpcs: number; commands: number } }[],
): string[] {
  const above = results.filter((r) => GO[r.test] && (r.stats?.rpcs ?? 0) > GO[r.test].rpcs);
  if (above.length === 0)
    return ['', "**RPC totals**: every ported test is at or below the Go solution's."];
  const perOp = (rpcs: number, ops: number) => (ops > 0 ? rpcs / ops : Infinity);
  const items = above.map((r) => {
    const go = GO[r.test];
    const ours = perOp(r.stats!.rpcs, r.stats!.commands);
    return `${r.test} ${fmt(r.stats!.rpcs)} against ${fmt(go.rpcs)} (${fmt(ours, 1)} per operation against Go's ${fmt(perOp(go.rpcs, go.ops), 1)})`;
  });
  const worsePerOp = above.filter(
    (r) => perOp(r.stats!.rpcs, r.stats!.commands) > perOp(GO[r.test].rpcs, GO[r.test].ops),
  );
  return [
    '',
    `**RPC totals above the Go solution's**: ${items.join('; ')}. These tests run their clerks for a fixed time and bound no RPC count, ` +
      'so a total grows with the operations done; ' +
      (worsePerOp.length === 0
        ? 'per operation each is below Go.'
        : `per operation ${worsePerOp.map((r) => r.test).join(', ')} ${worsePerOp.length === 1 ? 'is' : 'are'} above Go too.`),
  ];
}

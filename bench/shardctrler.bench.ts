// Shard controller (4A) on the reference implementation: every 4A test once on seed 1 (virtual
// time, RPCs, clerk operations, real time), RPCs over seeds 1..SEEDS, and the whole part's real
// and CPU time, beside the Go solution's figures (a public Go solution to the 2022 labs, copied
// below: a public 6.824 solution, 2022 numbering, Go 1.19, one run of the part on 2 cores; the Go
// figures give only the part's total, not per test). Run with `npm run bench -- shardctrler`.
import { executeRun } from '../labs/run';
import * as os from 'node:os';
import { Implementation } from '../harness/impl';
import { type RunResult } from '../harness/scenario';
import { partTests } from '../labs';

export const title = 'Shard controller 4A';
export const order = 35;

const SEED = 1;
const SEEDS = 10;
/** The Go solution's whole 4A run (TestBasic + TestMulti): tests passed, wall and CPU seconds. */
const GO_PART = { tests: 2, wall: 3.0, cpu: 0.5 };
/** The tests the original suite has (the rest are the 2024 addition and ours). */
const ORIGINAL = new Set(['TestBasic', 'TestMulti']);

function fmt(n: number | undefined, digits = 0): string {
  return n === undefined
    ? '—'
    : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export async function run(): Promise<string> {
  const impl = new Implementation();
  const scenarios = partTests('4A');
  const load0 = os.loadavg()[0];
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const rows: RunResult[] = [];
  for (const scenario of scenarios)
    rows.push(await executeRun({ test: scenario.name, seed: SEED, implDir: impl.dir }));
  const wall = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const meanRpcs = new Map<string, number>();
  for (const scenario of scenarios) {
    let rpcs = 0;
    for (let seed = 1; seed <= SEEDS; seed++)
      rpcs += (await executeRun({ test: scenario.name, seed, implDir: impl.dir })).stats?.rpcs ?? 0;
    meanRpcs.set(scenario.name, rpcs / SEEDS);
  }
  const originals = rows.filter((r) => ORIGINAL.has(r.test));
  const originalReal = originals.reduce((s, r) => s + r.realMs, 0) / 1000;
  const failed = rows.filter((r) => !r.passed);

  const lines = [
    `Every 4A test once, on seed ${SEED}, with the reference implementation; mean RPCs over seeds 1–${SEEDS}. Ops: clerk calls`,
    '(join, leave, move, query) the fixture recorded. The Go figures cover only the whole part (TestBasic and TestMulti;',
    "real time, so compare its seconds with our *real* seconds; the original's phases print no statistics).",
    '',
    '| test | virt s | RPCs | mean RPCs (10 seeds) | bytes | ops | real ms |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => {
      const tag = ORIGINAL.has(r.test) ? '' : r.test === 'TestMinimalAgain' ? ' (2024)' : ' (ours)';
      return `| ${r.test}${tag}${r.passed ? '' : ' **FAILED**'} | ${fmt(r.virtualMs / 1000, 1)} | ${fmt(r.stats?.rpcs)} | ${fmt(meanRpcs.get(r.test), 0)} | ${fmt(r.stats?.bytes)} | ${fmt(r.stats?.commands)} | ${fmt(r.realMs)} |`;
    }),
    '',
    `**Whole part**: ${rows.length} tests in ${fmt(wall, 2)} s real, ${fmt((cpu.user + cpu.system) / 1e6, 2)} s CPU in one process;` +
      ` the original two (TestBasic, TestMulti) ${fmt(originalReal, 2)} s real (${fmt(originals.reduce((s, r) => s + r.virtualMs, 0) / 1000, 1)} s virtual).` +
      ` Go's 4A: ${GO_PART.tests}/${GO_PART.tests} passed in ${fmt(GO_PART.wall, 1)} s wall, ${fmt(GO_PART.cpu, 1)} s CPU.` +
      (failed.length > 0
        ? ` **${failed.length} failed:** ${failed.map((r) => r.test).join(', ')}.`
        : ' All passed.') +
      ` Load average ${load0.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end (a shared machine; CPU time is the steadier figure).`,
    '',
    'Reading the columns: the original tests wait on nothing but their own operations, so their virtual time is the',
    "operations' cost (each commits through Raft, which batches start() for 5 ms, over a network where every message",
    "takes 1-5 ms) plus elections: the first leader, new leaders after TestBasic's restarts and TestMulti's leader shutdown.",
    'Our churn tests run for a fixed virtual time (10 s and 5 s of clerks), then heal, read every configuration back',
    'and, in TestReplicasAgree4A, hold elections until each server has led.',
  ];
  return lines.join('\n');
}

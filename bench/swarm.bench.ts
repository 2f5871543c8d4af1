// The swarm tests (labs/ours/raft-swarm.ts, labs/ours/kv-swarm.ts) and grade shrink: runs per
// minute of each family on the reference, and how long shrinking takes for failing seeds of buggy
// variants (first failing seeds: impls/README.md, impls/README-kvraft.md). Run with
// `npm run bench -- swarm`.
import { executeRun } from '../labs/run';
import * as path from 'node:path';
import { Implementation } from '../harness/impl';
import { type Scenario } from '../harness/scenario';
import { shrink } from '../grader/shrink';
import { TestSwarmRaft } from '../labs/ours/raft-swarm';
import { TestSwarmKV } from '../labs/ours/kv-swarm';

export const title = 'Swarm tests and shrinking';
export const order = 26;

const ROOT = path.resolve(__dirname, '..', '..');
const SEEDS = 100;
const FAILING: { test: Scenario; variant: string; seed: number }[] = [
  { test: TestSwarmRaft, variant: 'raft-no-persist-votedfor', seed: 19 },
  { test: TestSwarmRaft, variant: 'raft-no-persist-votedfor', seed: 71 },
  { test: TestSwarmRaft, variant: 'raft-no-persist-votedfor', seed: 73 },
  { test: TestSwarmRaft, variant: 'raft-forget-vote', seed: 1 },
  { test: TestSwarmRaft, variant: 'raft-forget-vote', seed: 7 },
  { test: TestSwarmRaft, variant: 'raft-no-persist-term', seed: 1 },
  { test: TestSwarmRaft, variant: 'raft-no-persist-log', seed: 12 },
  { test: TestSwarmRaft, variant: 'raft-snapshot-off-by-one', seed: 1 },
  { test: TestSwarmKV, variant: 'kvraft-no-dedup', seed: 1 },
  { test: TestSwarmKV, variant: 'kvraft-no-dedup', seed: 2 },
  { test: TestSwarmKV, variant: 'kvraft-follower-reads', seed: 1 },
  { test: TestSwarmKV, variant: 'kvraft-leader-local-reads', seed: 2 },
  { test: TestSwarmKV, variant: 'kvraft-dedup-not-in-snapshot', seed: 110 },
  { test: TestSwarmKV, variant: 'kvraft-clerk-gives-up', seed: 1 },
];

/** One family on seeds 1..SEEDS in this process: runs per minute, real and CPU. */
async function rate(test: Scenario, impl: Implementation): Promise<string> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let failed = 0;
  let virtualS = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const r = await executeRun({ test: test.name, seed, implDir: impl.dir });
    if (!r.passed) failed++;
    virtualS += r.virtualMs / 1000;
  }
  const realS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  return (
    `| ${test.name} | ${(SEEDS / (realS / 60)).toFixed(0)} | ${((cpuS / SEEDS) * 1000).toFixed(0)} ms | ` +
    `${(virtualS / SEEDS).toFixed(1)} s | ${failed} |`
  );
}

export async function run(): Promise<string> {
  const impl = new Implementation(path.join(ROOT, 'src'));
  const rates = [await rate(TestSwarmRaft, impl), await rate(TestSwarmKV, impl)];
  const rows: string[] = [];
  for (const f of FAILING) {
    const r = await shrink({
      test: f.test.name,
      seed: f.seed,
      implArg: path.join(ROOT, 'impls', f.variant),
      budgetS: 120,
    });
    rows.push(
      `| ${f.test.name} | ${f.variant} | ${f.seed} | ${r.kind} | ${r.original.faults.length} → ${r.smallest.faults.length} | ` +
        `${r.original.knobs.chaosMs / 1000} → ${r.smallest.knobs.chaosMs / 1000} s | ${r.original.knobs.clients} → ${r.smallest.knobs.clients} | ${r.runs} | ${(r.realMs / 1000).toFixed(1)} s |`,
    );
  }
  return [
    `**Runs per minute**: the reference on seeds 1–${SEEDS}, one process (\`npm run grade -- swarm -n N -p 2\` runs two such).`,
    '',
    '| test | runs/min real | CPU per run | virtual time per run | failed |',
    '|---|---|---|---|---|',
    ...rates,
    '',
    '**Shrinking** (`npm run grade -- shrink TEST --seed S --impl impls/VARIANT`, budget 120 s): faults, chaos length and',
    "clients of the seed's schedule and of the smallest schedule found that fails the same check, the runs it took, and real time.",
    '',
    '| test | variant | seed | check | faults | chaos | clients | runs | real time |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

// The Raft swarm (labs/ours/raft-swarm.ts) and grade shrink: swarm runs per minute on the
// reference, and how long shrinking takes for failing seeds of the buggy variants (the first
// failing seeds over 1–80, impls/README.md). Run with `npm run bench -- swarm`.
import * as path from 'node:path';
import { Implementation } from '../harness/impl';
import { runScenario } from '../harness/scenario';
import { shrink } from '../grader/shrink';
import { TestSwarmRaft2C } from '../labs/ours/raft-swarm';

export const title = 'Raft swarm and shrinking';
export const order = 26;

const ROOT = path.resolve(__dirname, '..', '..');
const SEEDS = 100;
const FAILING: { variant: string; seed: number }[] = [
  { variant: 'raft-no-persist-votedfor', seed: 19 },
  { variant: 'raft-no-persist-votedfor', seed: 71 },
  { variant: 'raft-no-persist-votedfor', seed: 73 },
  { variant: 'raft-forget-vote', seed: 1 },
  { variant: 'raft-forget-vote', seed: 7 },
  { variant: 'raft-no-persist-term', seed: 1 },
  { variant: 'raft-no-persist-log', seed: 12 },
  { variant: 'raft-snapshot-off-by-one', seed: 1 },
];

export async function run(): Promise<string> {
  const impl = new Implementation(path.join(ROOT, 'src'));
  const t0 = performance.now();
  let failed = 0;
  let virtualS = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const r = await runScenario(TestSwarmRaft2C, { seed, impl });
    if (!r.passed) failed++;
    virtualS += r.virtualMs / 1000;
  }
  const realS = (performance.now() - t0) / 1000;
  const rows: string[] = [];
  for (const f of FAILING) {
    const r = await shrink({ test: 'TestSwarmRaft2C', seed: f.seed, implArg: path.join(ROOT, 'impls', f.variant), budgetS: 120 });
    rows.push(`| ${f.variant} | ${f.seed} | ${r.kind} | ${r.original.faults.length} → ${r.smallest.faults.length} | ${r.original.knobs.chaosMs / 1000} → ${r.smallest.knobs.chaosMs / 1000} s | ${r.runs} | ${(r.realMs / 1000).toFixed(1)} s |`);
  }
  return [
    `**Swarm runs per minute**: the reference on seeds 1–${SEEDS} (one process): ${(SEEDS / (realS / 60)).toFixed(0)} runs/min real, ` +
      `${(virtualS / SEEDS).toFixed(1)} virtual s per run on average; ${failed} failed.`,
    '',
    '**Shrinking** (`npm run grade -- shrink TestSwarmRaft2C --seed S --impl impls/VARIANT`, budget 120 s): faults and chaos length',
    'of the seed\'s schedule and of the smallest schedule found that fails the same check, the runs it took, and real time.',
    '',
    '| variant | seed | check | faults | chaos | runs | real time |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

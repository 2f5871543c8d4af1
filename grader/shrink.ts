// grade shrink: takes a failing run of the Raft swarm test and searches for a smaller fault
// schedule that still fails the same check — fewer faults, a shorter chaos phase, fewer clients, a
// gentler network — and prints the smallest found, what was removed, and the command that replays
// it. Every candidate is an exact deterministic replay (same seed, so the same network and node
// random streams; only the schedule differs), so a candidate either fails the same way or does not.
// The search is greedy (ddmin-style chunks of faults, then single faults, then knobs) and bounded
// by a real-time budget.
import chalk from 'chalk';
import { Implementation } from '../harness/impl';
import { runScenario } from '../harness/scenario';
import { describeFault, describeKnobs, drawPlan, swarmWithPlan, type SwarmPlan } from '../labs/ours/raft-swarm';
import { checkImpl } from './impls';
import { UsageError } from './select';

export const SHRINKABLE = 'TestSwarmRaft2C';

/** The check a failure comes from: the oracle or tester check its first line names. */
export function failureKind(error: string): string {
  const line = error.split('\n', 1)[0];
  const known = /(election safety|term monotonicity|leader append-only|leader completeness|monotonic apply|apply error|failed to reach agreement|deadlock|virtual time limit|expected one leader)/.exec(line);
  return known ? known[1] : line.replace(/\d+/g, '#');
}

export interface ShrinkOptions {
  test: string;
  seed: number;
  implArg: string;
  budgetS: number;
  log?: (line: string) => void;
}

export interface ShrinkResult {
  kind: string;
  original: SwarmPlan;
  smallest: SwarmPlan;
  removed: string[];
  runs: number;
  realMs: number;
  command: string;
}

export async function shrink(o: ShrinkOptions): Promise<ShrinkResult> {
  if (o.test !== SHRINKABLE) throw new UsageError(`grade shrink works on ${SHRINKABLE} (the swarm test, whose faults are a schedule), not ${o.test}`);
  const impl = new Implementation(checkImpl(o.implArg, ['raft']));
  const log = o.log ?? (() => {});
  const started = performance.now();
  const deadline = started + o.budgetS * 1000;
  let runs = 0;
  const failsWith = async (plan: SwarmPlan): Promise<string | undefined> => {
    runs++;
    const r = await runScenario(swarmWithPlan(plan), { seed: o.seed, impl });
    return r.passed ? undefined : failureKind(r.error ?? '');
  };
  const original = drawPlan(o.seed);
  const kind = await failsWith(original);
  if (kind === undefined) throw new UsageError(`${SHRINKABLE} seed ${o.seed} passes with ${o.implArg}: there is no failure to shrink`);
  log(`seed ${o.seed} fails: ${kind}; ${original.faults.length} faults, chaos ${original.knobs.chaosMs / 1000} s, ${original.knobs.clients} clients`);
  let best = original;
  const removed: string[] = [];
  const tryPlan = async (candidate: SwarmPlan, what: string): Promise<boolean> => {
    if (performance.now() > deadline) return false;
    if ((await failsWith(candidate)) !== kind) return false;
    best = candidate;
    removed.push(what);
    log(`  - ${what} (${best.faults.length} faults left)`);
    return true;
  };
  for (let progress = true; progress && performance.now() < deadline; ) {
    progress = false;
    // A shorter chaos phase: drop the faults after the cut.
    for (let cut = Math.floor(best.knobs.chaosMs / 2); cut >= best.knobs.stepMs; cut = Math.floor(cut / 2)) {
      const faults = best.faults.filter((f) => f.atMs < cut);
      if (await tryPlan({ knobs: { ...best.knobs, chaosMs: cut }, faults }, `chaos cut to ${cut / 1000} s (${best.faults.length - faults.length} faults after it)`)) progress = true;
      else break;
    }
    // Chunks of faults, halving the chunk size down to single faults.
    for (let size = Math.max(1, Math.floor(best.faults.length / 2)); size >= 1; size = size === 1 ? 0 : Math.max(1, Math.floor(size / 2))) {
      for (let at = 0; at < best.faults.length; ) {
        const chunk = best.faults.slice(at, at + size);
        const faults = [...best.faults.slice(0, at), ...best.faults.slice(at + size)];
        const what = chunk.length === 1 ? `fault ${describeFault(chunk[0])}` : `${chunk.length} faults (${describeFault(chunk[0])} ... ${describeFault(chunk[chunk.length - 1])})`;
        if (await tryPlan({ ...best, faults }, what)) progress = true;
        else at += size;
      }
    }
    // Gentler knobs.
    const k = best.knobs;
    const knobSteps: [boolean, Partial<typeof k>, string][] = [
      [k.clients > 0, { clients: k.clients - 1 }, `one client (${k.clients - 1} left)`],
      [k.unreliable, { unreliable: false }, 'unreliability'],
      [k.longReordering, { longReordering: false }, 'long reordering'],
      [k.snapshot, { snapshot: false }, 'snapshots'],
    ];
    for (const [applies, change, what] of knobSteps) {
      if (applies && (await tryPlan({ ...best, knobs: { ...best.knobs, ...change } }, what))) progress = true;
    }
  }
  const command = `SWARM_PLAN='${JSON.stringify(best)}' GRADE_EXTRA_SCENARIOS=dist/labs/ours/raft-swarm.js npm run grade -- replay ${SHRINKABLE} --seed ${o.seed} --impl ${o.implArg}`;
  return { kind, original, smallest: best, removed, runs, realMs: performance.now() - started, command };
}

export function printShrink(r: ShrinkResult, log: (line: string) => void): void {
  log('');
  log(chalk.bold(`smallest schedule found that still fails "${r.kind}" (${r.runs} runs, ${(r.realMs / 1000).toFixed(1)} s):`));
  log(`  knobs: ${describeKnobs(r.smallest.knobs)}`);
  log(`  faults (${r.smallest.faults.length}, was ${r.original.faults.length}):`);
  for (const f of r.smallest.faults) log(`    ${describeFault(f)}`);
  log(`  removed: ${r.removed.length} steps`);
  log('replay it:');
  log(`  ${r.command}`);
}

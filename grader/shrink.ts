// grade shrink: takes a failing run of a swarm test (TestSwarmRaft, TestSwarmKV) and searches for
// a smaller fault schedule that still fails the same check (the same check id, harness/checks.ts;
// the message may differ) — fewer faults, a shorter chaos phase,
// fewer clients, a gentler network — and prints the smallest found, what was removed, and the
// command that replays it. Every candidate is an exact deterministic replay (same seed, so the
// same network and node random streams; only the schedule differs), so a candidate either fails
// the same way or does not. The search is greedy (ddmin-style chunks of faults, then single
// faults, then knobs) and bounded by a real-time budget.
import chalk from 'chalk';
import { Implementation, type LayerName } from '../harness/impl';
import { runScenario, type Scenario } from '../harness/scenario';
import type { CheckId } from '../harness/checks';
import { chooseModules, forgetModules } from './module-state';
import * as raft from '../labs/ours/raft-swarm';
import * as kv from '../labs/ours/kv-swarm';
import { checkImpl } from './impls';
import { UsageError } from './select';
import { shellQuote } from './session';

/** A plan as the search sees it: knobs with a chaos length and clients, and timed faults. */
interface Plan {
  knobs: {
    chaosMs: number;
    stepMs: number;
    clients: number;
    unreliable: boolean;
    longReordering: boolean;
  };
  faults: { atMs: number }[];
}

/** What shrinking needs of a swarm family. */
interface Family<P extends Plan> {
  layers: LayerName[];
  drawPlan(seed: number): P;
  withPlan(plan: P): Scenario;
  describeKnobs(k: P['knobs']): string;
  describeFault(f: P['faults'][number]): string;
  /** The fewest clients a plan may keep. */
  minClients: number;
  /** Knob changes that make the world gentler, each with what it removes (family-specific ones). */
  gentler(k: P['knobs']): [boolean, Partial<P['knobs']>, string][];
}

const raftFamily: Family<raft.SwarmPlan> = {
  layers: ['raft'],
  drawPlan: raft.drawPlan,
  withPlan: raft.swarmWithPlan,
  describeKnobs: raft.describeKnobs,
  describeFault: raft.describeFault,
  minClients: 0,
  gentler: (k) => [[k.snapshot, { snapshot: false }, 'snapshots']],
};

const kvFamily: Family<kv.KvSwarmPlan> = {
  layers: ['raft', 'kvraft'],
  drawPlan: kv.drawKvPlan,
  withPlan: kv.kvSwarmWithPlan,
  describeKnobs: kv.describeKvKnobs,
  describeFault: kv.describeKvFault,
  // The liveness phase and the final reads need a clerk.
  minClients: 1,
  gentler: (k) => [
    [k.maxraftstate > 0, { maxraftstate: -1 }, 'snapshots'],
    [k.keys > 1, { keys: 1 }, `keys (${k.keys} -> 1)`],
    [k.putShare > 0, { putShare: 0 }, 'puts'],
  ],
};

/** The swarm tests grade shrink works on. */
export const FAMILIES: Readonly<Record<string, Family<Plan>>> = {
  [raft.TestSwarmRaft.name]: raftFamily as unknown as Family<Plan>,
  [kv.TestSwarmKV.name]: kvFamily as unknown as Family<Plan>,
};
export const SHRINKABLE = Object.keys(FAMILIES);

/** The command that replays a plan of test `test` (as printed; tested in test/grader/shrink.spec.ts). */
export function replayPlanCommand(test: string, plan: Plan, seed: number, implArg: string): string {
  return `SWARM_PLAN='${JSON.stringify(plan)}' npm run grade -- replay ${test} --seed ${seed} --impl ${shellQuote(implArg)}`;
}

export interface ShrinkOptions {
  test: string;
  seed: number;
  implArg: string;
  budgetS: number;
  log?: (line: string) => void;
}

export interface ShrinkResult {
  /** The check the run fails, and every shrunk schedule still fails. */
  kind: CheckId;
  original: Plan;
  smallest: Plan;
  test: string;
  removed: string[];
  runs: number;
  realMs: number;
  command: string;
}

export async function shrink(o: ShrinkOptions): Promise<ShrinkResult> {
  const family = FAMILIES[o.test];
  if (!family)
    throw new UsageError(
      `grade shrink works on ${SHRINKABLE.join(' and ')} (the swarm tests, whose faults are a schedule), not ${o.test}`,
    );
  const implDir = checkImpl(o.implArg, family.layers);
  // Every attempt must be the run a fresh process makes: an implementation with module-level state
  // is loaded afresh for each (grader/module-state.ts).
  const warm = chooseModules(implDir, false).warm;
  const log = o.log ?? (() => {});
  const started = performance.now();
  const deadline = started + o.budgetS * 1000;
  let runs = 0;
  const failsWith = async (plan: Plan): Promise<CheckId | undefined> => {
    runs++;
    if (!warm) forgetModules(implDir);
    const r = await runScenario(family.withPlan(plan), {
      seed: o.seed,
      impl: new Implementation(implDir),
    });
    return r.passed ? undefined : r.check;
  };
  const original = family.drawPlan(o.seed);
  const check = await failsWith(original);
  if (check === undefined)
    throw new UsageError(
      `${o.test} seed ${o.seed} passes with ${o.implArg}: there is no failure to shrink`,
    );
  log(
    `seed ${o.seed} fails [${check}]; ${original.faults.length} faults, chaos ${original.knobs.chaosMs / 1000} s, ${original.knobs.clients} clients`,
  );
  let best = original;
  const removed: string[] = [];
  const tryPlan = async (candidate: Plan, what: string): Promise<boolean> => {
    if (performance.now() > deadline) return false;
    if ((await failsWith(candidate)) !== check) return false;
    best = candidate;
    removed.push(what);
    log(`  - ${what} (${best.faults.length} faults left)`);
    return true;
  };
  for (let progress = true; progress && performance.now() < deadline;) {
    progress = false;
    // A shorter chaos phase: drop the faults after the cut.
    for (
      let cut = Math.floor(best.knobs.chaosMs / 2);
      cut >= best.knobs.stepMs;
      cut = Math.floor(cut / 2)
    ) {
      const faults = best.faults.filter((f) => f.atMs < cut);
      if (
        await tryPlan(
          { knobs: { ...best.knobs, chaosMs: cut }, faults },
          `chaos cut to ${cut / 1000} s (${best.faults.length - faults.length} faults after it)`,
        )
      )
        progress = true;
      else break;
    }
    // Chunks of faults, halving the chunk size down to single faults.
    for (
      let size = Math.max(1, Math.floor(best.faults.length / 2));
      size >= 1;
      size = size === 1 ? 0 : Math.max(1, Math.floor(size / 2))
    ) {
      for (let at = 0; at < best.faults.length;) {
        const chunk = best.faults.slice(at, at + size);
        const faults = [...best.faults.slice(0, at), ...best.faults.slice(at + size)];
        const what =
          chunk.length === 1
            ? `fault ${family.describeFault(chunk[0])}`
            : `${chunk.length} faults (${family.describeFault(chunk[0])} ... ${family.describeFault(chunk[chunk.length - 1])})`;
        if (await tryPlan({ ...best, faults }, what)) progress = true;
        else at += size;
      }
    }
    // Gentler knobs.
    const k = best.knobs;
    const knobSteps: [boolean, Partial<typeof k>, string][] = [
      [
        k.clients > family.minClients,
        { clients: k.clients - 1 },
        `one client (${k.clients - 1} left)`,
      ],
      [k.unreliable, { unreliable: false }, 'unreliability'],
      [k.longReordering, { longReordering: false }, 'long reordering'],
      ...family.gentler(k),
    ];
    for (const [applies, change, what] of knobSteps) {
      if (applies && (await tryPlan({ ...best, knobs: { ...best.knobs, ...change } }, what)))
        progress = true;
    }
  }
  const command = replayPlanCommand(o.test, best, o.seed, o.implArg);
  return {
    kind: check,
    test: o.test,
    original,
    smallest: best,
    removed,
    runs,
    realMs: performance.now() - started,
    command,
  };
}

export function printShrink(r: ShrinkResult, log: (line: string) => void): void {
  log('');
  log(
    chalk.bold(
      `smallest schedule found that still fails [${r.kind}] (${r.runs} runs, ${(r.realMs / 1000).toFixed(1)} s):`,
    ),
  );
  const family = FAMILIES[r.test];
  log(`  knobs: ${family.describeKnobs(r.smallest.knobs)}`);
  log(`  faults (${r.smallest.faults.length}, was ${r.original.faults.length}):`);
  for (const f of r.smallest.faults) log(`    ${family.describeFault(f)}`);
  log(`  removed: ${r.removed.length} steps`);
  log('replay it:');
  log(`  ${r.command}`);
}

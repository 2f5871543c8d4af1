// grade shrink: takes a failing run of a swarm test (TestSwarmRaft, TestSwarmKV) and searches for
// a smaller fault schedule that still fails the same check (the same check id, harness/checks.ts;
// the message may differ) — fewer faults, a shorter chaos phase,
// fewer clients, a gentler network — and prints the smallest found, what was removed, and the
// command that replays it. Every candidate is an exact deterministic replay (same seed, so the
// same network and node random streams; only the schedule differs), so a candidate either fails
// the same way or does not. The search is greedy (ddmin-style chunks of faults, then single
// faults, then knobs) and bounded by a real-time budget.
import chalk from 'chalk';
import type { LayerName } from '../harness/impl';
import type { RunParams } from '../harness/scenario';
import { defaultLevelOf, familyOf, findScenario } from '../labs';
import type { SwarmFamily, SwarmPlanShape } from '../labs/swarm-family';
import { checkImpl, describeLayers } from './impls';
import { chooseModules } from './module-state';
import { Pool, type Outcome } from './pool';
import { defaultWorkerMemory, silenceFor } from './grade';
import { layersFor, registry, UsageError } from './select';
import type { CheckId } from '../harness/checks';
import { shellQuote } from './session';

type Plan = SwarmPlanShape;
type Family = SwarmFamily<Plan>;

/** The swarm tests grade shrink works on: those of the registry's swarm families. */
export function shrinkable(): string[] {
  return registry()
    .parts.flatMap((p) => (p.swarm ? [p.swarm.test.name] : []))
    .filter((name, i, all) => all.indexOf(name) === i);
}

/** The words that repeat the implementation choice: --impl, --reference. */
function implWords(implArg: string, reference: readonly string[] | undefined): string {
  const impl = implArg !== 'src' && implArg !== 'src/' ? ` --impl ${shellQuote(implArg)}` : '';
  return `${impl}${reference?.length ? ` --reference ${reference.join(',')}` : ''}`;
}

/** The command that shrinks a failing swarm run (the report prints it under the failure). */
export function shrinkCommand(
  test: string,
  seed: number,
  implArg: string,
  reference?: readonly string[],
  level?: string,
): string {
  const at = level ? ` --level ${level}` : '';
  return `npm run grade -- shrink ${test} --seed ${seed}${at}${implWords(implArg, reference)}`;
}

/** The command that replays a plan of test `test` (as printed; tested in test/grader/shrink.spec.ts). */
export function replayPlanCommand(
  test: string,
  plan: Plan,
  seed: number,
  implArg: string,
  reference?: readonly string[],
  level?: string,
): string {
  const at = level ? ` --level ${level}` : '';
  return `npm run grade -- replay ${test} --seed ${seed}${at} --plan '${JSON.stringify(plan)}'${implWords(implArg, reference)}`;
}

export interface ShrinkOptions {
  test: string;
  seed: number;
  implArg: string;
  reference?: LayerName[];
  /** The swarm level the failing run was graded at (default: the test's last). */
  level?: string;
  budgetS: number;
  /** The real-time watchdog of each candidate run, as grade's --timeout (seconds). */
  timeoutS?: number;
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

/** How a candidate run ended: undefined if it passed, else the check it failed. */
function outcomeCheck(outcome: Outcome): CheckId | undefined {
  switch (outcome.kind) {
    case 'result':
      return outcome.result.passed ? undefined : (outcome.result.check ?? 'implementation-threw');
    case 'hung':
    case 'crashed':
      return outcome.kind;
    case 'error':
      throw new UsageError(`a shrink run could not start: ${outcome.message}`);
    default:
      throw new UsageError('interrupted');
  }
}

/** Runs candidate plans one at a time in a grade worker, under grade's watchdogs. */
class CandidateRunner {
  runs = 0;
  private nextId = 1;
  private readonly pool: Pool;

  constructor(
    private readonly o: ShrinkOptions,
    private readonly implDir: string,
    private readonly warm: boolean,
    private readonly level: string | undefined,
  ) {
    const timeoutMs = (o.timeoutS ?? 120) * 1000;
    this.pool = new Pool({
      size: 1,
      timeoutMs: timeoutMs + Math.max(5000, timeoutMs / 10),
      silenceMs: silenceFor(timeoutMs),
      memoryMb: defaultWorkerMemory(1),
    });
  }

  async failsWith(plan: Plan): Promise<CheckId | undefined> {
    this.runs++;
    const params: RunParams = { plan, ...(this.level ? { level: this.level } : {}) };
    const outcome = await this.pool.exec({
      id: this.nextId++,
      test: this.o.test,
      seed: this.o.seed,
      implDir: this.implDir,
      params,
      realTimeLimitMs: (this.o.timeoutS ?? 120) * 1000,
      ...(this.warm ? { warm: true } : {}),
    });
    return outcomeCheck(outcome);
  }

  close(): void {
    this.pool.close();
  }
}

export async function shrink(o: ShrinkOptions): Promise<ShrinkResult> {
  const reg = registry();
  const family = familyOf(o.test, reg);
  if (!family)
    throw new UsageError(
      `grade shrink works on ${shrinkable().join(' and ')} (the swarm tests, whose faults are a schedule), not ${o.test}`,
    );
  const scenario = findScenario(o.test, reg)!;
  const level = o.level ?? defaultLevelOf(scenario, reg);
  const selected = [{ name: o.test, part: scenario.part, ...(level ? { level } : {}) }];
  const implDir = checkImpl(o.implArg, layersFor(selected), o.reference ?? []);
  // Every attempt must be the run a fresh process makes: an implementation with module-level state
  // is loaded afresh for each (grader/module-state.ts).
  const warm = chooseModules(implDir, false).warm;
  const runner = new CandidateRunner(o, implDir, warm, level);
  try {
    return await search(o, family, runner, level);
  } finally {
    runner.close();
  }
}

async function search(
  o: ShrinkOptions,
  family: Family,
  runner: CandidateRunner,
  level: string | undefined,
): Promise<ShrinkResult> {
  const log = o.log ?? (() => {});
  const started = performance.now();
  const deadline = started + o.budgetS * 1000;
  const original = family.drawPlan(o.seed, level);
  const check = await runner.failsWith(original);
  const layers = o.reference?.length ? ` (${describeLayers(['raft'], o.reference)})` : '';
  if (check === undefined)
    throw new UsageError(
      `${o.test} seed ${o.seed}${level ? ` at level ${level}` : ''} passes with ${o.implArg}${layers}: there is no failure to shrink`,
    );
  log(
    `seed ${o.seed} fails [${check}]; ${original.faults.length} faults, chaos ${original.knobs.chaosMs / 1000} s, ${original.knobs.clients} clients`,
  );
  let best = original;
  const removed: string[] = [];
  const tryPlan = async (candidate: Plan, what: string): Promise<boolean> => {
    if (performance.now() > deadline) return false;
    if ((await runner.failsWith(candidate)) !== check) return false;
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
  const command = replayPlanCommand(o.test, best, o.seed, o.implArg, o.reference, level);
  return {
    kind: check,
    test: o.test,
    original,
    smallest: best,
    removed,
    runs: runner.runs,
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
  const family = familyOf(r.test)!;
  log(`  knobs: ${family.describeKnobs(r.smallest.knobs)}`);
  log(`  faults (${r.smallest.faults.length}, was ${r.original.faults.length}):`);
  for (const f of r.smallest.faults) log(`    ${family.describeFault(f)}`);
  log(`  removed: ${r.removed.length} steps`);
  log('replay it:');
  log(`  ${r.command}`);
}

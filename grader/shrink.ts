// grade shrink: takes a failing run of a swarm test (a family of the part registry: TestSwarmRaft,
// TestSwarmKV) and searches for a smaller fault schedule that still fails the same check (the same
// check id, harness/checks.ts; the message may differ): fewer faults, a shorter chaos phase, fewer
// clients, a gentler network. It prints the smallest found, what was removed, and the command that
// replays it (--level, --plan). Every candidate is an exact deterministic replay (same seed, so the
// same network and node random streams; only the schedule differs), run in a grade worker under
// grade's watchdogs: a candidate that hangs or crashes does not fail "the same way". The search is
// greedy (ddmin-style chunks of faults, then single faults, then knobs) and bounded by a budget.
import chalk from 'chalk';
import type { LayerName } from '../harness/impl';
import type { RunParams } from '../harness/scenario';
import { familyOf, findScenario } from '../labs';
import { levelFor } from './replay';
import type { SwarmFamily, SwarmPlanShape } from '../labs/swarm-family';
import { checkImpl, describeLayers } from './impls';
import { checkImplBoxed } from './roster/probe';
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
  /** Load and run the implementation without the permission model's box (--no-sandbox). */
  noSandbox?: boolean;
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
      // In the box, like grade's workers (sandbox.ts): a shrink is run on someone else's code too.
      ...(o.noSandbox ? {} : { sandbox: { writeDirs: [] } }),
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
  const level = levelFor(scenario, o.level);
  const selected = [{ name: o.test, part: scenario.part, ...(level ? { level } : {}) }];
  // Loading runs its top-level code: in the box too, unless --no-sandbox.
  const implDir = o.noSandbox
    ? checkImpl(o.implArg, layersFor(selected), o.reference ?? [])
    : checkImplBoxed(o.implArg, layersFor(selected), o.reference ?? [], defaultWorkerMemory(1));
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

/**
 * The greedy search: the best plan so far, which still fails `check`, and the steps that cut it
 * down. Each kind of step is a method; a round tries them all, and rounds go on while one helps.
 */
class Search {
  best: Plan;
  readonly removed: string[] = [];

  constructor(
    private readonly family: Family,
    private readonly runner: CandidateRunner,
    private readonly check: CheckId,
    original: Plan,
    private readonly deadline: number,
    private readonly log: (line: string) => void,
  ) {
    this.best = original;
  }

  get timeLeft(): boolean {
    return performance.now() < this.deadline;
  }

  /** Rounds of every step while one of them helps and time is left. */
  async run(): Promise<void> {
    for (let progress = true; progress && this.timeLeft;) {
      const cut = await this.shorterChaos();
      const dropped = await this.fewerFaults();
      const gentler = await this.gentlerKnobs();
      progress = cut || dropped || gentler;
    }
  }

  /** Keeps `candidate` if it still fails the same check. */
  private async tryPlan(candidate: Plan, what: string): Promise<boolean> {
    if (!this.timeLeft) return false;
    if ((await this.runner.failsWith(candidate)) !== this.check) return false;
    this.best = candidate;
    this.removed.push(what);
    this.log(`  - ${what} (${candidate.faults.length} faults left)`);
    return true;
  }

  /** A shorter chaos phase, halved while it still fails: the faults after the cut go. */
  private async shorterChaos(): Promise<boolean> {
    let progress = false;
    for (let cut = Math.floor(this.best.knobs.chaosMs / 2); cut >= this.best.knobs.stepMs;) {
      const faults = this.best.faults.filter((f) => f.atMs < cut);
      const what = `chaos cut to ${cut / 1000} s (${this.best.faults.length - faults.length} faults after it)`;
      if (!(await this.tryPlan({ knobs: { ...this.best.knobs, chaosMs: cut }, faults }, what)))
        break;
      progress = true;
      cut = Math.floor(cut / 2);
    }
    return progress;
  }

  /** Chunks of faults removed, the chunk size halving down to single faults (ddmin-style). */
  private async fewerFaults(): Promise<boolean> {
    let progress = false;
    const describe = (f: Plan['faults'][number]) => this.family.describeFault(f);
    for (let size = Math.max(1, Math.floor(this.best.faults.length / 2)); size >= 1;) {
      for (let at = 0; at < this.best.faults.length;) {
        const chunk = this.best.faults.slice(at, at + size);
        const faults = [...this.best.faults.slice(0, at), ...this.best.faults.slice(at + size)];
        const what =
          chunk.length === 1
            ? `fault ${describe(chunk[0])}`
            : `${chunk.length} faults (${describe(chunk[0])} ... ${describe(chunk[chunk.length - 1])})`;
        if (await this.tryPlan({ ...this.best, faults }, what)) progress = true;
        else at += size;
      }
      size = size === 1 ? 0 : Math.max(1, Math.floor(size / 2));
    }
    return progress;
  }

  /** A gentler world: fewer clients, a reliable network, no long reordering, the family's own. */
  private async gentlerKnobs(): Promise<boolean> {
    let progress = false;
    const k = this.best.knobs;
    const steps: [boolean, Partial<typeof k>, string][] = [
      [
        k.clients > this.family.minClients,
        { clients: k.clients - 1 },
        `one client (${k.clients - 1} left)`,
      ],
      [k.unreliable, { unreliable: false }, 'unreliability'],
      [k.longReordering, { longReordering: false }, 'long reordering'],
      ...this.family.gentler(k),
    ];
    for (const [applies, change, what] of steps) {
      const candidate = { ...this.best, knobs: { ...this.best.knobs, ...change } };
      if (applies && (await this.tryPlan(candidate, what))) progress = true;
    }
    return progress;
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
  const s = new Search(family, runner, check, original, started + o.budgetS * 1000, log);
  await s.run();
  return {
    kind: check,
    test: o.test,
    original,
    smallest: s.best,
    removed: s.removed,
    runs: runner.runs,
    realMs: performance.now() - started,
    command: replayPlanCommand(o.test, s.best, o.seed, o.implArg, o.reference, level),
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

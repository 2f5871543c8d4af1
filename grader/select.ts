// What to grade: lab parts named on the command line, a test-name filter, seeds and shards.
// Everything here is pure and throws UsageError (exit status 2) on bad input, with a message that
// says what to type instead.
import type { Scenario } from '../harness/scenario';
import {
  allScenarios,
  isOurs,
  loadRegistry,
  RegistryError,
  SWARM,
  swarmAt,
  testsOf,
  type Registry,
} from '../labs';
import { MAX_SEED, parseSeed } from '../engine/sim/rng';
import { inLayerOrder, type LayerName } from '../harness/layers';

/** Bad command-line input: one line, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The part registry, with a module's additions (GRADE_EXTRA_SCENARIOS); its errors are usage errors. */
export function registry(): Registry {
  try {
    return loadRegistry();
  } catch (error) {
    if (error instanceof RegistryError) throw new UsageError(error.message);
    throw error;
  }
}

/** Points per part, from the registry (a part's points are shared equally by its course tests). */
export function pointsOf(reg = registry()): Record<string, number> {
  return Object.fromEntries(reg.parts.map((p) => [p.id, p.points]));
}

export function allTests(reg = registry()): Scenario[] {
  return allScenarios(reg);
}

/** What the words on the command line name: parts (and the swarm), and the swarm's level. */
export interface LabChoice {
  /** Part ids in the registry's order, or [SWARM]. */
  parts: string[];
  /** `grade swarm 2b`: the part whose level the swarm tests draw their faults at. */
  level?: string;
}

/** The words that name parts, for messages: lab2a ... lab4b (or 2a), lab2, all, swarm. */
function partWords(reg: Registry): string {
  const ids = reg.parts.map((p) => p.id.toLowerCase());
  const labs = [...new Set(reg.parts.map((p) => `lab${p.lab}`))];
  return `a part (lab${ids[0]} ... lab${ids[ids.length - 1]}, or ${ids[0]}), a whole lab (${labs.join(', ')}), all, or swarm [PART] (ours, not scored)`;
}

/** The part ids one word names (`lab2a`, `2A`, `LAB2A` -> 2A; `lab2`, `2` -> 2A..2D; `all`), or undefined. */
function partsNamed(word: string, reg: Registry): string[] | undefined {
  const w = word.trim().toLowerCase().replace(/^lab/, '');
  if (w === 'all') return reg.parts.map((p) => p.id);
  const ofLab = reg.parts.filter((p) => p.lab.toLowerCase() === w);
  if (ofLab.length > 0) return ofLab.map((p) => p.id);
  const part = reg.parts.find((p) => p.id.toLowerCase() === w);
  return part ? [part.id] : undefined;
}

function unknownLab(arg: string, reg: Registry): UsageError {
  const names = [
    'all',
    'swarm',
    ...new Set(reg.parts.flatMap((p) => [`lab${p.id.toLowerCase()}`, `lab${p.lab}`])),
  ];
  const close = suggestTests(arg.toLowerCase(), names).filter(
    (n) => editDistance(arg.toLowerCase(), n) <= 1,
  );
  const hint = close.length > 0 ? `did you mean ${close.join(' or ')}? ` : '';
  return new UsageError(`unknown lab "${arg}": ${hint}name ${partWords(reg)}`);
}

/**
 * If `word`, the first on the command line, is no lab but a command mistyped (`reply`), the
 * message that says which: one edit away, or two for a word of five letters or more.
 */
export function commandTypo(
  word: string,
  commands: readonly string[],
  reg = registry(),
): string | undefined {
  const w = word.trim().toLowerCase();
  if (w === '' || w.startsWith('-') || commands.includes(w) || w === 'grade') return undefined;
  if (w === 'swarm' || partsNamed(w, reg)) return undefined;
  const near = commands.filter((c) => editDistance(w, c) <= (w.length >= 5 ? 2 : 1));
  if (near.length === 0) return undefined;
  return `unknown command "${word}": did you mean ${near.join(' or ')}? (commands: ${commands.join(', ')}; to grade, name ${partWords(reg)})`;
}

/**
 * `lab2a`, `2A`, `LAB2A` -> 2A; `lab2`, `2` -> 2A..2D; `all` (and nothing) -> every part;
 * `swarm` -> the swarm tests, alone at the level of the one part named beside it (`swarm 2b`), or
 * beside several parts at the level of the last (`all swarm`, `lab2 swarm`).
 */
export function parseLabChoice(args: readonly string[], reg = registry()): LabChoice {
  const words = args.length === 0 ? ['all'] : args;
  if (words.some((w) => w.trim().toLowerCase() === 'swarm')) {
    const others = words.filter((w) => w.trim().toLowerCase() !== 'swarm');
    if (others.length === 0) return { parts: [SWARM] };
    const named = others.map((w) => partsNamed(w, reg) ?? []);
    const bad = others.find((_, i) => named[i].length === 0);
    if (bad !== undefined) throw unknownLab(bad, reg);
    // `swarm 2b`: the swarm alone, at 2B's level.
    if (others.length === 1 && named[0].length === 1) return { parts: [SWARM], level: named[0][0] };
    // `all swarm`, `lab2 swarm`: those parts, and the swarm at the level of the last of them.
    const parts = new Set(named.flat());
    const ids = reg.parts.map((p) => p.id).filter((p) => parts.has(p));
    return { parts: [...ids, SWARM], level: ids[ids.length - 1] };
  }
  const parts = new Set<string>();
  for (const arg of words) {
    const named = partsNamed(arg, reg);
    if (!named) throw unknownLab(arg, reg);
    named.forEach((p) => parts.add(p));
  }
  return { parts: reg.parts.map((p) => p.id).filter((p) => parts.has(p)) };
}

/** The part ids named (SWARM for the swarm tests). */
export function parseLabs(args: readonly string[], reg = registry()): string[] {
  return parseLabChoice(args, reg).parts;
}

/** Whether one of the words names exactly one part (then a part without tests is an error). */
export function namesOnePart(args: readonly string[], reg = registry()): boolean {
  return args.some((a) => {
    const w = a.trim().toLowerCase().replace(/^lab/, '');
    return reg.parts.some((p) => p.id.toLowerCase() === w && p.lab.toLowerCase() !== w);
  });
}

/** One test as graded: its part, whether it is ours or a challenge, the level of a swarm test. */
export interface SelectedTest {
  name: string;
  part: string;
  ours?: boolean;
  challenge?: boolean;
  /** A swarm test's level: the part whose faults it draws. */
  level?: string;
}

export interface Selection {
  /** Parts that have at least one selected test. */
  parts: string[];
  tests: SelectedTest[];
  /** Parts asked for that have no tests yet (skipped with a note when `all` was asked for). */
  empty: string[];
}

export interface SelectOptions {
  /** Only the course's tests (ours left out), for staff who need the original grading. */
  courseOnly?: boolean;
  /** The swarm's level (a part id); default: the last part's. */
  level?: string;
}

function selected(s: Scenario, reg: Registry, level?: string): SelectedTest {
  return {
    name: s.name,
    part: s.part,
    ...(isOurs(s.name, reg) ? { ours: true } : {}),
    ...(s.challenge ? { challenge: true } : {}),
    ...(level ? { level } : {}),
  };
}

/** The tests of a part (course, then ours unless courseOnly), or the swarm's at their levels. */
function testsOfPart(id: string, reg: Registry, o: SelectOptions): SelectedTest[] {
  if (id === SWARM) {
    const level = o.level ?? reg.parts[reg.parts.length - 1]?.id;
    const leveled = level ? swarmAt(level, reg) : [];
    const unleveled = reg.swarm.filter((s) => !reg.parts.some((p) => p.swarm?.test === s));
    return [
      ...leveled.map(({ test, level: at }) => selected(test, reg, at)),
      ...(o.level ? [] : unleveled.map((s) => selected(s, reg))),
    ];
  }
  const part = reg.parts.find((p) => p.id === id);
  if (!part) return [];
  return (o.courseOnly ? [...part.course] : testsOf(part)).map((s) => selected(s, reg));
}

/** The tests of `parts` whose names match `run` (a regular expression, as go test -run). */
export function selectTests(
  parts: readonly string[],
  run: string | undefined,
  explicit: boolean,
  reg = registry(),
  options: SelectOptions = {},
): Selection {
  let filter: RegExp | undefined;
  if (run !== undefined) {
    try {
      filter = new RegExp(run);
    } catch (error) {
      throw new UsageError(
        `bad --run pattern "${run}": ${(error as Error).message}; it is a regular expression such as 'Election|Backup'`,
      );
    }
  }
  const byPart = new Map(parts.map((p) => [p, testsOfPart(p, reg, options)]));
  const empty = parts.filter((p) => byPart.get(p)!.length === 0);
  const withTests = reg.parts.filter((p) => testsOf(p).length > 0).map((p) => p.id);
  if (explicit && empty.includes(SWARM) && options.level) {
    const graded = reg.parts.filter((p) => p.swarm).map((p) => p.id.toLowerCase());
    throw new UsageError(
      `no swarm test grades part ${options.level}: the swarm families grade part${graded.length === 1 ? '' : 's'} ${graded.join(', ') || '(none in this edition)'}; name one of them (grade swarm ${graded[0] ?? 'PART'})`,
    );
  }
  if (explicit && empty.length > 0) {
    throw new UsageError(
      `lab part ${empty.join(', ')} has no tests yet; parts with tests: ${withTests.join(', ') || 'none'}`,
    );
  }
  const tests = parts.flatMap((p) => byPart.get(p)!).filter((s) => !filter || filter.test(s.name));
  if (tests.length === 0) {
    const where = parts.filter((p) => !empty.includes(p)).join(', ') || 'the selected parts';
    if (filter)
      throw new UsageError(
        `no test in ${where} matches --run '${run}'; list them with: npm run grade -- list ${parts.map((p) => p.toLowerCase()).join(' ')}`,
      );
    throw new UsageError(
      `no tests to run: ${parts.join(', ')} ha${parts.length === 1 ? 's' : 've'} no tests yet; parts with tests: ${withTests.join(', ') || 'none'}`,
    );
  }
  return { parts: parts.filter((p) => tests.some((t) => t.part === p)), tests, empty };
}

/** The implementation layers the selected tests load (a swarm test: those of the part of its level). */
export function layersFor(tests: readonly SelectedTest[], reg = registry()): LayerName[] {
  const layers = new Set<LayerName>();
  for (const t of tests) {
    const part = reg.parts.find((p) => p.id === (t.level ?? t.part));
    for (const l of part?.layers ?? []) layers.add(l);
  }
  // Raft when nothing else is known (every 2023 part loads it anyway).
  return inLayerOrder(layers.size > 0 ? layers : ['raft']);
}

export interface Job {
  /** Position in the unsharded job list: stable across shards, used to merge. */
  index: number;
  test: string;
  part: string;
  seed: number;
  /** A swarm test's level (its run parameter). */
  level?: string;
}

/**
 * Run k (0-based) of every test uses seed first + k: the same seeds for every test and every
 * implementation, so a seed names one run of one test. Jobs are ordered test by test.
 */
export function makeJobs(
  tests: readonly { name: string; part: string; level?: string }[],
  first: number,
  runs: number,
): Job[] {
  if (runs - 1 > MAX_SEED - first)
    throw new UsageError(
      `--seed ${first} with ${runs} runs passes the largest seed ${MAX_SEED}; choose a smaller --seed`,
    );
  const jobs: Job[] = [];
  for (const t of tests)
    for (let k = 0; k < runs; k++)
      jobs.push({
        index: jobs.length,
        test: t.name,
        part: t.part,
        seed: first + k,
        ...(t.level ? { level: t.level } : {}),
      });
  return jobs;
}

export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UsageError(
      `bad --shard "${text}": write K/N with 1 <= K <= N, e.g. --shard 2/4 for the second of four slices`,
    );
  }
  return { index, count };
}

/** Shard K of N takes every N-th job starting at K-1, so every shard gets a mix of tests. */
export function applyShard(jobs: readonly Job[], shard: Shard | undefined): Job[] {
  return shard ? jobs.filter((j) => j.index % shard.count === shard.index - 1) : [...jobs];
}

/** A whole number within bounds, for -n, -p, --timeout and the like. */
export function parseCount(text: string, what: string, min: number, max: number): number {
  const t = String(text).trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`bad ${what} "${text}": give a whole number from ${min} to ${max}`);
  }
  return n;
}

/** A positive number of seconds (fractions allowed; zero too if `zero`). */
export function parseSeconds(text: string, what: string, zero = false): number {
  const t = String(text).trim();
  const n = Number(t);
  if (!/^\d+(\.\d+)?$/.test(t) || (zero ? n < 0 : !(n > 0)) || n > 86_400)
    throw new UsageError(`bad ${what} "${text}": give a number of seconds, e.g. 120`);
  return n;
}

export function parseSeedArg(text: string): number {
  try {
    return parseSeed(text);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Case-insensitive exact match, else names containing the query, else the closest by edit distance. */
export function suggestTests(query: string, names: readonly string[]): string[] {
  const q = query.toLowerCase();
  const exact = names.filter((n) => n.toLowerCase() === q);
  if (exact.length > 0) return exact;
  const containing = names.filter((n) => n.toLowerCase().includes(q.replace(/^test/, '')));
  if (containing.length > 0) return containing.slice(0, 5);
  return [...names]
    .map((n) => ({ n, d: editDistance(q, n.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((x) => x.n);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

// What to grade: lab parts named on the command line, a test-name filter, seeds and shards.
// Everything here is pure and throws UsageError (exit status 2) on bad input, with a message that
// says what to type instead.
import * as path from 'node:path';
import {
  ALL_PARTS,
  LAB_PARTS,
  OWN_PARTS,
  type CoursePart,
  type LabPart,
  type Scenario,
} from '../harness/scenario';
import { scenariosByPart } from '../labs';
import { swarmLayers } from '../labs/swarm';
import { MAX_SEED, parseSeed } from '../harness/sim/rng';
import type { LayerName } from '../harness/impl';

/** Bad command-line input: one line, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Points per lab part for the score line. 100 in all, weighted roughly by the work each part
 * takes; a part's points are shared equally by its tests. Our own parts (swarm) score nothing.
 */
export const POINTS: Readonly<Record<CoursePart, number>> = {
  '2A': 5,
  '2B': 10,
  '2C': 10,
  '2D': 10,
  '3A': 15,
  '3B': 15,
  '4A': 10,
  '4B': 25,
};

/**
 * The test registry, plus the scenarios of the module named by GRADE_EXTRA_SCENARIOS (a compiled
 * module exporting `scenarios`). The grader's own tests use it to grade purpose-built scenarios;
 * workers inherit the variable, so parent and workers always see the same registry.
 */
export function registry(): Readonly<Record<LabPart, readonly Scenario[]>> {
  const extra = process.env.GRADE_EXTRA_SCENARIOS;
  if (!extra) return scenariosByPart;
  let mod: { scenarios?: Scenario[] };
  try {
    mod = require(path.resolve(extra)) as { scenarios?: Scenario[] };
  } catch (error) {
    throw new UsageError(
      `GRADE_EXTRA_SCENARIOS=${extra} cannot be loaded: ${firstLineOf((error as Error).message)}`,
    );
  }
  if (!Array.isArray(mod.scenarios))
    throw new UsageError(`GRADE_EXTRA_SCENARIOS=${extra} does not export an array named scenarios`);
  const merged = {} as Record<LabPart, Scenario[]>;
  for (const part of ALL_PARTS)
    merged[part] = [...scenariosByPart[part], ...mod.scenarios.filter((s) => s.part === part)];
  return merged;
}

function firstLineOf(text: string): string {
  return text.split('\n', 1)[0];
}

export function allTests(reg = registry()): Scenario[] {
  return ALL_PARTS.flatMap((part) => reg[part] ?? []);
}

/** `lab2a`, `2A`, `LAB2A` -> 2A; `lab2`, `2` -> 2A..2D; `all` -> every course part; `swarm` -> ours. */
export function parseLabs(args: readonly string[]): LabPart[] {
  const parts = new Set<LabPart>();
  for (const arg of args.length === 0 ? ['all'] : args) {
    const word = arg.trim().toLowerCase().replace(/^lab/, '');
    if (word === 'all') LAB_PARTS.forEach((p) => parts.add(p));
    else if (/^[234]$/.test(word))
      LAB_PARTS.filter((p) => p.startsWith(word)).forEach((p) => parts.add(p));
    else if ((ALL_PARTS as readonly string[]).includes(word.toUpperCase()))
      parts.add(word.toUpperCase() as LabPart);
    else {
      throw new UsageError(
        `unknown lab "${arg}": name a part (lab2a ... lab4b, or 2a), a whole lab (lab2, lab3, lab4), all, or ${OWN_PARTS.map((p) => p.toLowerCase()).join(', ')} (ours, not scored)`,
      );
    }
  }
  return ALL_PARTS.filter((p) => parts.has(p));
}

export interface Selection {
  /** Parts that have at least one selected test. */
  parts: LabPart[];
  tests: Scenario[];
  /** Parts asked for that have no tests yet (skipped with a note when `all` was asked for). */
  empty: LabPart[];
}

/** The tests of `parts` whose names match `run` (a regular expression, as go test -run). */
export function selectTests(
  parts: readonly LabPart[],
  run: string | undefined,
  explicit: boolean,
  reg = registry(),
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
  const empty = parts.filter((p) => reg[p].length === 0);
  const withTests = allTests(reg)
    .map((s) => s.part)
    .filter((p, i, a) => a.indexOf(p) === i);
  if (explicit && empty.length > 0) {
    throw new UsageError(
      `lab part ${empty.join(', ')} has no tests yet; parts with tests: ${withTests.join(', ') || 'none'}`,
    );
  }
  const tests = parts.flatMap((p) => reg[p]).filter((s) => !filter || filter.test(s.name));
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

/**
 * The implementation layers a set of parts needs, for checkImplementationDir; for the swarm part,
 * those of the selected `tests` (all of its tests' if not given).
 */
export function layersFor(
  parts: readonly LabPart[],
  tests?: readonly { name: string }[],
): LayerName[] {
  const layers = new Set<LayerName>(['raft']);
  for (const p of parts) {
    if (p === 'SWARM') {
      for (const name of tests ? tests.map((t) => t.name) : Object.keys(swarmLayers))
        for (const l of swarmLayers[name] ?? []) layers.add(l);
    }
    if (p.startsWith('3')) layers.add('kvraft');
    if (p.startsWith('4')) layers.add('shardctrler');
    if (p === '4B') layers.add('shardkv');
  }
  return [...layers];
}

export interface Job {
  /** Position in the unsharded job list: stable across shards, used to merge. */
  index: number;
  test: string;
  part: LabPart;
  seed: number;
}

/**
 * Run k (0-based) of every test uses seed first + k: the same seeds for every test and every
 * implementation, so a seed names one run of one test. Jobs are ordered test by test.
 */
export function makeJobs(
  tests: readonly { name: string; part: LabPart }[],
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
      jobs.push({ index: jobs.length, test: t.name, part: t.part, seed: first + k });
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

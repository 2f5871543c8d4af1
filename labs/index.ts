// The tests the grader knows: the part registry (parts.ts), plus what a module outside the tree adds
// (GRADE_EXTRA_SCENARIOS: a compiled module exporting `parts`, new part descriptions, and/or
// `scenarios`, tests that join the part their `part` names). Workers inherit the variable, so the
// grader and its workers always see the same registry.
import * as path from 'node:path';
import type { Scenario } from '../harness/scenario';
import type { PartDescription } from './parts';
import { currentEdition, partsOf, type Edition } from './editions';
import type { AnySwarmFamily } from './swarm-family';

export type { PartDescription } from './parts';

/** The part name of the swarm tests (ours, graded with `grade swarm [PART]`, never scored). */
export const SWARM = 'SWARM';

export interface Registry {
  /** In the course's order. */
  readonly parts: readonly PartDescription[];
  /** The swarm tests, each graded at the level of the parts that name it. */
  readonly swarm: readonly Scenario[];
}

/** A registry that cannot be used: the message says which description is wrong and how. */
export class RegistryError extends Error {
  override name = 'RegistryError';
}

/** Registries already checked, by edition and module added (a module is loaded once per process). */
const cache = new Map<string, Registry>();

/** The registry of `edition` (default: DSLAB_EDITION's, else 2023), with `extra`'s additions. */
export function loadRegistry(
  extra = process.env.GRADE_EXTRA_SCENARIOS ?? '',
  edition: Edition = currentEdition(),
): Registry {
  const key = `${edition}\n${extra}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const parts = partsOf(edition);
  const reg = checkRegistry(extra ? withModule(parts, extra) : { parts, swarm: swarmOf(parts) });
  cache.set(key, reg);
  return reg;
}

function swarmOf(parts: readonly PartDescription[]): Scenario[] {
  return [...new Set(parts.flatMap((p) => (p.swarm ? [p.swarm.test] : [])))];
}

function withModule(parts: readonly PartDescription[], file: string): Registry {
  let mod: { parts?: PartDescription[]; scenarios?: Scenario[] };
  try {
    mod = require(path.resolve(file)) as typeof mod;
  } catch (error) {
    const first = (error as Error).message.split('\n', 1)[0];
    throw new RegistryError(`GRADE_EXTRA_SCENARIOS=${file} cannot be loaded: ${first}`);
  }
  if (mod.parts === undefined && !Array.isArray(mod.scenarios))
    throw new RegistryError(
      `GRADE_EXTRA_SCENARIOS=${file} exports neither \`parts\` (part descriptions) nor \`scenarios\` (an array of tests)`,
    );
  const all = [...parts, ...(mod.parts ?? [])].map((p) => ({ ...p, course: [...p.course] }));
  const swarm = swarmOf(all);
  for (const s of mod.scenarios ?? []) {
    const part = all.find((p) => p.id === s.part);
    if (s.part === SWARM) swarm.push(s);
    else if (part) part.course.push(s);
    else
      throw new RegistryError(
        `GRADE_EXTRA_SCENARIOS=${file}: test ${s.name} names part ${s.part}, which is not registered (parts: ${all.map((p) => p.id).join(', ')}, ${SWARM})`,
      );
  }
  return { parts: all, swarm };
}

/** Every test sits in the part it names, and no two tests share a name. */
function checkRegistry(reg: Registry): Registry {
  const seen = new Set<string>();
  const ids = new Set<string>();
  for (const part of reg.parts) {
    if (ids.has(part.id)) throw new RegistryError(`two parts are registered as ${part.id}`);
    ids.add(part.id);
    for (const need of part.needs)
      if (!ids.has(need))
        throw new RegistryError(`part ${part.id} needs ${need}, which is not registered before it`);
    for (const s of [...part.course, ...part.ours]) {
      if (s.part !== part.id)
        throw new RegistryError(
          `test ${s.name} says it is in part ${s.part}, but is registered in ${part.id}`,
        );
      if (seen.has(s.name)) throw new RegistryError(`two tests are named ${s.name}`);
      seen.add(s.name);
    }
  }
  for (const s of reg.swarm) {
    if (seen.has(s.name)) throw new RegistryError(`two tests are named ${s.name}`);
    seen.add(s.name);
  }
  return reg;
}

/** A part's tests: the course's, then ours. */
export function testsOf(part: PartDescription): Scenario[] {
  return [...part.course, ...part.ours];
}

/** Every test: each part's (course, then ours), then the swarm tests. */
export function allScenarios(reg = loadRegistry()): Scenario[] {
  return [...reg.parts.flatMap(testsOf), ...reg.swarm];
}

export function findScenario(name: string, reg = loadRegistry()): Scenario | undefined {
  return allScenarios(reg).find((s) => s.name === name);
}

export function findPart(id: string, reg = loadRegistry()): PartDescription | undefined {
  return reg.parts.find((p) => p.id === id.toUpperCase());
}

/** Whether a test is one of ours (graded with its part, not in the course's score). */
export function isOurs(name: string, reg = loadRegistry()): boolean {
  return (
    reg.swarm.some((s) => s.name === name) ||
    reg.parts.some((p) => p.ours.some((s) => s.name === name))
  );
}

/**
 * The swarm tests to grade at `level` (a part id) and the level of each: for every swarm test, the
 * last part up to `level` that names it. `grade swarm 2b` grades TestSwarmRaft at 2B; `swarm 3a`
 * grades TestSwarmRaft at 2D and TestSwarmKV at 3A.
 */
export function swarmAt(level: string, reg = loadRegistry()): { test: Scenario; level: string }[] {
  const upTo = reg.parts.findIndex((p) => p.id === level.toUpperCase());
  if (upTo < 0) return [];
  const chosen = new Map<Scenario, string>();
  for (const part of reg.parts.slice(0, upTo + 1))
    if (part.swarm) chosen.set(part.swarm.test, part.id);
  return [...chosen].map(([test, at]) => ({ test, level: at }));
}

/** A swarm test's level when none is given: the last part that names it (its full set of faults). */
export function defaultLevelOf(test: Scenario, reg = loadRegistry()): string | undefined {
  return reg.parts.filter((p) => p.swarm?.test === test).at(-1)?.id;
}

/** The parts whose level a swarm test can be graded at. */
export function levelsOf(test: Scenario, reg = loadRegistry()): string[] {
  return reg.parts.filter((p) => p.swarm?.test === test).map((p) => p.id);
}

/** A part's tests (course, then ours) by id; none for an unknown id. */
export function partTests(id: string, reg = loadRegistry()): Scenario[] {
  const part = findPart(id, reg);
  return part ? testsOf(part) : [];
}

/** The swarm family whose test is named `test`, if any. */
export function familyOf(test: string, reg = loadRegistry()): AnySwarmFamily | undefined {
  return reg.parts.find((p) => p.swarm?.test.name === test)?.swarm;
}

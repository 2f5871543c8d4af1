// Levels of our tests: how far a learner has come (the last course part written), and what each
// swarm family can grade at that point. The swarm draws only faults and features the level's code
// can meet: the Raft swarm at 2B no crashes and no snapshots, at 2C crashes and crash points, at
// 2D snapshots too (the default); the key/value swarm at 3A no snapshots, at 3B snapshots (the
// default). A run gets its level through RunOptions.params.level (harness/scenario.ts): a part of
// the edition being graded, which names a family's level through the registry (a part's
// swarmLevel: the 2026 edition's 3B-3D grade the Raft swarm at 2023's 2B-2D, same plans, same runs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PartDescription } from '../parts';

/** A part id of the registry ('2B'). */
type CoursePart = string;

/**
 * The 2023 registry's parts in order, loaded when first asked: parts.ts imports the swarm
 * scenarios, which import this file, so an import at the top would let whichever of them is loaded
 * first see the other half-built (a spec that starts from a swarm scenario did).
 */
function registryParts(): readonly PartDescription[] {
  return (require('../parts') as typeof import('../parts')).PARTS;
}
const partIds = (): string[] => registryParts().map((p) => p.id);

/** The parts of the edition being graded (DSLAB_EDITION), loaded when first asked as above. */
function editionParts(): readonly PartDescription[] {
  const editions = require('../editions') as typeof import('../editions');
  return editions.partsOf(editions.currentEdition());
}

export const RAFT_SWARM_LEVELS = ['2B', '2C', '2D'] as const;
export type RaftSwarmLevel = (typeof RAFT_SWARM_LEVELS)[number];
export const KV_SWARM_LEVELS = ['3A', '3B'] as const;
export type KvSwarmLevel = (typeof KV_SWARM_LEVELS)[number];

/** The levels of each swarm family, lowest first; a run without a level runs at the last. */
export const levels = {
  TestSwarmRaft: RAFT_SWARM_LEVELS,
  TestSwarmKV: KV_SWARM_LEVELS,
} as const;

/**
 * A course part of the edition being graded, as written on a command line or in params ('2b',
 * '3B'); throws if it is none.
 */
export function parsePart(text: string): CoursePart {
  const part = text.trim().toUpperCase();
  const ids = editionParts().map((p) => p.id);
  const found = ids.find((p) => p === part);
  if (!found)
    throw new Error(
      `level ${JSON.stringify(text)} is not a part of the course (${ids.join(', ')})`,
    );
  return found;
}

/** The name a part gives a family's level: its swarmLevel (2026's 3B: 2B), else its id. */
const levelName = (p: PartDescription) => p.swarmLevel ?? p.id;

/**
 * The level of a family for a learner who has written everything up to `reached` (a part of the
 * edition being graded): the family's level that the last part up to `reached` naming one of its
 * levels names, or undefined when the family needs a later part (the Raft swarm before 2B, or 3B
 * in 2026; the key/value swarm before 3A). Family levels are in the family's own names, so a
 * 2026 part reaches the Raft swarm's 2023 levels through its swarmLevel in the registry. No
 * `reached`: the family's highest level.
 */
export function levelFor<L extends CoursePart>(
  family: readonly L[],
  reached: string | undefined,
): L | undefined {
  if (reached === undefined) return family[family.length - 1];
  const part = parsePart(reached);
  const parts = editionParts();
  let level: L | undefined;
  for (const p of parts.slice(0, parts.findIndex((q) => q.id === part) + 1))
    if ((family as readonly string[]).includes(levelName(p))) level = levelName(p) as L;
  return level;
}

/** levelFor, for a scenario's run: a level below the family's lowest is an error that says so. */
export function runLevel<L extends CoursePart>(
  family: readonly L[],
  reached: string | undefined,
  name: string,
): L {
  const level = levelFor(family, reached);
  if (level === undefined) {
    // The lowest level as the edition being graded names its part (2026: 3B for 2023's 2B).
    const lowest = editionParts().find((p) => levelName(p) === family[0])?.id ?? family[0];
    throw new Error(
      `the ${name} needs part ${lowest} at least (the level given is ${parsePart(reached!)}): it cannot grade code before that`,
    );
  }
  return level;
}

/**
 * Whether a level of a 2023 family reaches a part of it (e.g. atLeast('2C', '2B') is true): the
 * Raft and key/value swarms' levels are 2023 part ids in every edition.
 */
export function atLeast(level: CoursePart, part: CoursePart): boolean {
  const rank = (p: CoursePart) => partIds().indexOf(p);
  return rank(level) >= rank(part);
}

// ---- how far a learner's folder has come ----

/** The kit's entry points not yet written throw "<file>: <method>() is not implemented yet (part 2X...)". */
const NOT_IMPLEMENTED = /['"`][^'"`\n]*\bis not implemented yet \(part ([2-5][A-Z]+)\b/g;
/** Raft's persistence has no throw in the kit: its hook is persist(), which the kit leaves empty (comments only). */
const EMPTY_PERSIST = /\bpersist\(\)\s*(?::\s*void\s*)?\{(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*\}/;
/** Each layer's folder, and the first part a learner writes it in. */
function firstPartOfLayers(parts: readonly PartDescription[]): [string, CoursePart][] {
  const first = new Map<string, CoursePart>();
  for (const p of parts) for (const l of p.writes) if (!first.has(l)) first.set(l, p.id);
  return [...first];
}

/**
 * The last part of the edition being graded that a learner's TypeScript folder (laid out as the
 * starter kit: raft/, kvraft/, ...) has written: the part before the first one still missing,
 * where a part is missing when a statement (not a comment) still throws the kit's "is not
 * implemented yet (part X)", when raft's persist() is still empty (2023's 2C, 2026's 3C: no
 * throw), or when its layer's folder has no .ts file. undefined: not even the first part. The
 * reference (src/) has none missing: the last part ('4B'; 2026: '5C').
 */
export function highestImplementedPart(sourceDir: string): CoursePart | undefined {
  const parts = editionParts();
  const ids = parts.map((p) => p.id);
  // The part that is 2023's 2C (the Raft swarm's level names the 2023 part each Raft part is).
  const persistence = parts.find((p) => levelName(p) === '2C')?.id;
  const missing = new Set<CoursePart>();
  for (const [layer, first] of firstPartOfLayers(parts)) {
    const files = typeScriptFiles(path.join(sourceDir, layer));
    if (files.length === 0) missing.add(first);
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const code = withoutLineComments(text);
      for (const m of code.matchAll(NOT_IMPLEMENTED)) missing.add(m[1] as CoursePart);
      if (layer === 'raft' && persistence && EMPTY_PERSIST.test(text)) missing.add(persistence);
    }
  }
  const first = ids.findIndex((p) => missing.has(p));
  if (first < 0) return ids[ids.length - 1];
  return first === 0 ? undefined : ids[first - 1];
}

/** The text with every line that is a comment (// ..., /* ..., * ...) blanked: a throw commented out is gone. */
function withoutLineComments(text: string): string {
  return text
    .split('\n')
    .map((line) => (/^\s*(\/\/|\/\*|\*)/.test(line) ? '' : line))
    .join('\n');
}

/** Every .ts file (not .d.ts) under dir, skipping node_modules and dot folders; none if dir is absent. */
function typeScriptFiles(dir: string): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...typeScriptFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out.sort();
}

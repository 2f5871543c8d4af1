// Levels of our tests: how far a learner has come (the last course part written), and what each
// swarm family can grade at that point. The swarm draws only faults and features the level's code
// can meet: the Raft swarm at 2B no crashes and no snapshots, at 2C crashes and crash points, at
// 2D snapshots too (the default); the key/value swarm at 3A no snapshots, at 3B snapshots (the
// default). A run gets its level through RunOptions.params.level (harness/scenario.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PartDescription } from '../parts';

/** A part id of the registry ('2B'). */
type CoursePart = string;

/**
 * The registry's parts in order, loaded when first asked: parts.ts imports the swarm scenarios,
 * which import this file, so an import at the top would let whichever of them is loaded first see
 * the other half-built (a spec that starts from a swarm scenario did).
 */
function registryParts(): readonly PartDescription[] {
  return (require('../parts') as typeof import('../parts')).PARTS;
}
const partIds = (): string[] => registryParts().map((p) => p.id);

export const RAFT_SWARM_LEVELS = ['2B', '2C', '2D'] as const;
export type RaftSwarmLevel = (typeof RAFT_SWARM_LEVELS)[number];
export const KV_SWARM_LEVELS = ['3A', '3B'] as const;
export type KvSwarmLevel = (typeof KV_SWARM_LEVELS)[number];

/** The levels of each swarm family, lowest first; a run without a level runs at the last. */
export const levels = {
  TestSwarmRaft: RAFT_SWARM_LEVELS,
  TestSwarmKV: KV_SWARM_LEVELS,
} as const;

/** A course part as written on a command line or in params ('2b', '2B'); throws if it is none. */
export function parsePart(text: string): CoursePart {
  const part = text.trim().toUpperCase();
  const found = partIds().find((p) => p === part);
  if (!found)
    throw new Error(
      `level ${JSON.stringify(text)} is not a part of the course (${partIds().join(', ')})`,
    );
  return found;
}

const rank = (part: CoursePart) => partIds().indexOf(part);

/**
 * The level of a family for a learner who has written everything up to `reached` (a part): the
 * highest of `family` at or below it, or undefined when the family needs a later part (the Raft
 * swarm before 2B, the key/value swarm before 3A). No `reached`: the family's highest level.
 */
export function levelFor<L extends CoursePart>(
  family: readonly L[],
  reached: string | undefined,
): L | undefined {
  if (reached === undefined) return family[family.length - 1];
  const part = parsePart(reached);
  let level: L | undefined;
  for (const l of family) if (rank(l) <= rank(part)) level = l;
  return level;
}

/** levelFor, for a scenario's run: a level below the family's lowest is an error that says so. */
export function runLevel<L extends CoursePart>(
  family: readonly L[],
  reached: string | undefined,
  name: string,
): L {
  const level = levelFor(family, reached);
  if (level === undefined)
    throw new Error(
      `the ${name} needs part ${family[0]} at least (the level given is ${parsePart(reached!)}): it cannot grade code before that`,
    );
  return level;
}

/** Whether a level reaches a part (e.g. atLeast('2C', '2B') is false). */
export function atLeast(level: CoursePart, part: CoursePart): boolean {
  return rank(level) >= rank(part);
}

// ---- how far a learner's folder has come ----

/** The kit's entry points not yet written throw "<file>: <method>() is not implemented yet (part 2X...)". */
const NOT_IMPLEMENTED = /['"`][^'"`\n]*\bis not implemented yet \(part ([2-4][A-D])\b/g;
/** Part 2C has no throw in the kit: its hook is persist(), which the kit leaves empty (comments only). */
const EMPTY_PERSIST = /\bpersist\(\)\s*(?::\s*void\s*)?\{(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*\}/;
/** Each layer's folder, and the first part a learner writes it in. */
function firstPartOfLayers(): [string, CoursePart][] {
  const first = new Map<string, CoursePart>();
  for (const p of registryParts()) for (const l of p.writes) if (!first.has(l)) first.set(l, p.id);
  return [...first];
}

/**
 * The last course part a learner's TypeScript folder (laid out as the starter kit: raft/,
 * kvraft/, ...) has written: the part before the first one still missing, where a part is missing
 * when a statement (not a comment) still throws the kit's "is not implemented yet (part X)", when
 * raft's persist() is still empty (2C, which has no throw), or when its layer's folder has no .ts
 * file. undefined: not even 2A. The reference (src/) has none missing: '4B'.
 */
export function highestImplementedPart(sourceDir: string): CoursePart | undefined {
  const missing = new Set<CoursePart>();
  for (const [layer, first] of firstPartOfLayers()) {
    const files = typeScriptFiles(path.join(sourceDir, layer));
    if (files.length === 0) missing.add(first);
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const code = withoutLineComments(text);
      for (const m of code.matchAll(NOT_IMPLEMENTED)) missing.add(m[1] as CoursePart);
      if (layer === 'raft' && EMPTY_PERSIST.test(text)) missing.add('2C');
    }
  }
  const ids = partIds();
  const first = ids.find((p) => missing.has(p));
  if (first === undefined) return ids[ids.length - 1];
  return rank(first) === 0 ? undefined : ids[rank(first) - 1];
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

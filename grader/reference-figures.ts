// The reference implementation's figures beside a learner's: labs/reference-figures.json holds, per
// test and recorded seed, the reference's virtual time and RPC count (npm run reference-figures
// writes it). The grade table shows the reference's mean on the same seeds when they were recorded,
// else on all recorded seeds, and marks a test whose every run passed but whose mean virtual time
// or RPC count is over SLOWER times the reference's, with a hint at the usual cause: code that is
// correct but slow passes every test, and nothing else would say so.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunRecord } from './protocol';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const FIGURES_FILE = path.join(PROJECT_ROOT, 'labs', 'reference-figures.json');
/** The fingerprints' seeds (tools/fingerprints.ts): stale figures show as changed fingerprints. */
export const FIGURE_SEEDS: readonly number[] = [51, 52];
/** A mean over this many times the reference's is marked. */
export const SLOWER = 1.3;

export interface SeedFigures {
  virtualMs: number;
  rpcs: number;
  fingerprint: string;
}

export interface FiguresFile {
  about: string;
  node: string;
  seeds: number[];
  /** Test name -> seed -> figures. */
  tests: Record<string, Record<string, SeedFigures>>;
}

/** The reference's mean (and highest) on some seeds. */
export interface ReferenceFigure {
  virtualMs: number;
  rpcs: number;
  maxVirtualMs: number;
  maxRpcs: number;
  /** On exactly the seeds graded; else on every recorded seed. */
  sameSeeds: boolean;
}

/** A measure of a test over SLOWER times the reference's. */
export interface SlowMark {
  test: string;
  part: string;
  what: 'virtual time' | 'RPCs';
  mine: number;
  reference: number;
  sameSeeds: boolean;
  hint: string;
}

/** What usually makes a layer's runs slow or chatty while they still pass, by the layer a part writes. */
const HINTS: Record<string, { rpcs: string; time: string }> = {
  raft: {
    rpcs: 'does your leader back nextIndex up one entry at a time, or send AppendEntries more often than heartbeats and new entries need?',
    time: 'are your election timeouts long, or does your leader wait for the next heartbeat to send new entries?',
  },
  kvraft: {
    rpcs: 'does your clerk remember the leader?',
    time: 'does your clerk remember the leader, and does a server answer as soon as the command is applied?',
  },
  shardctrler: {
    rpcs: 'does your clerk remember the leader?',
    time: 'does your clerk remember the leader?',
  },
  shardkv: {
    rpcs: "does your clerk remember each group's leader?",
    time: 'do your groups poll the controller often, and hand shards over as soon as they can?',
  },
};

let cache: { file: string; figures: FiguresFile | undefined } | undefined;

/** The recorded figures, or undefined when the file is absent or unreadable (no column shown). */
export function readFigures(file = FIGURES_FILE): FiguresFile | undefined {
  if (cache?.file === file) return cache.figures;
  let figures: FiguresFile | undefined;
  try {
    figures = JSON.parse(fs.readFileSync(file, 'utf8')) as FiguresFile;
  } catch {
    figures = undefined;
  }
  cache = { file, figures };
  return figures;
}

/** The reference's mean for a test on `seeds` if all were recorded, else on every recorded seed. */
export function referenceFigure(
  figures: FiguresFile,
  test: string,
  seeds: readonly number[],
): ReferenceFigure | undefined {
  const recorded = figures.tests[test];
  if (!recorded) return undefined;
  const same = seeds.length > 0 && seeds.every((s) => recorded[String(s)] !== undefined);
  const used = same ? seeds.map((s) => recorded[String(s)]) : Object.values(recorded);
  if (used.length === 0) return undefined;
  const mean = (pick: (f: SeedFigures) => number) =>
    used.reduce((sum, f) => sum + pick(f), 0) / used.length;
  const most = (pick: (f: SeedFigures) => number) => Math.max(...used.map(pick));
  return {
    virtualMs: mean((f) => f.virtualMs),
    rpcs: mean((f) => f.rpcs),
    maxVirtualMs: most((f) => f.virtualMs),
    maxRpcs: most((f) => f.rpcs),
    sameSeeds: same,
  };
}

export interface TestFigures {
  name: string;
  part: string;
  /** The layer the test's part writes (the hints are per layer: part ids differ by edition). */
  layer?: string;
  /** Every run passed: only then are its figures compared. */
  passed: boolean;
  meanVirtualMs: number | undefined;
  meanRpcs: number | undefined;
}

/**
 * The marks of one test: its mean virtual time and RPCs against the reference's. On other seeds
 * than the recorded ones the bar is the reference's highest, not its mean: seeds alone move a
 * test's figures by up to a third, and the reference must not be marked against itself.
 */
export function slowMarks(
  t: TestFigures,
  reference: ReferenceFigure | undefined,
  slower = SLOWER,
): SlowMark[] {
  if (!t.passed || !reference) return [];
  const hints = t.layer ? HINTS[t.layer] : undefined;
  const marks: SlowMark[] = [];
  const check = (what: SlowMark['what'], mine: number | undefined, ref: number, most: number) => {
    const bar = reference.sameSeeds ? ref : most;
    if (mine === undefined || ref <= 0 || mine <= bar * slower) return;
    const hint = hints
      ? what === 'RPCs'
        ? hints.rpcs
        : hints.time
      : 'replay a seed with --columns to see where they go';
    marks.push({
      test: t.name,
      part: t.part,
      what,
      mine,
      reference: ref,
      sameSeeds: reference.sameSeeds,
      hint,
    });
  };
  check('RPCs', t.meanRpcs, reference.rpcs, reference.maxRpcs);
  check('virtual time', t.meanVirtualMs, reference.virtualMs, reference.maxVirtualMs);
  return marks;
}

/** The seeds of a test's finished runs. */
export function seedsOf(records: readonly RunRecord[], test: string): number[] {
  return records
    .filter((r) => r.test === test && (r.status === 'passed' || r.status === 'failed'))
    .map((r) => r.seed);
}

/**
 * One line for a test's marks: `3A TestSpeed3A: 45% more RPCs (4,394 against 3,036) and 50% more
 * virtual time (24.4 s against 16.2 s) than the reference, on the same seeds: hint`.
 */
export function markLine(marks: readonly SlowMark[]): string {
  const first = marks[0];
  const parts = marks.map((m) => {
    const pct = Math.round((m.mine / m.reference - 1) * 100);
    const fmt = (v: number) =>
      m.what === 'RPCs' ? Math.round(v).toLocaleString('en-US') : `${(v / 1000).toFixed(1)} s`;
    return `${pct}% more ${m.what} (${fmt(m.mine)} against ${fmt(m.reference)})`;
  });
  const where = first.sameSeeds
    ? 'on the same seeds'
    : `its mean on seeds ${FIGURE_SEEDS.join(', ')}`;
  return `${first.part} ${first.test}: ${parts.join(' and ')} than the reference, ${where}: ${first.hint}`;
}

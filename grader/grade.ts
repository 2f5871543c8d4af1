// `grade [LAB...]`: select tests and seeds, check the implementation and output paths, run the
// session, write --json, print the report. Returns the exit status.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomInt } from 'node:crypto';
import chalk from 'chalk';
import { editionTag } from './edition';
import type { LabPart } from '../harness/scenario';
import { SWARM } from '../labs';
import {
  applyShard,
  layersFor,
  makeJobs,
  namesOnePart,
  parseLabChoice,
  pointsOf,
  registry,
  selectTests,
  UsageError,
  type SelectedTest,
  type Shard,
} from './select';
import { checkImpl, describeLayers } from './impls';
import { checkImplBoxed } from './roster/probe';
import { verificationText, verifySample } from './verify';
import { checkDeterminism, determinismText } from './determinism';
import { resolveImplDir } from '../harness/impl';
import { hasLayerSources } from './learner/compile';
import { highestImplementedPart } from '../labs/ours/levels';
import { provenanceOf } from './code-hash';
import type { LayerName } from '../harness/impl';
import {
  checkWritableDir,
  checkWritableFile,
  FORMAT,
  writeJsonAtomic,
  type GradeFile,
} from './results';
import { renderReport, shortPath } from './report';
import { runSession, type ImplChoice } from './session';
import { makeView } from './progress';
import { invocationDir, KEEP_RUNS, pruneInvocations } from './outdir';
import { chooseModules } from './module-state';
import { checkFormatPaths, writeFormats, type FormatOptions } from './formats';

export interface GradeOptions extends FormatOptions {
  labs: string[];
  run?: string;
  runs: number;
  parallel: number;
  seed?: number;
  impl: string;
  /** Layers taken from the reference implementation instead of impl's (--reference). */
  reference?: LayerName[];
  /** Where the implementation choice came from when --impl was not given (DSLAB_IMPL, dslab.json). */
  implFrom?: string;
  json?: string;
  out: string;
  timeoutS: number;
  shard?: Shard;
  failures: number;
  traces: number;
  workerMemoryMb?: number;
  quiet?: boolean;
  bail?: boolean;
  /** Run every seed of a test even after one hung (--keep-going). */
  keepGoing?: boolean;
  /** Load the implementation's modules afresh for every run even when they have no module-level state. */
  freshModules?: boolean;
  /** Grade only the course's tests, not ours (--course-only). */
  courseOnly?: boolean;
  /** The swarm's level when `swarm` is graded without a part (default: the last part's). */
  swarmLevel?: string;
  /** Load and run the implementation without the permission model's box (--no-sandbox). */
  noSandbox?: boolean;
  /** Re-run this many passing runs in fresh workers and compare fingerprints (verify.ts). */
  verifySample?: number;
  /** Run every run a second time in new workers; a different fingerprint fails it (determinism.ts). */
  checkDeterminism?: boolean;
}

export interface Plan {
  parts: LabPart[];
  tests: SelectedTest[];
  partSizes: Partial<Record<LabPart, number>>;
  points: Record<string, number>;
  seed: number;
  notes: string[];
}

export interface PlanOptions {
  courseOnly?: boolean;
  /** The swarm's level if the command line names none. */
  swarmLevel?: string;
}

/** Resolves labs, filter and seed; a whole lab or `all` skips parts without tests, a named part does not. */
export function plan(
  labs: string[],
  run: string | undefined,
  seed: number | undefined,
  options: PlanOptions = {},
): Plan {
  const reg = registry();
  const choice = parseLabChoice(labs, reg);
  const level = choice.level ?? options.swarmLevel;
  const selection = selectTests(choice.parts, run, namesOnePart(labs, reg), reg, {
    ...(options.courseOnly ? { courseOnly: true } : {}),
    ...(level ? { level } : {}),
  });
  const notes =
    selection.empty.length > 0 ? [`(no tests yet in ${selection.empty.join(', ')}: skipped)`] : [];
  if (options.courseOnly && choice.parts.includes(SWARM))
    notes.push('(--course-only: the swarm tests are ours; graded all the same, since named)');
  const partSizes: Partial<Record<LabPart, number>> = {};
  for (const p of reg.parts) if (selection.parts.includes(p.id)) partSizes[p.id] = p.course.length;
  return {
    parts: selection.parts,
    tests: selection.tests,
    partSizes,
    points: pointsOf(reg),
    // A random first seed, small enough to type back in; always printed.
    seed: seed ?? randomInt(1, 1_000_000),
    notes,
  };
}

export function defaultParallel(): number {
  return Math.max(1, os.availableParallelism());
}

/** A worker's default heap limit is at most this (MB): a run that needs more has a bug. */
export const MAX_WORKER_MEMORY_MB = 1024;

/**
 * A heap limit per worker: the machine's memory shared among the workers and the grader itself,
 * so that the machine stays usable with every worker at its limit, and at most 1 GiB each.
 */
export function defaultWorkerMemory(parallel: number, totalMb = os.totalmem() / 2 ** 20): number {
  return Math.max(
    128,
    Math.min(MAX_WORKER_MEMORY_MB, Math.floor(Math.floor(totalMb) / (parallel + 1))),
  );
}

/** A busy worker silent this long is hung: 10 s, or half of a short --timeout. */
export function silenceFor(timeoutMs: number): number {
  return Math.min(10_000, Math.max(1000, timeoutMs / 2));
}

/**
 * The swarm's level when the command line names none: for a learner's folder, the highest part it
 * has written (labs/ours/levels.ts); for anything else (the reference, a variant, a mix with
 * reference layers), the last part.
 */
export function defaultSwarmLevel(
  implArg: string,
  reference: readonly string[],
): { level?: string; note?: string } {
  const abs = path.resolve(implArg);
  if (reference.length > 0 || !hasLayerSources(abs) || resolveImplDir(abs) !== abs) return {};
  const part = highestImplementedPart(abs);
  if (part === undefined)
    throw new UsageError(
      `${implArg} has not written part ${registry().parts[0]?.id} yet, so no swarm test can grade it; name a part to grade at (grade swarm ${(registry().parts.find((p) => p.swarm)?.id ?? '2B').toLowerCase()})`,
    );
  return {
    level: part,
    note: `(swarm at level ${part}: the highest part ${implArg} has written; grade swarm PART for another)`,
  };
}

export async function grade(o: GradeOptions): Promise<number> {
  const choice = parseLabChoice(o.labs);
  const named = choice.level ?? o.swarmLevel;
  const auto =
    choice.parts.includes(SWARM) && !named ? defaultSwarmLevel(o.impl, o.reference ?? []) : {};
  const swarmLevel = o.swarmLevel ?? auto.level;
  const p = plan(o.labs, o.run, o.seed, {
    ...(o.courseOnly ? { courseOnly: true } : {}),
    ...(swarmLevel ? { swarmLevel } : {}),
  });
  if (auto.note) p.notes.push(auto.note);
  if (o.shard && o.seed === undefined) {
    throw new UsageError(
      '--shard needs --seed, so that every shard grades the same seeds (e.g. --seed 1000 --shard 1/4)',
    );
  }
  const reference = o.reference ?? [];
  // Loading runs its top-level code: in the box, like its runs (sandbox.ts).
  const implDir = o.noSandbox
    ? checkImpl(o.impl, layersFor(p.tests), reference)
    : checkImplBoxed(o.impl, layersFor(p.tests), reference, o.workerMemoryMb ?? 1024);
  if (o.json) checkWritableFile(o.json, '--json');
  checkFormatPaths(o);
  checkWritableDir(o.out, '--out');
  const allJobs = makeJobs(p.tests, p.seed, o.runs);
  const jobs = applyShard(allJobs, o.shard);
  const parallel = Math.max(1, Math.min(o.parallel, jobs.length));
  // Decided here, once, so that every worker agrees and the report says it once.
  const modules = chooseModules(implDir, Boolean(o.freshModules));
  const impl: ImplChoice = {
    arg: o.impl,
    dir: implDir,
    ...(reference.length > 0 ? { reference } : {}),
    ...(modules.warm ? { warm: true } : {}),
  };
  const implText = `implementation ${o.impl}${o.implFrom ? ` (${o.implFrom})` : ''}${reference.length > 0 ? ` (${describeLayers(layersFor(p.tests), reference)})` : ''}`;
  const seeds = o.runs === 1 ? `seed ${p.seed}` : `seeds ${p.seed}..${p.seed + o.runs - 1}`;
  const shardText = o.shard
    ? ` (shard ${o.shard.index}/${o.shard.count}: ${jobs.length} of ${allJobs.length})`
    : '';
  process.stderr.write(
    `${chalk.bold('grading')}${editionTag()} ${p.parts.join(' ')}: ${p.tests.length} tests x ${o.runs} runs = ${jobs.length} runs${shardText}, ${seeds} (repeat with --seed ${p.seed}), ${implText}, ${parallel} worker${parallel === 1 ? '' : 's'}\n`,
  );
  for (const n of p.notes) process.stderr.write(`${n}\n`);
  // Keep the newest KEEP_RUNS - 1 earlier invocations; this one is the KEEP_RUNS-th.
  pruneInvocations(o.out, KEEP_RUNS - 1);
  const outDir = invocationDir(o.out, p.parts);
  const view = makeView(o.quiet);
  view.start(jobs.length);
  const timeoutMs = o.timeoutS * 1000;
  const session = await runSession({
    jobs,
    impls: [impl],
    parallel,
    timeoutMs,
    silenceMs: silenceFor(timeoutMs),
    memoryMb: o.workerMemoryMb ?? defaultWorkerMemory(parallel),
    outDir,
    traces: o.traces,
    view,
    ...(o.bail ? { bail: true } : {}),
    ...(o.keepGoing ? { keepGoing: true } : {}),
    ...(o.noSandbox ? { noSandbox: true } : {}),
  });
  if (session.fatal)
    throw new UsageError(
      `${session.fatal.split('\n').join(' | ')} (run npm run build, then try again)`,
    );
  const verification =
    o.verifySample && !session.interrupted
      ? await verifySample(session.records, impl, o.verifySample, {
          timeoutMs,
          silenceMs: silenceFor(timeoutMs),
          memoryMb: o.workerMemoryMb ?? defaultWorkerMemory(parallel),
          parallel,
          ...(o.noSandbox ? { noSandbox: true } : {}),
        })
      : undefined;
  const determinism =
    o.checkDeterminism && !session.interrupted
      ? await checkDeterminism(jobs, session.records, impl, {
          timeoutMs,
          silenceMs: silenceFor(timeoutMs),
          memoryMb: o.workerMemoryMb ?? defaultWorkerMemory(parallel),
          parallel,
          ...(o.quiet ? { quiet: true } : {}),
          ...(o.noSandbox ? { noSandbox: true } : {}),
        })
      : undefined;
  const file: GradeFile = {
    format: FORMAT,
    node: process.version,
    provenance: provenanceOf(implDir),
    impl: o.impl,
    implDir,
    ...(reference.length > 0 ? { reference } : {}),
    parts: p.parts,
    ...(o.run !== undefined ? { run: o.run } : {}),
    seed: p.seed,
    runs: o.runs,
    tests: p.tests,
    partSizes: p.partSizes,
    points: p.points,
    ...(o.courseOnly ? { courseOnly: true } : {}),
    ...(o.shard ? { shard: o.shard } : {}),
    expectedRuns: jobs.length,
    interrupted: session.interrupted,
    ...(session.bailed ? { bailed: true } : {}),
    parallel,
    realMs: session.realMs,
    timeoutS: o.timeoutS,
    modules: modules.note,
    ...(session.globals.length > 0 ? { globals: session.globals } : {}),
    ...(verification ? { verification } : {}),
    ...(determinism ? { determinism } : {}),
    results: session.records,
  };
  if (o.json) writeJsonAtomic(o.json, file);
  const report = renderReport(file, { maxFailures: o.failures });
  process.stdout.write(`\n${report.text}\n`);
  if (o.json) process.stdout.write(`results: ${o.json}\n`);
  for (const line of writeFormats(file, o)) process.stdout.write(`${line}\n`);
  if (fs.existsSync(outDir))
    process.stdout.write(
      `traces and reports of failing runs: ${shortPath(outDir)} (the last ${KEEP_RUNS} grades are kept under ${o.out})\n`,
    );
  if (verification) process.stdout.write(`${verificationText(verification)}\n`);
  if (determinism) process.stdout.write(`${determinismText(determinism)}\n`);
  if (session.interrupted || determinism?.interrupted) return 130;
  return verification?.mismatches.length ? Math.max(1, report.exitCode) : report.exitCode;
}

// The --json results file: what was graded (parts, tests, seeds, shard) and a record per run.
// Written atomically (temp file + rename) so a reader never sees half a file; read back by
// `grade merge`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LabPart } from '../harness/scenario';
import type { RunRecord } from './protocol';
import { UsageError, type SelectedTest, type Shard } from './select';
import type { Provenance } from './code-hash';

export const FORMAT = 'dslab-grade/1';

export interface GradeFile {
  format: typeof FORMAT;
  /** Fingerprints depend on the Node major version (promise job order): recorded with the seed. */
  node: string;
  /** What code produced the file (absent in files of graders before it was recorded). */
  provenance?: Provenance;
  /** The implementation as given on the command line, and where it was loaded from. */
  impl: string;
  implDir: string;
  /** Layers taken from the reference implementation (--reference), if any. */
  reference?: string[];
  parts: LabPart[];
  /** --run filter, if any. */
  run?: string;
  seed: number;
  runs: number;
  /**
   * challenge: optional in the course (4B's challenge tests); ours: graded beside the course's
   * score; level: a swarm test's level.
   */
  tests: SelectedTest[];
  /** Course tests each part has in the registry (the score shares a part's points among them). */
  partSizes: Partial<Record<LabPart, number>>;
  /** Points per part, from the registry (shared by its course tests). */
  points?: Record<string, number>;
  /** Only the course's tests were graded (--course-only). */
  courseOnly?: boolean;
  shard?: Shard;
  /** Runs this file should hold (its shard's share of tests × runs). */
  expectedRuns: number;
  interrupted: boolean;
  /** Stopped at the first failure (--bail): the runs after it were not run. */
  bailed?: boolean;
  parallel: number;
  realMs: number;
  /** The --timeout used (seconds): a hung run replays under the same one. */
  timeoutS?: number;
  /** Whether the implementation's modules stayed loaded between runs, and why not (grader/module-state.ts). */
  modules?: string;
  /** Runs that added properties to globalThis (removed after each run). */
  globals?: string[];
  /** --verify-sample: passing runs re-run in fresh workers, and those that gave another result. */
  verification?: { sampled: number; mismatches: string[] };
  /** --check-determinism: runs run a second time in new workers, and those that differed. */
  determinism?: { repeated: number; differences: string[]; interrupted?: boolean };
  results: RunRecord[];
}

/**
 * Checks up front that `file` can be written (its directory exists and is writable, and it is
 * not a directory), so that a long grade does not end in a failed write.
 */
export function checkWritableFile(file: string, option: string): void {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  if (fs.existsSync(abs) && fs.statSync(abs).isDirectory())
    throw new UsageError(
      `cannot write ${option} ${file}: it is a directory; give a file name such as results.json`,
    );
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new UsageError(
      `cannot write ${option} ${file}: directory ${dir} does not exist; create it or choose another path`,
    );
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    if (fs.existsSync(abs)) fs.accessSync(abs, fs.constants.W_OK);
  } catch {
    throw new UsageError(
      `cannot write ${option} ${file}: permission denied; choose a path you can write to`,
    );
  }
}

/** Checks that `dir` is, or can be created as, a writable directory; creates nothing. */
export function checkWritableDir(dir: string, option: string): void {
  let probe = path.resolve(dir);
  if (fs.existsSync(probe) && !fs.statSync(probe).isDirectory())
    throw new UsageError(
      `cannot use ${option} ${dir}: it is a file, not a directory; choose another path`,
    );
  while (!fs.existsSync(probe)) {
    const parent = path.dirname(probe);
    if (parent === probe) break;
    probe = parent;
  }
  try {
    if (!fs.statSync(probe).isDirectory()) throw new Error('not a directory');
    fs.accessSync(probe, fs.constants.W_OK);
  } catch {
    throw new UsageError(
      `cannot use ${option} ${dir}: ${probe} is not a writable directory; choose another path`,
    );
  }
}

/** Writes JSON next to its destination and renames it into place. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const abs = path.resolve(file);
  const tmp = `${abs}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, `${JSON.stringify(value, null, 1)}\n`);
    fs.renameSync(tmp, abs);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw new UsageError(`cannot write ${file}: ${(error as Error).message}`);
  }
}

export function readGradeFile(file: string): GradeFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}; give files written by grade --json`,
    );
  }
  let value: GradeFile;
  try {
    value = JSON.parse(text) as GradeFile;
  } catch {
    throw new UsageError(`${file} is not valid JSON; give files written by grade --json`);
  }
  if (
    !value ||
    value.format !== FORMAT ||
    !Array.isArray(value.results) ||
    !Array.isArray(value.tests)
  ) {
    throw new UsageError(
      `${file} is not a grade results file (format ${FORMAT}); give files written by grade --json`,
    );
  }
  return value;
}

// Gradescope, both sides:
// - `dslab gradescope --parts lab2a -n 20 --out autograder.zip` (course staff, in the full project)
//   builds the autograder bundle: the student edition (tools/pack-student.ts: no reference
//   solution), setup.sh (Node 20 and npm ci, when Gradescope builds the image), run_autograder and
//   the grading settings (dslab-autograder.json).
// - `dslab autograde --root /autograder --config dslab-autograder.json` (what run_autograder runs,
//   in the bundle) finds the student's folder in /autograder/submission, grades it, and writes
//   /autograder/results/results.json in Gradescope's format (formats/gradescope.ts) — also when the
//   submission does not compile or holds no folder to grade (score 0, the reason as the output).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { CompileError, hasLayerSources } from './learner/compile';
import { grade, plan } from './grade';
import { readGradeFile, writeJsonAtomic } from './results';
import { UsageError } from './select';
import {
  gradescopeResults,
  ungradedResults,
  VISIBILITIES,
  type GradescopeResults,
  type Visibility,
} from './formats/gradescope';

/** The project's root (this file runs from dist/grader). */
const PROJECT_DIR = path.resolve(__dirname, '..', '..');

/** The settings file in the bundle, beside run_autograder. */
export const CONFIG_NAME = 'dslab-autograder.json';

/** What run_autograder grades: the bundle's settings. */
export interface AutogradeConfig {
  /** Parts as the grader takes them: lab2a, 2b, lab3, ... */
  parts: string[];
  runs: number;
  /** A fixed first seed; without it every submission is graded on a seed of its own (printed). */
  seed?: number;
  parallel: number;
  timeoutS: number;
  visibility: Visibility;
  courseOnly?: boolean;
}

/** Folders of a whole repository that are not the student's: the kit, the project's own code. */
const NOT_THE_STUDENTS = new Set([
  'node_modules',
  'dist',
  'starter',
  'src',
  'impls',
  'test',
  'harness',
  'labs',
  'engine',
  'grader',
  'checker',
  'tools',
  'out',
]);

export interface SubmissionImpl {
  /** The folder to grade. */
  dir: string;
  /** How replay commands name it, for the student (their folder in their copy of the project). */
  shown: string;
  /** Said at the top of the output. */
  note: string;
}

/**
 * The student's folder in a submission: the submission itself when it holds the layers (raft/,
 * kvraft/, ...: the folder's contents were uploaded), else the folder dslab.json names, else the
 * one folder (up to three levels down, the kit and the project's own folders aside) that holds them.
 */
export function findSubmissionImpl(submission: string): SubmissionImpl {
  if (!fs.existsSync(submission) || !fs.statSync(submission).isDirectory())
    throw new UsageError(`there is no submission folder ${submission}`);
  if (hasLayerSources(submission))
    return {
      dir: submission,
      shown: 'mylab',
      note: 'graded: the folder you uploaded (replay commands below call it mylab, npm run new-lab’s default: put your folder’s name instead)',
    };
  const config = path.join(submission, 'dslab.json');
  if (fs.existsSync(config)) {
    try {
      const impl = (JSON.parse(fs.readFileSync(config, 'utf8')) as { impl?: unknown }).impl;
      const dir = typeof impl === 'string' ? path.resolve(submission, impl) : '';
      if (dir && isInside(dir, submission) && hasLayerSources(dir)) {
        const shown = path.relative(submission, dir);
        return { dir, shown, note: `graded: ${shown}/ (named by your dslab.json)` };
      }
    } catch {
      // Not JSON: look for the folder as if there were no dslab.json.
    }
  }
  const found: string[] = [];
  const walk = (d: string, depth: number) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name.startsWith('.') || NOT_THE_STUDENTS.has(e.name)) continue;
      const full = path.join(d, e.name);
      if (hasLayerSources(full)) found.push(full);
      else if (depth < 3) walk(full, depth + 1);
    }
  };
  walk(submission, 1);
  const pick = found.length === 1 ? found[0] : found.find((f) => path.basename(f) === 'mylab');
  if (!pick) {
    throw new UsageError(
      found.length === 0
        ? 'found no folder with your code in the submission: upload the contents of your folder (raft/, kvraft/, ...) or your repository with your folder in it'
        : `found several folders with code in the submission (${found.map((f) => path.relative(submission, f)).join(', ')}): name yours in dslab.json ({ "impl": "mylab" }) or upload only your folder`,
    );
  }
  const shown = path.relative(submission, pick);
  return { dir: pick, shown, note: `graded: ${shown}/ in your submission` };
}

function isInside(dir: string, root: string): boolean {
  const rel = path.relative(root, dir);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Reads and checks the bundle's settings. */
export function readConfig(file: string): AutogradeConfig {
  let c: Partial<AutogradeConfig>;
  try {
    c = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<AutogradeConfig>;
  } catch (error) {
    throw new UsageError(
      `cannot read the autograder settings ${file}: ${(error as Error).message}`,
    );
  }
  const whole = (x: unknown, min: number) => Number.isSafeInteger(x) && (x as number) >= min;
  if (
    !Array.isArray(c.parts) ||
    c.parts.length === 0 ||
    !c.parts.every((p) => typeof p === 'string') ||
    !whole(c.runs, 1) ||
    !whole(c.parallel, 1) ||
    !whole(c.timeoutS, 1) ||
    (c.seed !== undefined && !whole(c.seed, 0)) ||
    !VISIBILITIES.includes(c.visibility as Visibility)
  )
    throw new UsageError(
      `${file} is not an autograder settings file: write it with dslab gradescope (parts, runs, parallel, timeoutS, visibility, seed)`,
    );
  return c as AutogradeConfig;
}

/** Paths under the submission, as the student knows them. */
function relativeTo(text: string, submission: string): string {
  return text.split(`${submission}${path.sep}`).join('').split(submission).join('submission');
}

/**
 * Grades /autograder/submission (ROOT/submission) and writes ROOT/results/results.json. Returns
 * the exit status: 0 when the results were written, whatever they say.
 */
export async function autograde(root: string, config: AutogradeConfig): Promise<number> {
  const started = performance.now();
  const submission = path.resolve(root, 'submission');
  const resultsFile = path.resolve(root, 'results', 'results.json');
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  const p = plan(config.parts, undefined, config.seed, {
    ...(config.courseOnly ? { courseOnly: true } : {}),
  });
  const write = (results: GradescopeResults) => {
    writeJsonAtomic(resultsFile, results);
    process.stdout.write(`results: ${resultsFile} (score ${results.score})\n`);
  };
  const ungraded = (reason: string) =>
    write(
      ungradedResults(reason, p.tests, p.points, p.partSizes, {
        visibility: config.visibility,
        executionS: (performance.now() - started) / 1000,
      }),
    );
  let impl: SubmissionImpl;
  try {
    impl = findSubmissionImpl(submission);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    ungraded(`Not graded: ${error.message}.`);
    return 0;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dslab-autograde-'));
  const json = path.join(work, 'grade.json');
  try {
    await grade({
      labs: config.parts,
      runs: config.runs,
      parallel: config.parallel,
      seed: p.seed,
      impl: impl.dir,
      json,
      out: path.join(work, 'out'),
      timeoutS: config.timeoutS,
      failures: 3,
      traces: 0,
      quiet: true,
      ...(config.courseOnly ? { courseOnly: true } : {}),
    });
  } catch (error) {
    if (error instanceof CompileError) {
      ungraded(
        `Not graded: your code does not compile (${impl.shown}/).\n\n${relativeTo(error.message, impl.dir)}`,
      );
      return 0;
    }
    if (error instanceof UsageError) {
      ungraded(`Not graded: ${relativeTo(error.message, submission)}`);
      return 0;
    }
    throw error;
  } finally {
    if (!fs.existsSync(json)) fs.rmSync(work, { recursive: true, force: true });
  }
  const file = readGradeFile(json);
  fs.rmSync(work, { recursive: true, force: true });
  const seeds =
    file.runs === 1 ? `seed ${file.seed}` : `seeds ${file.seed}..${file.seed + file.runs - 1}`;
  const results = gradescopeResults(
    { ...file, impl: impl.shown },
    {
      implArg: impl.shown,
      visibility: config.visibility,
      executionS: (performance.now() - started) / 1000,
      preamble: [
        impl.note,
        `${file.parts.join(' ')}: ${file.tests.length} tests x ${file.runs} runs (${seeds}), Node ${file.node}. Replay any run in your copy of the project with the command shown under it.`,
      ],
    },
  );
  for (const t of results.tests) t.output = relativeTo(t.output, impl.dir);
  results.output = relativeTo(results.output, impl.dir);
  write(results);
  return 0;
}

// ---- the bundle ---------------------------------------------------------------------------------

export const SETUP_SH = `#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu), in the folder
# where the bundle is unzipped (/autograder/source): Node.js 20, then the project's dependencies
# and build (npm ci compiles it). The grader needs Node 20: fingerprints and the replay commands
# students get depend on the Node major version.
set -euxo pipefail
NODE_MAJOR=20
if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" != "$NODE_MAJOR" ]; then
  apt-get update
  apt-get install -y ca-certificates curl gnupg
  # Ubuntu's own nodejs package is older (12 on 22.04, 18 on 24.04): NodeSource's packages of
  # Node 20. Or put the official Linux build from nodejs.org on the PATH here instead.
  curl -fsSL "https://deb.nodesource.com/setup_\${NODE_MAJOR}.x" | bash -
  apt-get install -y nodejs
fi
node --version
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
`;

export const RUN_AUTOGRADER = `#!/usr/bin/env bash
# Gradescope runs this for every submission (as /autograder/run_autograder, a copy of this file):
# grades the student's folder in /autograder/submission with the settings in ${CONFIG_NAME} and
# writes /autograder/results/results.json. DSLAB_AUTOGRADER_ROOT stands for /autograder elsewhere
# (a test of the bundle, a rehearsal on your machine).
set -uo pipefail
ROOT="\${DSLAB_AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT/source"
export CI=true FORCE_COLOR=0
exec node dist/grader/cli.js autograde --root "$ROOT" --config ${CONFIG_NAME}
`;

export interface BundleOptions extends AutogradeConfig {
  out: string;
}

/** A fixed time for every entry (zip keeps local time): the same files make the same bundle. */
const ZIP_TIME = new Date(2000, 0, 1);

interface Packer {
  packStudent(out: string): { dir: string; files: string[] };
}

/** The student edition's packer: in the full project only (the edition has no tools/pack-student). */
function packer(): Packer {
  const file = path.join(PROJECT_DIR, 'dist', 'tools', 'pack-student.js');
  if (!fs.existsSync(file))
    throw new UsageError(
      'dslab gradescope builds the bundle from the full project (it packs the student edition with tools/pack-student.ts), which this copy is not',
    );
  return require(file) as Packer;
}

export function buildBundle(o: BundleOptions): { file: string; files: number; bytes: number } {
  // The parts must make sense before anything is packed.
  const p = plan(o.parts, undefined, o.seed, o.courseOnly ? { courseOnly: true } : {});
  if (p.tests.length === 0) throw new UsageError(`no tests in ${o.parts.join(' ')}`);
  const out = path.resolve(o.out);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dslab-gradescope-'));
  try {
    const { dir, files } = packer().packStudent(work);
    const config: AutogradeConfig = {
      parts: o.parts,
      runs: o.runs,
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      parallel: o.parallel,
      timeoutS: o.timeoutS,
      visibility: o.visibility,
      ...(o.courseOnly ? { courseOnly: true } : {}),
    };
    const entries: Zippable = {};
    const add = (name: string, data: Uint8Array, mode: number) => {
      entries[name] = [data, { os: 3, attrs: (0o100000 | mode) << 16, mtime: ZIP_TIME }];
    };
    for (const f of files) {
      const full = path.join(dir, f);
      add(f, fs.readFileSync(full), fs.statSync(full).mode & 0o777);
    }
    add('setup.sh', Buffer.from(SETUP_SH), 0o755);
    add('run_autograder', Buffer.from(RUN_AUTOGRADER), 0o755);
    add(CONFIG_NAME, Buffer.from(`${JSON.stringify(config, null, 2)}\n`), 0o644);
    const zip = zipSync(entries, { level: 9 });
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, zip);
    fs.renameSync(tmp, out);
    return { file: out, files: Object.keys(entries).length, bytes: zip.length };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

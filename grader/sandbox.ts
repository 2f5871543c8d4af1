// The box a graded implementation runs in: Node's permission model (--experimental-permission,
// Node 20). A sandboxed worker may read the grader's own compiled folders, the packages they use and
// the one implementation it was started for, and write only to its output folder and a scratch
// folder of its own; it may not start processes or threads, load addons, use WASI or the
// inspector, or call process.binding (Node denies all of these once the model is on). Node's model
// does not cover sockets: the run's traps (engine/sim/guard.ts) refuse the network modules.
// README "Grading untrusted code" says what this blocks and what it does not.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { implementationRoots } from './learner/mix';
import { EDITION_ENV } from '../labs/editions';

/** dist/ (this file runs from dist/grader). */
const DIST_ROOT = path.resolve(__dirname, '..');
const PROJECT_ROOT = path.resolve(DIST_ROOT, '..');

/** The compiled folders a worker loads: never dist/src, dist/impls, dist/test or the sources. */
const GRADER_FOLDERS = ['grader', 'harness', 'engine', 'labs', 'checker', 'viewer'];

/** What a worker process may touch besides the grader itself. */
export interface SandboxScope {
  /** The compiled implementation this worker serves, and only it. */
  implDir: string;
  /** Folders the worker may write to (its output folder), made when first written. */
  writeDirs: readonly string[];
  /** Its scratch folder (its os.tmpdir()). */
  scratchDir: string;
}

/** A path and its real path (node_modules may be a symbolic link): the model checks what it is given. */
function both(p: string): string[] {
  let real = p;
  try {
    real = fs.realpathSync(p);
  } catch {
    // not there (yet): the path as given is all there is
  }
  return real === p ? [p] : [p, real];
}

/** The folders of the packages the grader loads at run time, with their own dependencies. */
export function packageFolders(root = PROJECT_ROOT): string[] {
  const found = new Set<string>();
  const visit = (name: string) => {
    const dir = path.join(root, 'node_modules', name);
    if (found.has(dir) || !fs.existsSync(dir)) return;
    found.add(dir);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep);
  };
  const own = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  for (const dep of Object.keys(own.dependencies ?? {})) visit(dep);
  return [...found];
}

/** Everything a sandboxed worker for `implDir` may read. */
export function readableFor(implDir: string): string[] {
  const extra = process.env.GRADE_EXTRA_SCENARIOS;
  return [
    ...GRADER_FOLDERS.map((f) => path.join(DIST_ROOT, f)),
    // The loader reads package.json files beside and above the modules it loads ("type").
    path.join(PROJECT_ROOT, 'package.json'),
    ...packageFolders(),
    // A mix (--reference) also loads the reference layers it points to.
    ...implementationRoots(implDir),
    ...projectImports(implDir),
    // A learner's compiled folder has its own package.json ("type": "commonjs") above it.
    ...learnerPackageJson(implDir),
    // Extra scenarios for the grader's own tests: staff code, loaded by the registry.
    ...(extra ? [path.dirname(path.resolve(extra))] : []),
  ].flatMap(both);
}

/**
 * For an implementation the project's own build compiled (under dist/: the reference, the variants
 * in impls/, the grader tests' fixtures), the folders of the modules it imports by relative path
 * (a variant builds on src/): the project's code, not a submission. A submission is compiled into
 * the grader's cache and reads nothing it does not hold.
 */
export function projectImports(implDir: string): string[] {
  if (!within(DIST_ROOT, implDir)) return [];
  const seen = new Set<string>();
  const folders = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!within(implDir, file)) folders.add(path.dirname(file));
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\brequire\("(\.{1,2}\/[^"]+)"\)/g)) {
      const target = resolveModule(path.resolve(path.dirname(file), m[1]!));
      if (target && within(DIST_ROOT, target)) visit(target);
    }
  };
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.js')) visit(full);
    }
  };
  if (fs.existsSync(implDir)) walk(implDir);
  return [...folders];
}

function resolveModule(base: string): string | undefined {
  return [base, `${base}.js`, path.join(base, 'index.js')].find(
    (f) => fs.existsSync(f) && fs.statSync(f).isFile(),
  );
}

function within(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The package.json files between a compiled folder and the cache root it lives in. */
function learnerPackageJson(implDir: string): string[] {
  const files: string[] = [];
  for (let dir = implDir; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) files.push(file);
    if (dir === PROJECT_ROOT) break;
  }
  return files;
}

/** A fresh scratch folder for a pool's sandboxed workers (their TMPDIR). */
export function makeScratchDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'dslab-sandbox-'));
}

/** Removes a scratch folder if nothing was left in it (a left artefact is named in a report). */
export function removeScratchDir(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // not empty, or gone
  }
}

/** The Node options that put a worker in its box. */
export function sandboxExecArgv(scope: SandboxScope): string[] {
  // A path not there yet is taken for a file; `DIR/*` allows the folder and all below it.
  const writable = [...new Set([...scope.writeDirs, scope.scratchDir].flatMap(both))];
  const write = writable.map((d) => (fs.existsSync(d) ? d : `${d}${path.sep}*`));
  // Its own output too: renaming a finished trace into place needs read access to it.
  const read = [...new Set([...readableFor(scope.implDir), ...write])];
  return [
    '--experimental-permission',
    // The loader resolves symbolic links (a node_modules linked from elsewhere) by reading each
    // link, which the model denies unless the link's whole folder is readable; loading modules by
    // the paths allowed here keeps node_modules/.cache (other learners' compiled code) out of reach.
    '--preserve-symlinks',
    '--preserve-symlinks-main',
    ...read.map((p) => `--allow-fs-read=${p}`),
    ...write.map((p) => `--allow-fs-write=${p}`),
    // The model's warning on every worker's stderr would end every crash report.
    '--disable-warning=ExperimentalWarning',
    // Without the inspector (denied in the box) this is how a hung worker says where it is: on
    // SIGINT, Node interrupts the running JavaScript and prints its stack (pool.ts reads it).
    '--trace-sigint',
  ];
}

/**
 * The grader's variables a worker reads: which edition's registry, extra scenarios, and a mutation
 * run's switch for the implementation's own invariants (Runtime.invariant).
 */
const PASSED_ON = [EDITION_ENV, 'GRADE_EXTRA_SCENARIOS', 'DSLAB_INVARIANTS'];

/** The environment of a sandboxed worker: nothing of the grader's (tokens, paths) but what it needs. */
export function sandboxEnv(scope: SandboxScope): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { TMPDIR: scope.scratchDir };
  for (const name of PASSED_ON) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

/** Whether this process runs under the permission model (a sandboxed worker). */
export function inSandbox(): boolean {
  return 'permission' in process && process.permission !== undefined;
}

// Type-checks and compiles a learner's directory of TypeScript sources (anywhere on disk) before
// grading, into a cache keyed by the directory: nothing to set up, no tsconfig.json to edit.
// Incremental (TypeScript's build info, and each build keyed by a stamp of every input so that an
// unchanged directory costs a few file stats), with source maps so that stack traces name the
// learner's .ts lines.
import { LAYER_NAMES } from '../../harness/layers';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TS from 'typescript';
import { publish, pruneSuperseded, reuse, scratchDir, writeAtomically } from './publish';

/** The project root (this file runs from dist/grader/learner). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');
const HARNESS = path.join(PROJECT_ROOT, 'harness');
const ENGINE = path.join(PROJECT_ROOT, 'engine');
/** Where compiled learner directories go: one folder per source directory. */
export const CACHE_ROOT = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'dslab', 'impl');

/** Type errors shown when a folder does not type-check; the rest are counted. */
export const SHOWN_TYPE_ERRORS = 10;

/**
 * The learner's code failed to type-check: one `file:line:col error TSnnnn: message` per error,
 * syntax errors (TS1xxx) first, since one of them often causes many of the others; the first
 * SHOWN_TYPE_ERRORS of them, then how many more.
 */
export class CompileError extends Error {
  override name = 'CompileError';
  readonly diagnostics: string[];

  constructor(
    readonly dir: string,
    diagnostics: string[],
  ) {
    const sorted = sortDiagnostics(diagnostics);
    const n = sorted.length;
    const rest = n - SHOWN_TYPE_ERRORS;
    super(
      [
        ...sorted.slice(0, SHOWN_TYPE_ERRORS),
        ...(rest > 0 ? [`... and ${rest} more type error${rest === 1 ? '' : 's'} in ${dir}`] : []),
        `${n} type error${n === 1 ? '' : 's'} in ${dir}: fix ${n === 1 ? 'it' : rest > 0 ? 'the first' : 'them'} and grade again`,
      ].join('\n'),
    );
    this.diagnostics = sorted;
  }
}

/** Syntax errors (TS1xxx) first, each group in the compiler's order. */
export function sortDiagnostics(diagnostics: readonly string[]): string[] {
  const syntax = (d: string) => /(?:^|\s)error TS1\d{3}:/.test(d.split('\n', 1)[0]);
  return [...diagnostics.filter(syntax), ...diagnostics.filter((d) => !syntax(d))];
}

export interface Compiled {
  /** The compiled implementation, laid out like the source directory. */
  dir: string;
  /** The cache folder of this source directory (mixes with reference layers go beside the builds). */
  cacheDir: string;
  /** The build `dir` is in: cacheDir/out-KEY, holding the package.json that makes it CommonJS. */
  build: string;
  /** The compiled directory relative to its build (mixes keep the same depth, so that source maps still resolve). */
  relative: string;
  /** Whether TypeScript ran (false: nothing changed since the last compile). */
  rebuilt: boolean;
}

/** Every .ts file under dir (skipping node_modules and dot folders), sorted. */
export function typeScriptFiles(dir: string): string[] {
  return filesEnding(dir, '.ts');
}

function filesEnding(dir: string, ext: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith(ext)) found.push(full);
    }
  };
  walk(dir);
  return found.sort();
}

/** Whether dir holds TypeScript sources of at least one layer (raft/*.ts, kvraft/*.ts, ...). */
export function hasLayerSources(dir: string): boolean {
  return LAYER_NAMES.some((layer) => {
    const d = path.join(dir, layer);
    return (
      fs.existsSync(d) &&
      fs.statSync(d).isDirectory() &&
      fs.readdirSync(d).some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    );
  });
}

/** The cache folder of a source directory (an absolute path). */
export function cacheDirFor(dir: string): string {
  const hash = crypto.createHash('sha256').update(dir).digest('hex').slice(0, 12);
  const name = path.basename(dir).replace(/[^\w.-]/g, '_') || 'root';
  return path.join(CACHE_ROOT, `${name}-${hash}`);
}

/** What the output depends on: the sources, the harness types they import, the compiler. */
function stampOf(files: string[]): string {
  const tsVersion = (require('typescript/package.json') as { version: string }).version;
  // The harness's types name the engine's (api.ts re-exports some).
  const harnessTypes = [...typeScriptFiles(HARNESS), ...typeScriptFiles(ENGINE)];
  const inputs = [...files, ...harnessTypes].map((f) => {
    const s = fs.statSync(f);
    return `${f} ${s.size} ${s.mtimeMs}`;
  });
  return crypto
    .createHash('sha256')
    .update([tsVersion, ...inputs].join('\n'))
    .digest('hex');
}

/** The deepest folder containing both a and b. */
function commonAncestor(a: string, b: string): string {
  let dir = a;
  while (path.relative(dir, b).startsWith('..')) {
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return dir;
}

function within(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** A path as the learner would type it: relative to the working directory when inside it. */
function shown(file: string): string {
  return within(process.cwd(), file) ? path.relative(process.cwd(), file) : file;
}

/** The compiled builds in a cache folder: out-KEY, KEY from the stamp of the inputs. */
const BUILD_PREFIX = 'out-';
/** Names the latest build of a folder: the base of the next incremental compile. */
const LATEST = 'latest';
/** Each build keeps the TypeScript build info it was emitted with (its outputs and it go together). */
const BUILD_INFO = 'tsbuildinfo';

/**
 * Compiles dir (an absolute path) into the cache and returns where; throws CompileError with the
 * type errors, or an Error when the directory reaches outside itself for code. Each build is a
 * folder of its own keyed by its inputs, published whole (see publish.ts): graders started at once
 * on a folder compiled for the first time, or a grade started while another runs, never load a
 * half-written module.
 */
export function compileLearnerDir(dir: string): Compiled {
  const files = typeScriptFiles(dir);
  if (files.length === 0) throw new Error(`${dir} has no .ts files`);
  const cacheDir = cacheDirFor(dir);
  const rootDir = commonAncestor(dir, HARNESS);
  const relative = path.relative(rootDir, dir);
  const build = path.join(cacheDir, BUILD_PREFIX + stampOf(files).slice(0, 16));
  const result = (rebuilt: boolean): Compiled => ({
    dir: path.join(build, relative),
    cacheDir,
    build,
    relative,
    rebuilt,
  });
  if (reuse(build)) return result(false);
  const scratch = scratchDir(cacheDir);
  try {
    const previous = latestBuild(cacheDir);
    // Incremental: the latest build's outputs and build info, and TypeScript emits what changed.
    if (previous) fs.cpSync(previous, scratch, { recursive: true });
    emitChecked(dir, files, { cacheDir, rootDir, relative, scratch });
    publish(scratch, build);
  } catch (error) {
    fs.rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  writeAtomically(path.join(cacheDir, LATEST), path.basename(build));
  pruneSuperseded(cacheDir, (name) => name !== LATEST, [build]);
  return result(true);
}

/** The latest published build of a cache folder, if it is still there. */
function latestBuild(cacheDir: string): string | null {
  const file = path.join(cacheDir, LATEST);
  if (!fs.existsSync(file)) return null;
  const build = path.join(cacheDir, fs.readFileSync(file, 'utf8').trim());
  return reuse(build) ? build : null;
}

interface EmitPlace {
  cacheDir: string;
  rootDir: string;
  relative: string;
  /** Where the files go: a scratch folder at the same depth as `cacheDir/out`. */
  scratch: string;
}

/**
 * Type-checks dir and emits it into place.scratch, with source maps computed for `cacheDir/out`
 * (the same depth as every build, so they resolve from wherever the build is published).
 */
function emitChecked(dir: string, files: string[], place: EmitPlace): void {
  const ts = require('typescript') as typeof TS;
  const outRoot = path.join(place.cacheDir, 'out');
  const buildInfo = path.join(outRoot, BUILD_INFO);
  const options = compilerOptions(ts, dir, place.rootDir, outRoot, buildInfo);
  const host = ts.createIncrementalCompilerHost(options);
  // Where TypeScript's paths under outRoot really are: in the scratch folder.
  const inScratch = (file: string) => path.join(place.scratch, path.relative(outRoot, file));
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => readFile(file === buildInfo ? inScratch(file) : file);
  const program = ts.createIncrementalProgram({ rootNames: files, options, host });
  refuseOutsideCode(dir, program.getProgram());
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
  ].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diagnostics.length > 0)
    throw new CompileError(
      shown(dir),
      diagnostics.map((d) => formatDiagnostic(ts, d)),
    );
  const outDir = path.join(outRoot, place.relative);
  const emitted = program.emit(undefined, (file, text, bom) => {
    // The harness files the learner's code names are types only: their JavaScript is not needed.
    if (within(outDir, file) || file === buildInfo) {
      fs.mkdirSync(path.dirname(inScratch(file)), { recursive: true });
      ts.sys.writeFile(inScratch(file), text, bom);
    }
  });
  const emitErrors = emitted.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (emitErrors.length > 0)
    throw new CompileError(
      shown(dir),
      emitErrors.map((d) => formatDiagnostic(ts, d)),
    );
  refuseHarnessValues(dir, inScratch(outDir));
  // The compiled files are CommonJS wherever the cache sits.
  fs.writeFileSync(path.join(place.scratch, 'package.json'), '{ "type": "commonjs" }\n');
}

function compilerOptions(
  ts: typeof TS,
  dir: string,
  rootDir: string,
  outRoot: string,
  buildInfo: string,
): TS.CompilerOptions {
  const parsed = ts.convertCompilerOptionsFromJson(
    {
      // The project's own settings (tsconfig.json). Node's types are there for the harness's
      // contracts (key2shard uses Buffer); the lint rules and the simulator keep code under test
      // away from Node's I/O and clocks.
      target: 'ES2022',
      module: 'node20',
      moduleResolution: 'node16',
      lib: ['ES2023'],
      types: ['node'],
      typeRoots: [path.join(PROJECT_ROOT, 'node_modules', '@types')],
      strict: true,
      noImplicitOverride: true,
      noFallthroughCasesInSwitch: true,
      esModuleInterop: true,
      skipLibCheck: true,
      forceConsistentCasingInFileNames: true,
      sourceMap: true,
      incremental: true,
      noEmitOnError: true,
      rootDir,
      outDir: outRoot,
      tsBuildInfoFile: buildInfo,
      // `import type ... from 'dslab/harness/api'` works from any folder on disk.
      paths: { 'dslab/harness/*': [path.join(HARNESS, '*')] },
    },
    dir,
  );
  if (parsed.errors.length > 0)
    throw new Error(
      `internal error: bad compiler options: ${parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join('; ')}`,
    );
  return parsed.options;
}

/** Code must come from the learner's folder; from the harness, types only (erased when compiled). */
function refuseOutsideCode(dir: string, program: TS.Program): void {
  const outside = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && !within(dir, f.fileName) && !within(HARNESS, f.fileName))
    .map((f) => shown(f.fileName))
    // A file comes after the files it imports: the ones the learner imported are last.
    .reverse();
  if (outside.length > 0) {
    throw new Error(
      `${shown(dir)} imports code from outside itself (${outside.slice(0, 3).join(', ')}${outside.length > 3 ? ', ...' : ''}): an implementation imports only its own files and types from dslab/harness`,
    );
  }
}

/**
 * From the harness, types only: a value (a constant, a function) would be a require() of a module
 * that does not exist at run time. Said here, with the file, rather than as a failure in every run.
 */
function refuseHarnessValues(dir: string, outDir: string): void {
  const runtimeImports = filesEnding(outDir, '.js')
    .filter((f) => /require\("dslab\//.test(fs.readFileSync(f, 'utf8')))
    .map((f) => shown(path.join(dir, path.relative(outDir, f)).replace(/\.js$/, '.ts')));
  if (runtimeImports.length > 0) {
    throw new Error(
      `${runtimeImports.join(', ')} import${runtimeImports.length === 1 ? 's' : ''} a value from dslab/harness: import only types from the harness (import type ...); everything else is handed to your constructor, and constants such as NShards have a copy in the kit's common.ts`,
    );
  }
}

function formatDiagnostic(ts: typeof TS, d: TS.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
  if (d.file && d.start !== undefined) {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${shown(d.file.fileName)}:${line + 1}:${character + 1} error TS${d.code}: ${message}`;
  }
  return `error TS${d.code}: ${message}`;
}

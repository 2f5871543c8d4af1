// Whether an implementation's modules may stay loaded from one run to the next in a grade worker.
// A run in a worker must be a run in a fresh process (`grade replay` reproduces it), so a worker
// reloads the implementation for every run unless every module it would reload is provably free of
// module-level state: then keeping it loaded (JIT-warm, ~40% less CPU) cannot change behaviour.
//
// The proof is a static check of the compiled JavaScript (acorn; the rules are in
// module-analysis.ts): a module's top level may only declare things that never change (functions,
// classes without static state, constants of primitives or frozen literals, required modules and
// tsc's CommonJS boilerplate), and no code anywhere in it may write to a module-level binding or to
// a property of one. Anything else makes the implementation stateful, and the worker reloads it as
// before. Conservative by design: a false "stateful" costs speed, a false "stateless" would cost
// determinism.
//
// Not seen statically: a module-level function or class handed to other code under another name
// and changed there (`const f = helper; f.n = 1`), and changes to built-ins (which no reload
// undoes either). The worker backs the check up at run time: what a run adds to globalThis is
// removed after it, and a warm worker that sees it loads modules afresh from then on.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { analyseModule } from './module-analysis';
import { implementationRoots, mixGlue } from './learner/mix';

export { analyseModule } from './module-analysis';

/** One reason a module is stateful, at its TypeScript line when a source map says where. */
export interface StateFinding {
  /** File and line, e.g. src/kvraft/clerk.ts:3 (the .js file when there is no source map). */
  where: string;
  /** The declaration or statement, short: `let nextId`. */
  what: string;
  /** Why it is state. */
  why: string;
}

export interface ModuleStateVerdict {
  /** True when every module may stay loaded between runs. */
  stateless: boolean;
  /** Modules checked. */
  modules: number;
  /** Every finding, in file order (empty when stateless). */
  findings: StateFinding[];
}

/** Every JavaScript module under `root` (what a worker would load afresh). */
function moduleFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(full);
      } else if (/\.c?js$/.test(entry.name)) out.push(full);
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out;
}

/** The TypeScript file and line of a JavaScript position, from the file's source map if there is one. */
function sourceLocation(file: string, line: number, column: number): string {
  const mapFile = `${file}.map`;
  try {
    if (fs.existsSync(mapFile)) {
      const payload = JSON.parse(fs.readFileSync(mapFile, 'utf8')) as SourceMapPayload;
      const entry = new SourceMap(payload).findEntry(line - 1, column) as {
        originalSource?: string;
        originalLine?: number;
      };
      if (entry.originalSource && entry.originalLine !== undefined) {
        const source = path.resolve(
          path.dirname(file),
          payload.sourceRoot ?? '',
          entry.originalSource.replace(/^file:\/\//, ''),
        );
        return `${shortPath(source)}:${entry.originalLine + 1}`;
      }
    }
  } catch {
    // A broken map: name the JavaScript line instead.
  }
  return `${shortPath(file)}:${line}`;
}

function shortPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

const verdicts = new Map<string, { key: string; verdict: ModuleStateVerdict }>();

/**
 * The verdict for an implementation directory (and, for a --reference mix, the reference folders
 * it loads), computed once per set of file paths, sizes and modification times.
 */
export function checkModuleState(implDir: string): ModuleStateVerdict {
  const files = implementationRoots(implDir).flatMap(moduleFiles);
  const key = files
    .map((f) => {
      const st = fs.statSync(f);
      return `${f}:${st.size}:${st.mtimeMs}`;
    })
    .join('\n');
  const cached = verdicts.get(implDir);
  if (cached?.key === key) return cached.verdict;
  const findings: StateFinding[] = [];
  // A mix's re-exports of the reference are the kit's, not the learner's: skipped while unchanged.
  const glue = mixGlue(implDir);
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    if (glue.get(file) === text) continue;
    for (const f of analyseModule(text))
      findings.push({ where: sourceLocation(file, f.line, f.column), what: f.what, why: f.why });
  }
  const verdict = { stateless: findings.length === 0, modules: files.length, findings };
  verdicts.set(implDir, { key, verdict });
  return verdict;
}

/** Whether an implementation's modules may stay loaded between runs, and the report's line about it. */
export function chooseModules(
  implDir: string,
  freshModules: boolean,
): { warm: boolean; note: string } {
  if (freshModules)
    return { warm: false, note: 'modules reloaded for every run (--fresh-modules)' };
  const verdict = checkModuleState(implDir);
  if (verdict.stateless)
    return {
      warm: true,
      note: `modules kept loaded between runs in a worker (${verdict.modules} modules checked: no module-level state)`,
    };
  return {
    warm: false,
    note: `modules reloaded for every run (slower): ${describeStateful(verdict)}`,
  };
}

/** One line for the report: why modules are reloaded, naming the first findings. */
export function describeStateful(verdict: ModuleStateVerdict, max = 3): string {
  const shown = verdict.findings.slice(0, max).map((f) => `${f.where} \`${f.what}\` ${f.why}`);
  const more = verdict.findings.length > max ? `; and ${verdict.findings.length - max} more` : '';
  return `${shown.join('; ')}${more}; keep state in the objects your make...() functions return`;
}

/** Drops the implementation's modules (and a mix's reference folders) from the module cache: the next require loads them afresh. */
export function forgetModules(implDir: string): void {
  for (const root of implementationRoots(implDir)) freshModules(root);
}

/** Forgets the implementation's modules, so module-level state never leaks from one run to the next. */
function freshModules(implDir: string): void {
  const prefix = implDir.endsWith(path.sep) ? implDir : implDir + path.sep;
  const stale = new Set<NodeJS.Module>();
  for (const key of Object.keys(require.cache)) {
    if (!key.startsWith(prefix)) continue;
    stale.add(require.cache[key]!);
    delete require.cache[key];
  }
  // A module that required them keeps them in its `children` list: drop them there too, or every
  // run's copy of the implementation stays reachable (a leak of a few hundred KB per run).
  if (stale.size === 0) return;
  for (const mod of Object.values(require.cache)) {
    if (mod?.children?.some((child) => stale.has(child)))
      mod.children = mod.children.filter((child) => !stale.has(child));
  }
}

// Loads a compiled submission's layers in a child process before its runs, as checkImpl does in
// grade: a submission that throws on import or lacks a layer is one reason, and one that loops at
// load or exhausts memory there is stopped (a time limit, a heap limit) instead of the roster.
// In the sandbox (sandbox.ts) unless --no-sandbox: loading runs the submission's top-level code.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { checkImplementationDir, type LayerName } from '../../harness/impl';
import { checkImpl, prepareImpl } from '../impls';
import { UsageError } from '../select';
import { makeScratchDir, removeScratchDir, sandboxEnv, sandboxExecArgv } from '../sandbox';

export type ProbeResult = { ok: true } | { ok: false; reason: string };

export interface ProbeOptions {
  /** Load it in the permission model's box (sandbox.ts). */
  sandbox?: boolean;
  /** Fail with checkImpl's own message (grade's), not the roster's rewording. */
  exact?: boolean;
}

/** Loads the layers of compiledDir in a child with a time and heap limit. */
export function probeImpl(
  compiledDir: string,
  layers: readonly LayerName[],
  timeoutMs: number,
  memoryMb: number,
  options: ProbeOptions = {},
): ProbeResult {
  const scope = options.sandbox
    ? { implDir: compiledDir, writeDirs: [], scratchDir: makeScratchDir() }
    : undefined;
  const child = spawnSync(
    process.execPath,
    [
      `--max-old-space-size=${memoryMb}`,
      ...(scope ? sandboxExecArgv(scope) : []),
      __filename,
      compiledDir,
      layers.join(','),
      ...(options.exact ? ['--exact'] : []),
    ],
    {
      encoding: 'utf8',
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 16 * 2 ** 20,
      ...(scope ? { env: sandboxEnv(scope) } : {}),
    },
  );
  if (scope) removeScratchDir(scope.scratchDir);
  const last = child.stdout
    ?.trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .at(-1);
  if (child.status === 0 && last) {
    try {
      return JSON.parse(last) as ProbeResult;
    } catch {
      // fall through: said below
    }
  }
  const ms = `${(timeoutMs / 1000).toFixed(0)} s`;
  if (child.error && (child.error as NodeJS.ErrnoException).code === 'ETIMEDOUT')
    return {
      ok: false,
      reason: `loading the implementation did not finish within ${ms} (a loop at load time?)`,
    };
  if (child.signal === 'SIGKILL' && !child.error)
    return { ok: false, reason: `loading the implementation was killed (out of memory?)` };
  const stderr = (child.stderr ?? '').trim();
  if (/heap out of memory|Allocation failed/i.test(stderr))
    return {
      ok: false,
      reason: `loading the implementation exhausted its memory (${memoryMb} MB heap)`,
    };
  const line = stderr.split('\n').find((l) => l.trim() !== '') ?? '';
  return {
    ok: false,
    reason: `loading the implementation failed (${child.signal ? `signal ${child.signal}` : `exit status ${child.status}`})${line ? `: ${line}` : ''}`,
  };
}

/**
 * grade's checkImpl with the loading done in the sandbox: returns the compiled directory, or throws
 * checkImpl's UsageError (naming `arg`), or one saying the load hung or ran out of memory.
 */
export function checkImplBoxed(
  arg: string,
  layers: LayerName[],
  reference: readonly LayerName[],
  memoryMb: number,
): string {
  const dir = prepareImpl(arg, reference);
  // Nothing to load: checkImpl's message says what is missing.
  if (!fs.existsSync(dir)) return checkImpl(arg, layers, reference);
  const probe = probeImpl(dir, layers, LOAD_TIMEOUT_MS, memoryMb, { sandbox: true, exact: true });
  if (!probe.ok) {
    const reason = probe.reason.startsWith(`bad --impl ${dir}: `)
      ? probe.reason.slice(`bad --impl ${dir}: `.length)
      : probe.reason;
    throw new UsageError(`bad --impl ${arg}: ${reason}`);
  }
  return dir;
}

/** How long loading an implementation may take before it is taken for a loop at load time. */
export const LOAD_TIMEOUT_MS = 30_000;

if (require.main === module) {
  const [dir, layers, mode] = process.argv.slice(2);
  let result: ProbeResult;
  const list = (layers ?? '').split(',').filter(Boolean) as LayerName[];
  try {
    const problem = mode === '--exact' ? undefined : checkImplementationDir(dir!, list);
    if (problem?.kind === 'load-failed')
      result = {
        ok: false,
        reason: `loading its ${problem.layer ?? 'code'} threw: ${problem.message.split('\n')[0]}`,
      };
    else if (problem?.kind === 'missing-entry' || problem?.kind === 'missing-dir')
      result = {
        ok: false,
        reason: `lacks the ${problem.layer ?? ''} layer (${problem.layer ?? 'LAYER'}/*.ts) that the graded parts need`,
      };
    else {
      // The other problems (a missing layer or export) with checkImpl's hints.
      checkImpl(dir!, list);
      result = { ok: true };
    }
  } catch (error) {
    result = {
      ok: false,
      reason: error instanceof UsageError ? error.message : `${(error as Error).message}`,
    };
  }
  process.stdout.write(`\n${JSON.stringify(result)}\n`, () => process.exit(0));
}

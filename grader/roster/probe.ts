// Loads a compiled submission's layers in a child process before its runs, as checkImpl does in
// grade: a submission that throws on import or lacks a layer is one reason, and one that loops at
// load or exhausts memory there is stopped (a time limit, a heap limit) instead of the roster.
import { spawnSync } from 'node:child_process';
import { checkImplementationDir, type LayerName } from '../../harness/impl';
import { checkImpl } from '../impls';
import { UsageError } from '../select';

export type ProbeResult = { ok: true } | { ok: false; reason: string };

/** Loads the layers of compiledDir in a child with a time and heap limit. */
export function probeImpl(
  compiledDir: string,
  layers: readonly LayerName[],
  timeoutMs: number,
  memoryMb: number,
): ProbeResult {
  const child = spawnSync(
    process.execPath,
    [`--max-old-space-size=${memoryMb}`, __filename, compiledDir, layers.join(',')],
    { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 2 ** 20 },
  );
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

if (require.main === module) {
  const [dir, layers] = process.argv.slice(2);
  let result: ProbeResult;
  const list = (layers ?? '').split(',').filter(Boolean) as LayerName[];
  try {
    const problem = checkImplementationDir(dir!, list);
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

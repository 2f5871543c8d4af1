// --out: one folder per grade invocation (.grade-out/20261127-101502-2A-4242/), holding the traces
// and HTML reports of its failing runs; older invocation folders beyond the newest few are removed,
// so that the directory does not grow without end. Only folders named this way are ever removed.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Invocation folders kept under --out (the new one included). */
export const KEEP_RUNS = 5;
/** A folder touched this recently may belong to a grade still running: never removed. */
const IN_USE_MS = 10 * 60_000;
const NAME = /^\d{8}-\d{6}-[\w-]*$/;

/** The folder for this invocation (not created yet: only failing runs write into it). */
export function invocationDir(out: string, parts: readonly string[], now = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return path.join(out, `${stamp}-${parts.join('') || 'none'}-${process.pid}`);
}

/** Removes invocation folders under `out` beyond the newest `keep`; returns the ones removed. */
export function pruneInvocations(out: string, keep = KEEP_RUNS, nowMs = Date.now()): string[] {
  let names: string[];
  try {
    names = fs
      .readdirSync(out)
      .filter((n) => NAME.test(n) && fs.statSync(path.join(out, n)).isDirectory());
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names.sort().reverse().slice(keep)) {
    const dir = path.join(out, n);
    if (nowMs - fs.statSync(dir).mtimeMs < IN_USE_MS) continue;
    fs.rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

// Content-keyed builds in a learner folder's cache (the compiled folder, each mix with the
// reference). Two graders may start at once on the same folder, or one while another still runs:
// a build is made in a scratch folder beside its final place and renamed into it (atomic), and a
// published build is never changed or deleted while in use, so no grader loads a half-built or
// vanished module. An unchanged build is found by its key and used as it is.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A superseded build unused for this long is removed (a grade that uses one touches it first). */
export const SUPERSEDED_AFTER_MS = 60 * 60 * 1000;

/** Scratch folders start with this; a grader killed mid-build leaves one, removed like a superseded build. */
const SCRATCH_PREFIX = 'tmp-';

/** A short hex key of the given parts. */
export function contentKey(...parts: string[]): string {
  return crypto.createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
}

/** Whether the build `final` exists; if so, marks it used now (keeps it from being pruned). */
export function reuse(final: string): boolean {
  if (!fs.existsSync(final)) return false;
  const now = new Date();
  try {
    fs.utimesSync(final, now, now);
  } catch {
    // Pruned between the two calls by a grader that saw it unused for an hour: build afresh.
    return fs.existsSync(final);
  }
  return true;
}

/**
 * A fresh scratch folder in `cacheDir`, at the same depth as the builds (the source maps copied or
 * emitted into it keep their relative paths to the learner's .ts files).
 */
export function scratchDir(cacheDir: string): string {
  fs.mkdirSync(cacheDir, { recursive: true });
  return fs.mkdtempSync(path.join(cacheDir, SCRATCH_PREFIX));
}

/**
 * Renames the finished scratch folder to `final`. When another grader published the same key
 * first, its build (the same content) stays and this one is dropped.
 */
export function publish(scratch: string, final: string): void {
  try {
    fs.renameSync(scratch, final);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !fs.existsSync(final)) throw error;
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Writes a small file whole or not at all (a reader never sees half of it). */
export function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * Removes the entries of `cacheDir` named by `superseded` (and scratch folders) that have not been
 * used for SUPERSEDED_AFTER_MS, keeping `keep`. A grader still running on one touched it when it
 * started, so only a grade of more than an hour on a folder rebuilt meanwhile could lose its build.
 */
export function pruneSuperseded(
  cacheDir: string,
  superseded: (name: string) => boolean,
  keep: readonly string[],
  now = Date.now(),
): void {
  for (const name of fs.readdirSync(cacheDir)) {
    const full = path.join(cacheDir, name);
    if (keep.includes(full) || !(superseded(name) || name.startsWith(SCRATCH_PREFIX))) continue;
    try {
      if (now - fs.statSync(full).mtimeMs < SUPERSEDED_AFTER_MS) continue;
      fs.rmSync(full, { recursive: true, force: true });
    } catch {
      // Another grader removed it first.
    }
  }
}

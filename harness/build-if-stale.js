// Preloaded by npm scripts that run compiled code (`node -r ./harness/build-if-stale.js
// dist/...`; plain JavaScript, as it runs before anything is compiled): compiles the TypeScript
// only when a source is newer than the last good build.
// An up-to-date `tsc -p` still parses and hashes every file (about 3 s of CPU here), which
// dwarfed a check-history run; comparing modification times takes a few milliseconds.
// The record is the start time of the last successful compile through this file, so after a plain
// `npm run build` the next run compiles once more.
// Sources: every .ts file and folder under the include folders read from tsconfig.json (a
// deleted or renamed file changes its folder's time), tsconfig.json and the package files.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const STAMP = path.join(ROOT, 'dist', '.build-stamp');
/** The tsconfig's include folders (a plain JSON list of folders of this project), or undefined. */
function includeFolders() {
  try {
    const include = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')).include;
    if (Array.isArray(include) && include.every((d) => typeof d === 'string' && !/[*?]/.test(d)))
      return include;
  } catch {
    // unreadable: compile, and let tsc say what is wrong
  }
  return undefined;
}
const FILES = ['tsconfig.json', 'package.json', 'package-lock.json'];

/** The newest modification time (ms) under `dir`, folders included. */
function newestUnder(dir) {
  let newest = 0;
  let entries;
  try {
    newest = fs.statSync(dir).mtimeMs;
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return newest; // absent (the student edition has no src/)
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestUnder(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function lastBuildStart() {
  try {
    return Number(fs.readFileSync(STAMP, 'utf8'));
  } catch {
    return -Infinity;
  }
}

function newestSource() {
  const include = includeFolders();
  if (!include) return Infinity;
  let newest = 0;
  for (const dir of include) newest = Math.max(newest, newestUnder(path.join(ROOT, dir)));
  for (const file of FILES) {
    try {
      newest = Math.max(newest, fs.statSync(path.join(ROOT, file)).mtimeMs);
    } catch {
      // optional
    }
  }
  return newest;
}

// A source saved during the build is newer than the stamp (the build's start), so the next run
// compiles again.
if (process.argv.includes('--force') || newestSource() >= lastBuildStart()) {
  const started = Date.now();
  const tsc = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.json')],
    {
      stdio: 'inherit',
    },
  );
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  fs.writeFileSync(STAMP, String(started));
}

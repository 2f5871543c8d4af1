// Hashes of the code behind a grade: the grader's own compiled code (the grader, harness, engine,
// suites and checker under dist/) and the implementation's folder. A stored result holds only for
// the code that produced it: a roster grades a submission again after the grader or a suite
// changed, and `merge` refuses to join results of different code.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The folders of dist/ whose code decides a grade (src/ and impls/ are implementations). */
export const GRADER_FOLDERS = ['grader', 'harness', 'engine', 'labs', 'checker'] as const;

const cache = new Map<string, string>();

/** sha256 over the paths and bytes of every .js and .json file in `distDir`'s grader folders. */
export function graderCodeHash(distDir = path.resolve(__dirname, '..')): string {
  const cached = cache.get(distDir);
  if (cached) return cached;
  const h = crypto.createHash('sha256');
  for (const folder of GRADER_FOLDERS)
    hashFiles(h, distDir, filesUnder(path.join(distDir, folder)));
  const hash = h.digest('hex');
  cache.set(distDir, hash);
  return hash;
}

/** What produced a results file: merge refuses files of different code (results.ts GradeFile). */
export interface Provenance {
  /** `linux-x64`: fingerprints are the same across platforms; recorded to tell when they are not. */
  platform: string;
  /** graderCodeHash(). */
  grader: string;
  /** sha256 over the paths and bytes of the implementation's compiled folder. */
  implementation: string;
}

export function provenanceOf(implDir: string): Provenance {
  const h = crypto.createHash('sha256');
  hashFiles(h, implDir, filesUnder(implDir));
  return {
    platform: `${process.platform}-${process.arch}`,
    grader: graderCodeHash(),
    implementation: h.digest('hex'),
  };
}

/** Feeds `h` each file's path (relative to `root`, with /), length and bytes, in the order given. */
export function hashFiles(h: crypto.Hash, root: string, files: readonly string[]): void {
  for (const file of files) {
    const full = path.resolve(root, file);
    const bytes = fs.readFileSync(full);
    h.update(`${path.relative(root, full).split(path.sep).join('/')}\0${bytes.length}\0`);
    h.update(bytes);
  }
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) found.push(...filesUnder(full));
    else if (e.isFile() && /\.(js|json)$/.test(e.name)) found.push(full);
  }
  return found.sort();
}

// A hash of the grader's own compiled code (the grader, harness, engine, suites and checker under
// dist/): a stored result holds only for the code that produced it, so a roster grades a submission
// again after the grader or a suite changed, not only after the submission did.
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
  for (const folder of GRADER_FOLDERS) {
    for (const file of filesUnder(path.join(distDir, folder))) {
      const bytes = fs.readFileSync(file);
      h.update(`${path.relative(distDir, file).split(path.sep).join('/')}\0${bytes.length}\0`);
      h.update(bytes);
    }
  }
  const hash = h.digest('hex');
  cache.set(distDir, hash);
  return hash;
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

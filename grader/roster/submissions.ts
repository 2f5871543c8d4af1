// The submissions of a roster: folders laid out like starter/ (or holding one, as a repository
// does), or .tar.gz/.tgz/.zip archives of one, unpacked under OUT/submissions/<name>/. Each gets a
// name (the folder's or archive's, without the extension) and a hash of its content: every file's
// path and bytes, so that an unchanged submission is not graded again.
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import { hashFiles } from '../code-hash';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { unzipSync } from 'fflate';
import { UsageError } from '../select';

export interface Submission {
  /** Unique within the roster: the folder's or archive's name without its extension. */
  name: string;
  /** As given on the command line. */
  source: string;
  kind: 'folder' | 'tar.gz' | 'zip';
  /** The folder holding its files: the folder itself, or where the archive was unpacked. */
  root: string;
}

const ARCHIVES: [ext: string, kind: Submission['kind']][] = [
  ['.tar.gz', 'tar.gz'],
  ['.tgz', 'tar.gz'],
  ['.zip', 'zip'],
];

/** Resolves the command line's submissions (no unpacking yet); refuses missing ones and duplicate names. */
export function listSubmissions(args: readonly string[], out: string): Submission[] {
  if (args.length === 0)
    throw new UsageError('name at least one submission: a folder, a .tar.gz or a .zip');
  const subs: Submission[] = [];
  for (const source of args) {
    const abs = path.resolve(source);
    if (!fs.existsSync(abs)) throw new UsageError(`there is no submission ${source}`);
    const base = path.basename(abs);
    let sub: Submission;
    if (fs.statSync(abs).isDirectory()) {
      sub = { name: base, source, kind: 'folder', root: abs };
    } else {
      const archive = ARCHIVES.find(([ext]) => base.toLowerCase().endsWith(ext));
      if (!archive)
        throw new UsageError(
          `${source} is neither a folder nor an archive (.tar.gz, .tgz, .zip): give one of those`,
        );
      const name = base.slice(0, base.length - archive[0].length);
      sub = { name, source, kind: archive[1], root: path.join(out, 'submissions', safeName(name)) };
    }
    if (!/^[\w.@+-]+$/.test(sub.name) || sub.name.startsWith('.'))
      throw new UsageError(
        `${source}: a submission's name (${JSON.stringify(sub.name)}) may hold only letters, digits and . _ - @ +; rename it`,
      );
    const twin = subs.find((s) => s.name === sub.name);
    if (twin)
      throw new UsageError(
        `two submissions are named ${sub.name} (${twin.source} and ${source}): rename one`,
      );
    subs.push(sub);
  }
  return subs;
}

function safeName(name: string): string {
  return name.replace(/[^\w.@+-]/g, '_');
}

/** Unpacks an archive submission into its root (afresh); a folder is left as it is. */
export function unpack(sub: Submission): void {
  if (sub.kind === 'folder') return;
  const archive = path.resolve(sub.source);
  fs.rmSync(sub.root, { recursive: true, force: true });
  fs.mkdirSync(sub.root, { recursive: true });
  try {
    if (sub.kind === 'tar.gz') {
      // GNU tar leaves out members named with .. and strips leading slashes.
      execFileSync('tar', ['xzf', archive, '-C', sub.root, '--no-same-owner'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } else {
      const entries = unzipSync(fs.readFileSync(archive));
      for (const [name, data] of Object.entries(entries)) {
        const target = path.resolve(sub.root, name);
        const rel = path.relative(sub.root, target);
        if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) continue;
        if (name.endsWith('/')) {
          fs.mkdirSync(target, { recursive: true });
          continue;
        }
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, data);
      }
    }
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new UsageError(
      `cannot unpack ${sub.source}: ${stderr || (error as Error).message}`.split('\n')[0]!,
    );
  }
}

/** Every file under dir (no node_modules, no dot folders or files), relative, sorted. */
export function contentFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'node_modules' || e.name === 'dist') continue;
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) found.push(path.relative(dir, full).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return found.sort();
}

/** The hash of a folder's content (paths and bytes) and of the grade's parameters. */
export function contentHash(dir: string, params: unknown): string {
  const h = crypto.createHash('sha256');
  h.update(`${JSON.stringify(params)}\n`);
  hashFiles(h, dir, contentFiles(dir));
  return h.digest('hex');
}

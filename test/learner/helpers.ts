// Shared by the learner's-path specs: a starter kit copied as a learner would (npm run new-lab),
// edits to it that must match the kit's text exactly, and the cleanup of the grader's compile cache.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheDirFor } from '../../grader/learner/compile';
import { ROOT } from '../grader/helpers';

export const NEW_LAB = path.join(ROOT, 'dist', 'tools', 'new-lab.js');

/** A fresh temporary folder (removed by cleanup()). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `dslab-${prefix}-`));
}

/** Runs npm run new-lab DIR as a learner would (the compiled script, from the project root); returns its output. */
export function newLab(dir: string): string {
  return execFileSync(process.execPath, [NEW_LAB, dir], { cwd: ROOT, encoding: 'utf8' });
}

/** Replaces each `from` (which must occur exactly once) in dir/file: a learner filling in the kit. */
export function fill(dir: string, file: string, edits: [from: string, to: string][]): void {
  const full = path.join(dir, file);
  let text = fs.readFileSync(full, 'utf8');
  for (const [from, to] of edits) {
    const count = text.split(from).length - 1;
    if (count !== 1)
      throw new Error(
        `${file}: expected the starter kit's text once, found it ${count} times: ${JSON.stringify(from)}`,
      );
    text = text.replace(from, () => to);
  }
  fs.writeFileSync(full, text);
}

/** Removes temporary folders and what the grader compiled from them. */
export function cleanup(...dirs: string[]): void {
  for (const dir of dirs) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cacheDirFor(path.resolve(dir)), { recursive: true, force: true });
  }
}

/** Copies src/LAYER into dir/LAYER as a learner's sources (harness imports through dslab/harness). */
export function copyReferenceLayer(layer: string, dir: string): void {
  const from = path.join(ROOT, 'src', layer);
  fs.mkdirSync(path.join(dir, layer), { recursive: true });
  for (const file of fs.readdirSync(from).filter((f) => f.endsWith('.ts'))) {
    const text = fs
      .readFileSync(path.join(from, file), 'utf8')
      .replaceAll("from '../../harness/", "from 'dslab/harness/");
    fs.writeFileSync(path.join(dir, layer, file), text);
  }
}

/** The reference's makeRaft, as src/raft/index.ts declares it. */
export const REFERENCE_MAKE_RAFT = `export function makeRaft(
  peers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  applySink: ApplySink,
  runtime: Runtime,
): RaftPeer {
  return new Raft(peers, me, persister, applySink, runtime);
}`;

/** Written into the copied raft/index.ts in its place: the buggy variant impls/raft-no-persist-log, as a learner's bug. */
export const NO_PERSISTED_LOG = `import type { PersistentState } from './state';

class NoPersistLog extends Raft {
  protected override persistentState(): PersistentState {
    return { ...super.persistentState(), log: [] };
  }
}

export const makeRaft: MakeRaft = makeRaftWith(NoPersistLog);`;

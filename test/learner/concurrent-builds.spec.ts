// Graders started at once on the same learner's folder (two terminals, a CI matrix, a replay beside
// a grade) share its compile cache. Each must load a whole build: not one another grader is
// deleting, rebuilding or still writing (ENOENT on the mix's common.js was seen in CI when every
// grade rebuilt the mix afresh). Two real graders at once: reference.spec.ts's replay and grade.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileLearnerDir } from '../../grader/learner/compile';
import { finish, ROOT } from '../grader/helpers';
import { cleanup, copyReferenceLayer, tempDir } from './helpers';

/**
 * Node code for a child process: prepares the folder for grading `rounds` times (as each grade
 * does), and after each loads every module of the result afresh, as a grader's worker does.
 */
function prepareAndLoad(dir: string, reference: string[], rounds: number): string {
  const impls = JSON.stringify(path.join(ROOT, 'dist', 'grader', 'impls.js'));
  return `
const fs = require('node:fs');
const path = require('node:path');
const { prepareImpl } = require(${impls});
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.js') ? [path.join(d, e.name)] : []);
for (let i = 0; i < ${rounds}; i++) {
  const dir = prepareImpl(${JSON.stringify(dir)}, ${JSON.stringify(reference)});
  for (const key of Object.keys(require.cache)) if (key.startsWith(path.dirname(dir))) delete require.cache[key];
  for (const file of walk(dir)) require(file);
}
`;
}

async function runAtOnce(scripts: string[]): Promise<void> {
  const outcomes = await Promise.all(
    scripts.map((script) =>
      finish(
        spawn(process.execPath, ['-e', script], {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
        120_000,
      ),
    ),
  );
  for (const o of outcomes) expect(o.code, o.stderr).to.equal(0);
}

describe('learner: graders at once on the same folder', function () {
  this.timeout(180_000);
  let root: string;
  const folders: string[] = [];
  /** A fresh learner's folder (the reference's raft and kvraft sources): never compiled before. */
  const fresh = (name: string) => {
    const dir = path.join(root, name);
    copyReferenceLayer('raft', dir);
    copyReferenceLayer('kvraft', dir);
    folders.push(dir);
    return dir;
  };
  before(() => (root = tempDir('concurrent')));
  after(() => cleanup(root, ...folders));

  it('three processes compiling a new folder and mixing it with the reference, each many times, all load whole modules', async () => {
    const dir = fresh('mylab');
    await runAtOnce([0, 1, 2].map(() => prepareAndLoad(dir, ['raft'], 15)));
  });

  it('a rebuild after an edit leaves the build a running grader loaded as it was', () => {
    const dir = fresh('edited');
    const first = compileLearnerDir(dir);
    const server = path.join(first.dir, 'kvraft', 'server.js');
    const before = fs.readFileSync(server, 'utf8');
    fs.appendFileSync(path.join(dir, 'kvraft', 'server.ts'), '\nexport const edited = 1;\n');
    const second = compileLearnerDir(dir);
    expect(second.rebuilt).to.equal(true);
    expect(second.dir).not.to.equal(first.dir);
    expect(fs.readFileSync(server, 'utf8')).to.equal(before);
    expect(fs.readFileSync(path.join(second.dir, 'kvraft', 'server.js'), 'utf8')).to.include(
      'exports.edited = 1',
    );
    // Incremental: the rebuild started from the first build, so the unchanged Raft is there too.
    expect(fs.existsSync(path.join(second.dir, 'raft', 'raft.js.map'))).to.equal(true);
  });
});

// A learner's folder that does not type-check: the errors come syntax errors (TS1xxx) first, since
// one of them often causes many others, and at most ten are shown, then how many more.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompileError, compileLearnerDir } from '../../grader/learner/compile';
import { cleanup, tempDir } from './helpers';

describe('learner: type errors', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = tempDir('type-errors');
    fs.mkdirSync(path.join(dir, 'raft'));
    // a.ts: fifteen type errors; b.ts, after it: one error of the TS1xxx kind that the checker
    // reports (an await outside an async function), so it comes late in the compiler's order.
    fs.writeFileSync(
      path.join(dir, 'raft', 'a.ts'),
      Array.from({ length: 15 }, (_, i) => `export const x${i}: number = 'not a number';\n`).join(
        '',
      ),
    );
    fs.writeFileSync(
      path.join(dir, 'raft', 'b.ts'),
      'async function g(): Promise<void> {}\nexport function f(): void {\n  await g();\n}\n',
    );
  });
  after(() => cleanup(dir));

  it('shows syntax errors first, the first ten, then a count of the rest', () => {
    let error: unknown;
    try {
      compileLearnerDir(dir);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(CompileError);
    const lines = (error as CompileError).message.split('\n');
    const shown = path.relative(process.cwd(), dir).startsWith('..')
      ? dir
      : path.relative(process.cwd(), dir);
    expect(lines).to.have.length(12);
    expect(lines[0]).to.match(/raft\/b\.ts:3:3 error TS1\d{3}: /);
    for (const l of lines.slice(1, 10)) expect(l).to.match(/raft\/a\.ts:\d+:\d+ error TS2322: /);
    expect(lines[10]).to.equal(`... and 6 more type errors in ${shown}`);
    expect(lines[11]).to.equal(`16 type errors in ${shown}: fix the first and grade again`);
    // Every error is still there for whoever wants them, in the same order.
    expect((error as CompileError).diagnostics).to.have.length(16);
    expect((error as CompileError).diagnostics[0]).to.equal(lines[0]);
  });
});

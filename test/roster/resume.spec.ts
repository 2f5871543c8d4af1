// dslab roster resumes: a roster killed (SIGKILL, as a machine that goes down) once its first
// submission's results are written goes on, run again, where it stopped: the finished submission is
// not graded again (its results file is untouched), the others are; then a submission whose content
// changed is graded again, and only it.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SubmissionResult } from '../../grader/roster/roster';
import { finish, gradebook, rosterOf2A, start } from '../grader/helpers';
import { cleanup, copyReferenceLayer, tempDir } from '../learner/helpers';

const NAMES = ['first', 'second', 'third'];

/** Resolves once `file` exists (checked every 20 ms), or rejects after `limitMs`. */
function appears(file: string, limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  return new Promise((resolve, reject) => {
    const look = () => {
      if (fs.existsSync(file)) resolve();
      else if (Date.now() > until) reject(new Error(`${file} did not appear in ${limitMs} ms`));
      else setTimeout(look, 20);
    };
    look();
  });
}

describe('dslab roster: an interrupted roster resumes', function () {
  this.timeout(300_000);
  let root: string;
  let out: string;
  let subs: string[];
  before(() => {
    root = tempDir('roster-resume');
    out = path.join(root, 'out');
    subs = NAMES.map((n) => path.join(root, n));
    for (const dir of subs) copyReferenceLayer('raft', dir);
  });
  after(() => root && cleanup(root, ...subs));

  const args = () => rosterOf2A(subs, out, 1);
  const env = { GRADE_EXTRA_SCENARIOS: '' };
  const resultOf = (name: string) => path.join(out, 'results', `${name}.json`);

  it('grades, once killed after its first submission, only what it had not finished', async () => {
    const child = start(args(), env);
    const ended = finish(child, 240_000);
    await appears(resultOf('first'), 240_000);
    child.kill('SIGKILL');
    const killed = await ended;
    expect(killed.signal, killed.stdout + killed.stderr).to.equal('SIGKILL');
    expect(killed.stdout).not.to.include('[3/3]');
    expect(fs.existsSync(resultOf('third'))).to.equal(false);
    const stored = fs.readFileSync(resultOf('first'), 'utf8');
    // Its results record what graded it (code-hash.ts), as grade --json does.
    const provenance = (JSON.parse(stored) as SubmissionResult).file!.provenance!;
    expect(provenance.platform).to.equal(`${process.platform}-${process.arch}`);
    expect(provenance.grader).to.match(/^[0-9a-f]{64}$/);
    expect(provenance.implementation).to.match(/^[0-9a-f]{64}$/);

    const again = await finish(start(args(), env), 240_000);
    expect(again.code, again.stderr + again.stdout).to.equal(0);
    expect(again.stdout).to.match(/\[1\/3\] first: cached, (\d+)\/\1 runs/);
    expect(again.stdout).to.match(/\[2\/3\] second: (cached, )?(\d+)\/\2 runs/);
    expect(again.stdout).to.match(/\[3\/3\] third: (\d+)\/\1 runs/);
    // "second" may have been written just before the kill: then it is cached too.
    expect(again.stdout).to.match(/graded (2, cached 1|1, cached 2)/);
    expect(fs.readFileSync(resultOf('first'), 'utf8'), 'first is not written again').to.equal(
      stored,
    );
    expect([...gradebook(out).values()].map((row) => `${row.name},${row.status}`)).to.deep.equal(
      NAMES.map((n) => `${n},passed`),
    );
  });

  it('grades a submission again when its content changed, and only it', async () => {
    const before = NAMES.map((n) => fs.readFileSync(resultOf(n), 'utf8'));
    fs.appendFileSync(path.join(subs[1]!, 'raft', 'index.ts'), '\n// a change\n');
    const r = await finish(start(args(), env), 240_000);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(r.stdout).to.include('graded 1, cached 2');
    expect(r.stdout).to.match(/\[2\/3\] second: (\d+)\/\1 runs/);
    const after = NAMES.map((n) => fs.readFileSync(resultOf(n), 'utf8'));
    expect(after[0]).to.equal(before[0]);
    expect(after[1]).not.to.equal(before[1]);
    expect(after[2]).to.equal(before[2]);
  });
});

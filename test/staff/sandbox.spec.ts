// Grading untrusted code (README): a roster of a well-behaved submission among hostile ones, each a
// copy of test/fixtures/hostile making one attack (its raft/attack.ts). In the sandbox every attack
// is refused with a message naming it, no hostile submission scores, nothing is written outside
// the output folder, and the well-behaved submission gets full marks. The same roster with
// --no-sandbox shows the attacks work when nothing stops them: the "return the reference"
// submission scores full marks, the others report "ATTACK SUCCEEDED". A submission that forges its
// results in the tester's process is not stopped; the roster's re-runs in fresh workers flag it.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gradebook, grade as runCli, oneSeed, ROOT, rosterOf2A } from '../grader/helpers';
import { cleanup, copyReferenceLayer, tempDir } from '../learner/helpers';
import type { SubmissionResult } from '../../grader/roster/roster';

const cli = (args: string[]) => runCli(args, { GRADE_EXTRA_SCENARIOS: '' }, 600_000);
const HOSTILE = path.join(ROOT, 'test', 'fixtures', 'hostile');
// Where the hostile submission writes: the project (its node_modules may be a link to another's).
const PWNED = [ROOT, path.dirname(fs.realpathSync(path.join(ROOT, 'node_modules')))].map((d) =>
  path.join(d, 'dslab-sandbox-PWNED.txt'),
);
const pwned = () => PWNED.some((f) => fs.existsSync(f));
const unpwn = () => PWNED.forEach((f) => fs.rmSync(f, { force: true }));

/** Each attack, and what the sandboxed run's failure must say. */
const ATTACKS: Record<string, RegExp> = {
  'reference-create-require': /the grader's sandbox refused reading \S*dist\/src\/raft/,
  'reference-require': /the grader's sandbox refused reading \S*dist\/src\/raft\/index\.js/,
  'reference-read': /the grader's sandbox refused reading \S*dist\/src\/raft\/raft\.js/,
  'read-other': /the grader's sandbox refused reading \S*node_modules\/\.cache\/dslab\/impl/,
  write: /the grader's sandbox refused writing \S*dslab-sandbox-PWNED\.txt/,
  spawn: /require\('node:child_process'\) was called .*must not leave the simulation/,
  binding: /the grader's sandbox refused process\.binding/,
  socket: /require\('node:net'\) was called .*the simulated network is the only one/,
  worker: /require\('node:worker_threads'\) was called .*must not leave the simulation/,
  // import() passes by require; the socket operation itself is refused (when the import finished).
  'socket-import': /net\.Server\.listen was called|import\('node:net'\) has not finished yet/,
};

function results(out: string, name: string): SubmissionResult {
  return JSON.parse(
    fs.readFileSync(path.join(out, 'results', `${name}.json`), 'utf8'),
  ) as SubmissionResult;
}

describe('grading untrusted code: the sandbox', function () {
  this.timeout(900_000);
  let root: string;
  const made: string[] = [];
  const hostile = (attack: string) => {
    const dir = path.join(root, attack);
    fs.cpSync(HOSTILE, dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'raft', 'attack.ts'),
      `export const ATTACK: string = '${attack}';\n`,
    );
    made.push(dir);
    return dir;
  };
  before(() => {
    unpwn();
    root = tempDir('sandbox');
    copyReferenceLayer('raft', path.join(root, 'good'));
    made.push(path.join(root, 'good'));
  });
  after(() => {
    unpwn();
    cleanup(root, ...made);
  });

  it('refuses every attack with a message naming it; the well-behaved submission loses nothing', async () => {
    const attacks = Object.keys(ATTACKS);
    // The well-behaved one after some hostile ones: whatever they did is behind it.
    const subs = [
      ...attacks.slice(0, 3).map(hostile),
      path.join(root, 'good'),
      ...attacks.slice(3).map(hostile),
      hostile('write-at-load'),
      hostile('forge'),
    ];
    const out = path.join(root, 'boxed');
    const r = await cli(rosterOf2A(subs, out));
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(pwned(), 'a sandboxed submission wrote in the project').to.equal(false);
    const rows = gradebook(out);
    expect(rows.get('good')?.status).to.equal('passed');
    expect(rows.get('good')?.['2A (course)']).to.equal('5');
    for (const [attack, refusal] of Object.entries(ATTACKS)) {
      expect(rows.get(attack)?.total, attack).to.equal('0');
      const runs = results(out, attack).file!.results;
      expect(runs.length, attack).to.be.greaterThan(2);
      for (const run of runs) {
        expect(run.status, `${attack} ${run.test}`).to.equal('failed');
        expect(run.error, attack).to.not.include('ATTACK SUCCEEDED');
        expect(run.error, attack).to.match(refusal);
      }
    }
    // Its own output folder is writable: the first failing run of each test has its trace there.
    const traced = results(out, 'write').file!.results[0]!.trace;
    expect(traced, 'no trace saved').to.be.a('string');
    expect(path.relative(path.join(out, 'traces', 'write'), traced!)).to.not.match(/^\.\./);
    expect(fs.existsSync(traced!)).to.equal(true);
    // The roster re-ran 2 passing runs of each in fresh workers (--verify-sample, 2 by default).
    expect(results(out, 'good').file!.verification).to.deep.equal({ sampled: 2, mismatches: [] });
    // Forged in the tester's process: not blocked, but its made-up fingerprints do not repeat.
    const forged = rows.get('forge')!;
    expect(forged.total, 'a forger scores, as far as the runs say').to.equal('5');
    expect(forged.reason).to.match(/^NOT VERIFIED: 2 of 2 passing runs re-run in fresh workers/);
    expect(results(out, 'forge').file!.verification!.mismatches).to.have.length(2);
    // At load time (the grader loads a submission before its runs): its row says why.
    const atLoad = rows.get('write-at-load')!;
    expect(atLoad.status).to.equal('not-graded');
    expect(atLoad.reason).to.match(/sandbox refused writing \S*dslab-sandbox-PWNED\.txt/);
  });

  it('with --no-sandbox the same attacks work: the spec above can fail', async () => {
    const subs = ['reference-create-require', 'read-other', 'write'].map((a) => path.join(root, a));
    const out = path.join(root, 'open');
    const r = await cli([...rosterOf2A(subs, out), '--no-sandbox']);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    const rows = gradebook(out);
    // The reference Raft, returned as the submission's own: full marks.
    expect(rows.get('reference-create-require')?.['2A (course)']).to.equal('5');
    for (const attack of ['read-other', 'write'])
      for (const run of results(out, attack).file!.results)
        expect(run.error, attack).to.include('ATTACK SUCCEEDED');
    expect(pwned()).to.equal(true);
  });

  it('grade --impl: the same submission scores 0 in the sandbox and full marks without it', async () => {
    const impl = path.join(root, 'reference-create-require');
    const args = ['2a', '--impl', impl, ...oneSeed(path.join(root, 'g'))];
    const boxed = await cli(args);
    expect(boxed.code, boxed.stdout).to.equal(1);
    expect(boxed.stdout).to.match(/2A +0\.0 \/ 5/);
    expect(boxed.stdout).to.include("the grader's sandbox refused reading");
    const open = await cli([...args, '--no-sandbox']);
    expect(open.code, open.stdout).to.equal(0);
    expect(open.stdout).to.match(/2A +5\.0 \/ 5/);
  });

  it('grade replay runs the submission in the box too, and the reference replays as graded', async () => {
    unpwn();
    const dir = fs.existsSync(path.join(root, 'write'))
      ? path.join(root, 'write')
      : hostile('write');
    const args = ['replay', 'TestInitialElection2A', '--seed', '1', '--impl', dir];
    const boxed = await cli(args);
    expect(boxed.code, boxed.stderr + boxed.stdout).to.equal(1);
    expect(boxed.stdout).to.match(
      /^FAIL: \[implementation-threw\] .*the grader's sandbox refused writing \S*dslab-sandbox-PWNED\.txt/m,
    );
    expect(pwned(), 'a replay wrote in the project from the box').to.equal(false);
    const open = await cli([...args, '--no-sandbox']);
    expect(open.stdout).to.include('ATTACK SUCCEEDED');
    expect(pwned(), 'without the box the write happens: the check above can fail').to.equal(true);
    unpwn();
    // In the box a run is the run a grade worker makes: the same fingerprint.
    const json = path.join(root, 'reference.json');
    const graded = await cli([
      '2a',
      '--run',
      '^TestInitialElection2A$',
      '--impl',
      'src',
      '--json',
      json,
      ...oneSeed(path.join(root, 'g')),
    ]);
    expect(graded.code, graded.stderr + graded.stdout).to.equal(0);
    const fingerprint = (
      JSON.parse(fs.readFileSync(json, 'utf8')) as { results: { fingerprint: string }[] }
    ).results[0]!.fingerprint;
    const replayed = await cli(['replay', 'TestInitialElection2A', '--seed', '1', '--impl', 'src']);
    expect(replayed.code, replayed.stderr).to.equal(0);
    expect(replayed.stdout).to.include(`fingerprint: ${fingerprint}`);
  });

  it('grade shrink runs the submission in the box too: its write is refused, and done without it', async () => {
    unpwn();
    // Made by the first test; made here when this one runs alone.
    const dir = fs.existsSync(path.join(root, 'write'))
      ? path.join(root, 'write')
      : hostile('write');
    const args = ['shrink', 'TestSwarmRaft', '--seed', '1', '--impl', dir];
    const boxed = await cli([...args, '--budget', '20']);
    expect(boxed.code, boxed.stderr + boxed.stdout).to.equal(0);
    // Every candidate fails at once (the refused write throws in makeRaft): no fault is needed.
    expect(boxed.stdout).to.match(/still fails \[implementation-threw\]/);
    expect(pwned(), 'a shrink wrote in the project from the box').to.equal(false);
    const open = await cli([...args, '--budget', '20', '--no-sandbox']);
    expect(open.code, open.stderr + open.stdout).to.equal(0);
    expect(pwned(), 'without the box the write happens: the check above can fail').to.equal(true);
    unpwn();
  });
});

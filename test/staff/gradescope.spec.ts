// The Gradescope bundle end to end: dslab gradescope builds it (the student edition, no reference
// solution, setup.sh, run_autograder, the settings); the spec unzips it into a folder laid out like
// /autograder, builds it there as setup.sh's npm ci would (TypeScript over the bundle's sources; the
// packages are the project's own node_modules, linked, since an npm ci here would need the registry
// or minutes from the cache), and runs the bundle's own run_autograder against submissions: the
// untouched kit (new-lab), the kit with a minimal election in a repository-like upload, one that does
// not compile, and one with no code. Every results.json must satisfy
// schemas/gradescope-results.schema.json (ajv) and carry the score table's points.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { unzipSync } from 'fflate';
import { ROOT } from '../grader/helpers';
import { cleanup, fill, newLab, tempDir } from '../learner/helpers';
import { fillElection } from '../ours/kit';
import type { GradescopeResults } from '../../grader/formats/gradescope';

const CLI = path.join(ROOT, 'dist', 'grader', 'cli.js');
const SCHEMA = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'schemas', 'gradescope-results.schema.json'), 'utf8'),
) as object;

/** Entry name -> Unix mode, from a zip's central directory (what unzip restores). */
function zipModes(zip: Buffer): Map<string, number> {
  const modes = new Map<string, number>();
  for (let at = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); at >= 0;) {
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const attrs = zip.readUInt32LE(at + 38);
    modes.set(zip.toString('utf8', at + 46, at + 46 + nameLength), (attrs >>> 16) & 0o777);
    at = at + 46 + nameLength + extra + comment;
    if (zip.readUInt32LE(at) !== 0x02014b50) break;
  }
  return modes;
}

function sh(argv: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd,
    env: { ...process.env, CI: 'true', FORCE_COLOR: '0', ...env },
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 64 * 2 ** 20,
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}${r.error ?? ''}` };
}

describe('staff: the Gradescope autograder bundle (dslab gradescope, run_autograder)', function () {
  this.timeout(600_000);
  let dir: string;
  let zip: Buffer;
  let source: string;
  const validate = new Ajv({ allErrors: true, strict: true }).compile(SCHEMA);

  before(() => {
    dir = tempDir('gradescope');
    const out = path.join(dir, 'autograder.zip');
    const r = sh(
      [
        process.execPath,
        CLI,
        'gradescope',
        '--parts',
        'lab2a',
        '-n',
        '2',
        '--seed',
        '1',
        '--out',
        out,
      ],
      dir,
    );
    expect(r.status, r.output).to.equal(0);
    expect(r.output).to.include(`autograder bundle: ${out}`);
    zip = fs.readFileSync(out);
  });
  after(() => cleanup(dir));

  /** Gradescope's folder for one submission: source (the unzipped bundle), submission, results. */
  function autograderRoot(name: string): { root: string; submission: string } {
    const root = path.join(dir, name);
    fs.mkdirSync(path.join(root, 'submission'), { recursive: true });
    fs.symlinkSync(source, path.join(root, 'source'));
    return { root, submission: path.join(root, 'submission') };
  }

  /** The bundle's run_autograder for a root; its results.json, validated against the schema. */
  function runAutograder(root: string): GradescopeResults {
    const r = sh(['bash', path.join(root, 'source', 'run_autograder')], dir, {
      DSLAB_AUTOGRADER_ROOT: root,
      GRADE_EXTRA_SCENARIOS: '',
      DSLAB_IMPL: '',
    });
    expect(r.status, r.output).to.equal(0);
    const results = JSON.parse(
      fs.readFileSync(path.join(root, 'results', 'results.json'), 'utf8'),
    ) as GradescopeResults;
    expect(validate(results), JSON.stringify(validate.errors, null, 1)).to.equal(true);
    const sum = results.tests.reduce((a, t) => a + t.score, 0);
    expect(results.score).to.be.closeTo(sum, 1e-3);
    return results;
  }

  const byName = (r: GradescopeResults) => new Map(r.tests.map((t) => [t.name, t]));
  const COURSE = ['2A TestInitialElection2A', '2A TestReElection2A', '2A TestManyElections2A'];
  const OURS = '2A TestStableTerm2A (ours)';
  const OURS_PAST = '2A TestVotesFromThePast2A (ours)';

  it('holds the student edition without the reference, setup.sh, run_autograder (executable) and the settings', () => {
    const files = Object.keys(unzipSync(zip));
    expect(files).to.include.members([
      'setup.sh',
      'run_autograder',
      'dslab-autograder.json',
      'package.json',
      'package-lock.json',
      'grader/cli.ts',
      'grader/gradescope.ts',
      'starter/raft/raft.ts',
      'labs/lab2/lab2a.ts',
    ]);
    expect(
      files.filter((f) => /^(src|impls|bench|dist|node_modules|test\/staff)\//.test(f)),
    ).to.deep.equal([]);
    expect(files).to.not.include('tools/pack-student.ts');
    const modes = zipModes(zip);
    expect(modes.get('run_autograder')).to.equal(0o755);
    expect(modes.get('setup.sh')).to.equal(0o755);
    expect(modes.get('package.json')).to.equal(0o644);
    const text = (f: string) =>
      Buffer.from(unzipSync(zip, { filter: (x) => x.name === f })[f]).toString('utf8');
    expect(JSON.parse(text('dslab-autograder.json'))).to.deep.equal({
      parts: ['lab2a'],
      runs: 2,
      seed: 1,
      parallel: 1,
      timeoutS: 120,
      visibility: 'visible',
    });
    const setup = text('setup.sh');
    expect(setup).to.match(/^#!\/usr\/bin\/env bash\n/);
    expect(setup).to.include('NODE_MAJOR=20');
    expect(setup).to.match(/^npm ci\b/m);
    const run = text('run_autograder');
    expect(run).to.include('ROOT="${DSLAB_AUTOGRADER_ROOT:-/autograder}"');
    expect(run).to.include(
      'node dist/grader/cli.js autograde --root "$ROOT" --config dslab-autograder.json',
    );
    // The same project and settings make the same bundle.
    const again = path.join(dir, 'again.zip');
    const r = sh(
      [
        process.execPath,
        CLI,
        'gradescope',
        '--parts',
        'lab2a',
        '-n',
        '2',
        '--seed',
        '1',
        '--out',
        again,
      ],
      dir,
    );
    expect(r.status, r.output).to.equal(0);
    expect(fs.readFileSync(again).equals(zip)).to.equal(true);
  });

  it("builds where it is unzipped, as setup.sh's npm ci would (the bundle's own sources, type-checked)", () => {
    source = path.join(dir, 'source');
    fs.mkdirSync(source);
    for (const [name, data] of Object.entries(unzipSync(zip))) {
      fs.mkdirSync(path.dirname(path.join(source, name)), { recursive: true });
      fs.writeFileSync(path.join(source, name), data);
    }
    // The project's packages (the bundle's lockfile is the project's), each linked, so that the
    // grader's compile cache (node_modules/.cache) stays the bundle's own.
    fs.mkdirSync(path.join(source, 'node_modules'));
    for (const entry of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
      if (entry === '.cache') continue;
      fs.symlinkSync(
        path.join(ROOT, 'node_modules', entry),
        path.join(source, 'node_modules', entry),
      );
    }
    expect(fs.readFileSync(path.join(source, 'package-lock.json'), 'utf8')).to.equal(
      fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'),
    );
    const r = sh(
      [
        process.execPath,
        path.join(source, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        'tsconfig.json',
      ],
      source,
    );
    expect(r.status, r.output).to.equal(0);
    expect(fs.existsSync(path.join(source, 'dist', 'grader', 'cli.js'))).to.equal(true);
    expect(fs.existsSync(path.join(source, 'dist', 'src'))).to.equal(false);
  });

  it('the untouched kit uploaded as a folder: every 2A test failed, the points split 3 ways, ours worth 0, failing seeds with replay commands', () => {
    const { root, submission } = autograderRoot('kit');
    fs.rmdirSync(submission);
    newLab(submission);
    const results = runAutograder(root);
    expect(results.score).to.equal(0);
    expect(results.tests.map((t) => t.name)).to.deep.equal([...COURSE, OURS, OURS_PAST]);
    for (const name of COURSE) {
      const t = byName(results).get(name)!;
      expect(t).to.include({
        score: 0,
        max_score: 1.6667,
        status: 'failed',
        visibility: 'visible',
      });
      const test = name.split(' ')[1];
      expect(t.output).to.include('failed 2 of 2 runs (seeds 1..2); failing seeds: 1, 2');
      expect(t.output).to.include(
        'seed 1: [implementation-threw] raft/raft.ts: getState() is not implemented yet (part 2A)',
      );
      for (const seed of [1, 2])
        expect(t.output).to.include(
          `replay: npm run grade -- replay ${test} --seed ${seed} --impl mylab --trace`,
        );
      expect(t.output).to.not.include(submission);
    }
    for (const name of [OURS, OURS_PAST])
      expect(byName(results).get(name)).to.include({ score: 0, max_score: 0, status: 'failed' });
    expect(results.output).to.include('graded: the folder you uploaded');
    expect(results.output).to.include('2A    0.0 / 5');
  });

  it("a repository with the kit's minimal election in mylab/: the whole 5 points, every test passed", () => {
    const { root, submission } = autograderRoot('election');
    // A student's repository: the edition's files beside their folder (which is what is graded).
    fs.mkdirSync(path.join(submission, 'starter', 'raft'), { recursive: true });
    fs.copyFileSync(
      path.join(ROOT, 'starter', 'raft', 'raft.ts'),
      path.join(submission, 'starter', 'raft', 'raft.ts'),
    );
    fs.writeFileSync(path.join(submission, 'package.json'), '{ "name": "dslab" }\n');
    newLab(path.join(submission, 'mylab'));
    fillElection(path.join(submission, 'mylab'));
    const results = runAutograder(root);
    expect(results.score).to.equal(5);
    for (const t of results.tests) expect(t.status, `${t.name}: ${t.output}`).to.equal('passed');
    expect(results.tests.map((t) => t.max_score)).to.deep.equal([1.6667, 1.6667, 1.6667, 0, 0]);
    expect(byName(results).get(COURSE[0])!.output).to.equal('passed all 2 runs (seeds 1..2)');
    expect(results.output).to.include('graded: mylab/ in your submission');
  });

  it('a submission that does not compile: score 0, the type error as the output, every test failed with its points', () => {
    const { root, submission } = autograderRoot('broken');
    fs.rmdirSync(submission);
    newLab(submission);
    fill(submission, 'raft/raft.ts', [['  currentTerm = 0;', "  currentTerm: number = 'zero';"]]);
    const results = runAutograder(root);
    expect(results.score).to.equal(0);
    const line =
      fs
        .readFileSync(path.join(submission, 'raft', 'raft.ts'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes("'zero'")) + 1;
    expect(results.output).to.include('Not graded: your code does not compile');
    expect(results.output).to.include(
      `raft/raft.ts:${line}:3 error TS2322: Type 'string' is not assignable to type 'number'.`,
    );
    expect(results.output).to.not.include(submission);
    expect(results.tests.map((t) => [t.name, t.score, t.max_score, t.status])).to.deep.equal([
      [COURSE[0], 0, 1.6667, 'failed'],
      [COURSE[1], 0, 1.6667, 'failed'],
      [COURSE[2], 0, 1.6667, 'failed'],
      [OURS, 0, 0, 'failed'],
      [OURS_PAST, 0, 0, 'failed'],
    ]);
  });

  it('a submission with no code: score 0, saying what to upload', () => {
    const { root, submission } = autograderRoot('empty');
    fs.writeFileSync(path.join(submission, 'notes.txt'), 'hello\n');
    const results = runAutograder(root);
    expect(results.score).to.equal(0);
    expect(results.output).to.include(
      'Not graded: found no folder with your code in the submission',
    );
    expect(results.tests).to.have.length(5);
  });

  it('the schema rejects what Gradescope would not take', () => {
    const good = JSON.parse(
      fs.readFileSync(path.join(dir, 'kit', 'results', 'results.json'), 'utf8'),
    ) as GradescopeResults;
    const bad = [
      { ...good, score: -1 },
      { ...good, tests: [{ ...good.tests[0], status: 'error' }] },
      { ...good, tests: [{ ...good.tests[0], visibility: 'sometimes' }] },
      { ...good, tests: [{ name: 'x', score: 0 }] },
    ];
    for (const b of bad) expect(validate(b), JSON.stringify(b).slice(0, 200)).to.equal(false);
  });
});

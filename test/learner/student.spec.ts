// The student edition's smoke test: pack it into a temporary folder, check that no reference
// solution went in, install it from the npm cache (npm ci builds and so type-checks it), run its
// own npm test, and grade the starter kit there: every 2A test fails with its "not implemented"
// message. The costly part of our npm test (a few minutes): an install and a second test suite.
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXCLUDED_TESTS, namedPaths, studentText, topLevelEntries } from '../../tools/pack-student';
import { ROOT } from '../grader/helpers';
import { tempDir } from './helpers';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function allFiles(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory()
      ? allFiles(full, base)
      : [path.relative(base, full).split(path.sep).join('/')];
  });
}

/** Runs npm in the edition; the output goes into the failure message. */
function npm(
  cwd: string,
  args: string[],
  limitMs: number,
): { status: number | null; output: string } {
  // The edition's own test run must not see our mocha or grader settings.
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', FORCE_COLOR: '0' };
  delete env.GRADE_EXTRA_SCENARIOS;
  delete env.LAB_IMPL;
  delete env.DSLAB_IMPL;
  const r = spawnSync(NPM, args, {
    cwd,
    env,
    encoding: 'utf8',
    timeout: limitMs,
    maxBuffer: 256 * 2 ** 20,
  });
  return {
    status: r.status,
    output: `${r.stdout}\n${r.stderr}${r.error ? `\n${r.error.message}` : ''}`,
  };
}

/** Mocha's closing part (counts and failures), without colours. */
function failures(output: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const at = plain.search(/^\s*\d+ passing/m);
  return (at >= 0 ? plain.slice(at) : plain.slice(-5000)).slice(0, 20_000);
}

describe('student edition (npm run pack:student)', function () {
  this.timeout(900_000);
  let root: string;
  let dir: string;
  let files: string[];

  before(() => {
    root = tempDir('student');
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'dist', 'tools', 'pack-student.js'), '--out', root],
      { cwd: ROOT, encoding: 'utf8' },
    );
    dir = path.join(root, 'dslab');
    files = allFiles(dir);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('holds no reference solution: nothing of src/ or impls/, nothing compiled, no test that needs them', () => {
    expect(files.filter((f) => /^(src|impls|bench|dist|node_modules)\//.test(f))).to.deep.equal([]);
    for (const excluded of EXCLUDED_TESTS)
      expect(files.filter((f) => f.startsWith(excluded))).to.deep.equal([]);
    // The kit, the grader, the suites and a learners' README are there.
    for (const f of [
      'starter/raft/raft.ts',
      'starter/kvraft/server.ts',
      'grader/cli.ts',
      'labs/lab2/lab2a.ts',
      'tools/new-lab.ts',
      'package-lock.json',
    ])
      expect(files).to.include(f);
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).to.include("## The learner's path");
    expect(readme).to.not.include('## Course staff');
    const tsconfig = JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8')) as {
      include: string[];
    };
    expect(tsconfig.include).to.not.include('src');
  });

  it('names in its README only paths it ships (and its scripts only tools it ships)', () => {
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    const named = namedPaths(readme, topLevelEntries());
    // The check has teeth: the full README's sections name what the edition leaves out.
    expect(namedPaths(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), topLevelEntries()))
      .to.include('impls/')
      .and.to.include('BENCHMARKS.md');
    expect(named.length).to.be.above(3);
    const missing = named.filter((p) => !fs.existsSync(path.join(dir, p.replace(/\*.*$/, ''))));
    expect(missing, 'paths the README names that the edition does not have').to.deep.equal([]);
    expect(readme).not.to.match(/<!-- (\/?full|student:)/);
    expect(studentText('a<!-- full --> b `src/`<!-- /full --><!-- student: c -->.')).to.equal(
      'ac.',
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    for (const [name, script] of Object.entries(pkg.scripts))
      for (const m of script.matchAll(/dist\/(\S+)\.js/g))
        expect(files, `npm run ${name}`).to.include(`${m[1]}.ts`);
  });

  it('installs from the npm cache, passes its own tests, and grades the starter kit: every 2A test not implemented', () => {
    // Offline from the cache (CI has just installed the same lockfile); the registry only if the cache lacks something.
    let install = npm(dir, ['ci', '--offline', '--no-audit', '--no-fund'], 300_000);
    if (install.status !== 0)
      install = npm(dir, ['ci', '--prefer-offline', '--no-audit', '--no-fund'], 300_000);
    // npm ci runs prepare, which type-checks and compiles the whole edition.
    expect(install.status, install.output).to.equal(0);
    expect(fs.existsSync(path.join(dir, 'dist', 'grader', 'cli.js'))).to.equal(true);

    const test = npm(dir, ['test'], 600_000);
    expect(test.status, failures(test.output)).to.equal(0);
    const summary = JSON.parse(
      fs.readFileSync(path.join(dir, 'dist', 'test-summary.json'), 'utf8'),
    ) as { passed: number; failed: number };
    expect(summary.failed).to.equal(0);
    expect(summary.passed).to.be.above(100);

    const grade = npm(
      dir,
      ['run', 'grade', '--', 'lab2a', '--seed', '1', '-p', '2', '--json', 'r.json', '-q'],
      120_000,
    );
    expect(grade.status, grade.output).to.equal(1);
    expect(grade.output).to.include('implementation starter');
    const results = (
      JSON.parse(fs.readFileSync(path.join(dir, 'r.json'), 'utf8')) as {
        results: { status: string; error: string; virtualMs: number }[];
      }
    ).results;
    expect(results.length).to.be.above(0);
    for (const r of results) {
      expect(r.status).to.equal('failed');
      expect(r.error).to.match(/^raft\/raft\.ts: getState\(\) is not implemented yet \(part 2A\)/);
      expect(r.virtualMs).to.be.below(2000);
    }
  });
});

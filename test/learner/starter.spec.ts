// The learner's path from zero: npm run new-lab, grading the untouched kit (every test fails at once
// with a "not implemented" message that names the file and method), a type error (file:line:col,
// exit status 2), and the kit's 2A hooks filled with a minimal election passing 2A end to end.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileLearnerDir } from '../../grader/learner/compile';
import { defaultImpl } from '../../grader/learner/defaults';
import { key2shard } from '../../harness/contracts/shardkv';
import { key2shard as kitKey2shard } from '../../starter/shardkv/common';
import { grade as gradeWithFixtures, readResults, ROOT } from '../grader/helpers';
import { cleanup, fill, fillElection, newLab, tempDir } from './helpers';
import { loadRegistry, testsOf } from '../../labs';

/** 2A's tests, the course's and ours, as the registry lists them. */
const tests2A = () => testsOf(loadRegistry('').parts.find((p) => p.id === '2A')!).length;

/** The grader as a learner runs it: the lab suites only, without the grader's own fixture tests. */
const grade = (args: string[]) => gradeWithFixtures(args, { GRADE_EXTRA_SCENARIOS: '' });

describe('learner: the starter kit and npm run new-lab', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  const fresh = (name: string) => {
    const dir = path.join(tempDir(name), 'mylab');
    dirs.push(path.dirname(dir), dir);
    return dir;
  };
  after(() => cleanup(...dirs));

  it('new-lab copies the kit, prints the next commands and never overwrites', () => {
    const dir = fresh('newlab');
    const out = newLab(dir);
    expect(fs.existsSync(path.join(dir, 'raft', 'raft.ts'))).to.equal(true);
    expect(fs.existsSync(path.join(dir, 'kvraft', 'server.ts'))).to.equal(true);
    expect(fs.existsSync(path.join(dir, 'shardctrler', 'server.ts'))).to.equal(true);
    expect(fs.existsSync(path.join(dir, 'shardkv', 'server.ts'))).to.equal(true);
    expect(out).to.include(`npm run grade -- lab2a --impl ${dir}`);
    expect(out).to.include(
      `npm run grade -- replay TestInitialElection2A --seed 1 --impl ${dir} --trace`,
    );
    fs.writeFileSync(path.join(dir, 'raft', 'raft.ts'), '// my work\n');
    expect(() => newLab(dir)).to.throw(
      /already exists and is not an empty directory: new-lab never overwrites/,
    );
    expect(fs.readFileSync(path.join(dir, 'raft', 'raft.ts'), 'utf8')).to.equal('// my work\n');
  });

  it('grading the untouched kit fails every 2A test at once, naming the file and method, at its .ts line', async () => {
    const dir = fresh('untouched');
    newLab(dir);
    const json = path.join(path.dirname(dir), 'r.json');
    const r = await grade([
      'lab2a',
      '--impl',
      dir,
      '--seed',
      '1',
      '-p',
      '2',
      '--json',
      json,
      '--out',
      path.join(path.dirname(dir), 'out'),
      '-q',
    ]);
    expect(r.code, r.stderr).to.equal(1);
    const file = readResults(json);
    // 2A's course tests and ours, once each.
    expect(file.results.length).to.equal(tests2A());
    for (const run of file.results) {
      expect(run.status).to.equal('failed');
      expect(run.error).to.match(
        /^raft\/raft\.ts: getState\(\) is not implemented yet \(part 2A\)/,
      );
      // At once: not after a virtual timeout.
      expect(run.virtualMs).to.be.below(2000);
    }
    // The stack, mapped back through the source maps, names the learner's own line.
    const line =
      fs
        .readFileSync(path.join(dir, 'raft', 'raft.ts'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('getState() is not implemented')) + 1;
    expect(r.stdout).to.include(`at:     ${dir}/raft/raft.ts:${line}:`);
  });

  it('a type error stops grading with file:line:col and exit status 2', async () => {
    const dir = fresh('typeerror');
    newLab(dir);
    fill(dir, 'raft/raft.ts', [['  currentTerm = 0;', "  currentTerm: number = 'zero';"]]);
    const r = await grade(['lab2a', '--impl', dir, '--seed', '1', '-q']);
    expect(r.code).to.equal(2);
    const line =
      fs
        .readFileSync(path.join(dir, 'raft', 'raft.ts'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes("'zero'")) + 1;
    expect(r.stderr).to.include(
      `${dir}/raft/raft.ts:${line}:3 error TS2322: Type 'string' is not assignable to type 'number'.`,
    );
    expect(r.stderr).to.include(`1 type error in ${dir}`);
    expect(r.stdout).to.not.include('Score');
  });

  it('DSLAB_IMPL, else dslab.json, makes a folder the default implementation', async () => {
    const dir = fresh('default');
    newLab(dir);
    const r = await gradeWithFixtures(['lab2a', '--seed', '1', '-q'], {
      GRADE_EXTRA_SCENARIOS: '',
      DSLAB_IMPL: dir,
    });
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stderr).to.include(`implementation ${dir} (from DSLAB_IMPL)`);
    expect(r.stdout).to.include('raft/raft.ts: getState() is not implemented yet (part 2A)');

    const project = path.dirname(dir);
    expect(defaultImpl({}, project)).to.deep.equal({
      impl: 'starter',
      from: 'the starter kit: npm run new-lab makes your own copy',
    });
    fs.writeFileSync(
      path.join(project, 'dslab.json'),
      JSON.stringify({ impl: 'mylab', reference: 'raft' }),
    );
    expect(defaultImpl({}, project)).to.deep.equal({
      impl: path.relative(process.cwd(), dir),
      reference: 'raft',
      from: 'from dslab.json',
    });
    expect(defaultImpl({ DSLAB_IMPL: '/elsewhere' }, project).impl).to.equal('/elsewhere');
    fs.writeFileSync(path.join(project, 'dslab.json'), '{ "impl": 3 }');
    expect(() => defaultImpl({}, project)).to.throw(
      /dslab\.json must look like \{ "impl": "mylab" \}/,
    );
  });

  it("the kit's key2shard is the contract's (the tests place keys with the contract's)", () => {
    for (const key of ['', '0', '9', 'a', 'key', 'é', '日本', '😀', '\u007f', '\u0080'])
      expect(kitKey2shard(key), JSON.stringify(key)).to.equal(key2shard(key));
  });

  it('compiles once: an unchanged directory is not compiled again, a changed one is', () => {
    const dir = fresh('cache');
    newLab(dir);
    expect(compileLearnerDir(dir).rebuilt).to.equal(true);
    expect(compileLearnerDir(dir).rebuilt).to.equal(false);
    const file = path.join(dir, 'raft', 'raft.ts');
    fs.appendFileSync(file, '\n// a change\n');
    expect(compileLearnerDir(dir).rebuilt).to.equal(true);
  });

  it('code that reaches outside the directory is refused, naming the file', async () => {
    const dir = fresh('outside');
    newLab(dir);
    fs.writeFileSync(
      path.join(dir, 'raft', 'sneaky.ts'),
      `export { allTests } from '${path.join(ROOT, 'grader', 'select').split(path.sep).join('/')}';\n`,
    );
    const r = await grade(['lab2a', '--impl', dir, '--seed', '1', '-q']);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/imports code from outside itself \(.*grader\/select\.ts/);
  });

  it('a value imported from the harness is refused at compile time, naming the file', async () => {
    const dir = fresh('value');
    newLab(dir);
    fs.writeFileSync(
      path.join(dir, 'shardctrler', 'shards.ts'),
      "import { NShards } from 'dslab/harness/contracts/shardctrler';\nexport const shards = NShards;\n",
    );
    const r = await grade(['lab2a', '--impl', dir, '--seed', '1', '-q']);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.include(
      `${dir}/shardctrler/shards.ts imports a value from dslab/harness: import only types`,
    );
  });

  it("the kit's 2A hooks filled with a minimal election pass 2A", async () => {
    const dir = fresh('election');
    newLab(dir);
    fillElection(dir);
    const json = path.join(path.dirname(dir), 'r.json');
    const r = await grade([
      'lab2a',
      '--impl',
      dir,
      '--seed',
      '1',
      '-n',
      '2',
      '-p',
      '2',
      '--json',
      json,
      '--out',
      path.join(path.dirname(dir), 'out'),
      '-q',
    ]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).to.equal(0);
    expect(readResults(json).results.filter((x) => x.status === 'passed').length).to.equal(
      2 * tests2A(),
    );
  });

  it("3A on the kit (2A filled in) fails at once with the clerk's not-implemented message", async () => {
    const dir = fresh('kv');
    newLab(dir);
    fillElection(dir);
    const json = path.join(path.dirname(dir), 'r.json');
    const r = await grade([
      'lab3a',
      '--run',
      '^TestBasic3A$',
      '--impl',
      dir,
      '--seed',
      '1',
      '--json',
      json,
      '--out',
      path.join(path.dirname(dir), 'out'),
      '-q',
    ]);
    expect(r.code, r.stderr).to.equal(1);
    const [run] = readResults(json).results;
    expect(run.error).to.match(
      /^client \d+: kvraft\/client\.ts: (get|putAppend)\(\) is not implemented yet \(part 3A/,
    );
    expect(run.virtualMs).to.be.below(2000);
  });
});

// --reference: a learner's key/value service graded on the reference Raft instead of their own.
// The "learner" here is a copy of the reference's raft/ and kvraft/ sources laid out as new-lab
// lays out a kit (imports of the harness through dslab/harness), with one bug put into the Raft:
// its log is never persisted. The key/value service on that Raft loses acknowledged writes when
// every server restarts; the same service on the reference Raft keeps them.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_IMPL_DIR } from '../../harness/impl';
import { grade as gradeWithFixtures, readResults, ROOT } from '../grader/helpers';
import {
  cleanup,
  copyReferenceLayer,
  fill,
  NO_PERSISTED_LOG,
  REFERENCE_MAKE_RAFT,
  newLab,
  tempDir,
} from './helpers';

const grade = (args: string[]) => gradeWithFixtures(args, { GRADE_EXTRA_SCENARIOS: '' });

describe('learner: --reference mixes in the reference layers', function () {
  this.timeout(180_000);
  let root: string;
  let dir: string;
  before(() => {
    root = tempDir('reference');
    dir = path.join(root, 'mylab');
    copyReferenceLayer('raft', dir);
    copyReferenceLayer('kvraft', dir);
    fill(dir, 'raft/index.ts', [[REFERENCE_MAKE_RAFT, NO_PERSISTED_LOG]]);
  });
  // The learners' folders inside root each have a compile cache of their own.
  after(() =>
    cleanup(root, ...['mylab', 'thrower', 'kit', 'kit4a'].map((d) => path.join(root, d))),
  );

  const TEST = [
    'lab3a',
    '--run',
    '^TestPersistOneClient3A$',
    '--seed',
    '1',
    '-n',
    '2',
    '-p',
    '2',
    '-q',
  ];

  it('a key/value service on a broken Raft fails; the same service on the reference Raft passes', async () => {
    const own = await grade([
      ...TEST,
      '--impl',
      dir,
      '--json',
      path.join(root, 'own.json'),
      '--out',
      path.join(root, 'out-own'),
    ]);
    expect(own.code, `${own.stdout}\n${own.stderr}`).to.equal(1);
    for (const r of readResults(path.join(root, 'own.json')).results) {
      expect(r.status).to.equal('failed');
      // Writes acknowledged before every server restarted are gone: a get misses a value, or
      // an append's result misses an element.
      expect(r.error).to.match(/get wrong value|missing element/);
    }
    expect(own.stderr).to.include(`implementation ${dir},`);

    const mixed = await grade([
      ...TEST,
      '--impl',
      dir,
      '--reference',
      'raft',
      '--json',
      path.join(root, 'mixed.json'),
      '--out',
      path.join(root, 'out-mixed'),
    ]);
    expect(mixed.code, `${mixed.stdout}\n${mixed.stderr}`).to.equal(0);
    // The report says which layer came from where.
    expect(mixed.stderr).to.include(`implementation ${dir} (raft: reference, kvraft: yours)`);
    expect(mixed.stdout).to.include(`implementation ${dir} with the reference raft`);
    const file = readResults(path.join(root, 'mixed.json'));
    expect(file.reference).to.deep.equal(['raft']);
    expect(file.results.map((r) => r.status)).to.deep.equal(['passed', 'passed']);
    // The mix's generated re-export of the reference is not the learner's module state: the
    // modules stay loaded between runs, as without mixing.
    expect(mixed.stdout).not.to.include('modules reloaded for every run');
    expect(file.modules).to.match(/^modules kept loaded between runs/);
  });

  it("compare takes --reference for the learner's folder, not for the reference", async () => {
    const r = await grade([
      'compare',
      '--impl',
      'src',
      '--impl',
      dir,
      '--reference',
      'raft',
      ...TEST,
    ]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).to.equal(0);
    expect(r.stdout).to.include(`A = src   B = ${dir} (raft: reference, kvraft: yours)`);
    // The same key/value service on the same Raft: the same runs (real time may differ).
    expect(r.stdout).to.match(
      /^\s+3A: [\w ]+: both pass 2\/2 runs; B against A: RPCs ±0%, bytes ±0%/m,
    );
    const neither = await grade([
      'compare',
      '--impl',
      'src',
      '--impl',
      'src',
      '--reference',
      'raft',
      ...TEST,
    ]);
    expect(neither.code).to.equal(2);
    expect(neither.stderr).to.include(
      "--reference raft mixes reference layers into a learner's folder",
    );
  });

  it('--reference none sets the mix aside', async () => {
    const r = await grade([
      'replay',
      'TestPersistOneClient3A',
      '--seed',
      '1',
      '--impl',
      dir,
      '--reference',
      'none',
    ]);
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout).not.to.include('raft: reference');
  });

  it("stack frames of a mixed run name TypeScript lines: the learner's and the engine's", async () => {
    const thrower = path.join(root, 'thrower');
    copyReferenceLayer('raft', thrower);
    copyReferenceLayer('kvraft', thrower);
    fill(thrower, 'kvraft/server.ts', [
      [
        'protected async get(args: GetArgs): Promise<GetReply> {\n',
        "protected async get(args: GetArgs): Promise<GetReply> {\n    if (args.key !== '\\0') throw new Error('planted in get');\n",
      ],
    ]);
    const args = ['--impl', thrower, '--reference', 'raft'];
    // At once, as from two terminals: both compile the new folder and mix it with the reference
    // Raft in the same cache, and neither may pull a build from under the other.
    const [replayed, graded] = await Promise.all([
      grade(['replay', 'TestBasic3A', '--seed', '1', ...args]),
      grade([
        'lab3a',
        '--run',
        '^TestBasic3A$',
        '--seed',
        '1',
        '-n',
        '1',
        ...args,
        '--json',
        path.join(root, 'thrower.json'),
        '--out',
        path.join(root, 'out-thrower'),
        '-q',
      ]),
    ]);
    expect(graded.code, graded.stderr).to.equal(1);
    const error = readResults(path.join(root, 'thrower.json')).results[0].error!;
    for (const text of [replayed.stdout, error]) {
      expect(text).to.include('planted in get');
      expect(text).to.match(
        new RegExp(`at KVServerImpl\\.get \\(${thrower}/kvraft/server\\.ts:\\d+:\\d+\\)`),
      );
      expect(text).to.match(/at Server\.dispatch \(\S+\/engine\/rpc\/network\.ts:\d+:\d+\)/);
      expect(text).not.to.match(/\.js:\d+:\d+\)/);
    }
  });

  it('the replay command of a mixed run repeats the mix', async () => {
    const r = await grade([
      'replay',
      'TestPersistOneClient3A',
      '--seed',
      '1',
      '--impl',
      dir,
      '--reference',
      'raft',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('raft: reference, kvraft: yours');
    expect(r.stdout).to.include('PASS');
  });

  it("a learner's kvraft on the reference Raft reaches their own code (the kit's clerk)", async () => {
    const kit = path.join(root, 'kit');
    newLab(kit);
    const json = path.join(root, 'kit.json');
    const r = await grade([
      'lab3a',
      '--run',
      '^TestBasic3A$',
      '--seed',
      '1',
      '--impl',
      kit,
      '--reference',
      'raft',
      '--json',
      json,
      '--out',
      path.join(root, 'out-kit'),
      '-q',
    ]);
    expect(r.code, r.stderr).to.equal(1);
    expect(readResults(json).results[0].error).to.match(
      /kvraft\/client\.ts: (get|putAppend)\(\) is not implemented yet \(part 3A/,
    );
  });

  it("a learner's shard controller on the reference Raft reaches their own code (the kit's clerk)", async () => {
    const kit = path.join(root, 'kit4a');
    newLab(kit);
    const json = path.join(root, 'kit4a.json');
    const r = await grade([
      'lab4a',
      '--seed',
      '1',
      '--impl',
      kit,
      '--reference',
      'raft',
      '--json',
      json,
      '--out',
      path.join(root, 'out-kit4a'),
      '-q',
    ]);
    expect(r.code, r.stderr).to.equal(1);
    const results = readResults(json).results;
    expect(results.length).to.be.above(0);
    for (const run of results)
      expect(run.error).to.match(
        /shardctrler\/client\.ts: (query|join|leave|move)\(\) is not implemented yet \(part 4A\)/,
      );
  });

  it('refuses --reference for an implementation without TypeScript sources, and unknown layers', async () => {
    expect(fs.existsSync(path.join(DEFAULT_IMPL_DIR, 'raft', 'index.js'))).to.equal(true);
    const compiled = await grade([
      'lab3a',
      '--impl',
      path.join(ROOT, 'dist', 'src'),
      '--reference',
      'raft',
      '-q',
    ]);
    expect(compiled.code).to.equal(2);
    expect(compiled.stderr).to.include(
      '--reference needs --impl to name a directory of TypeScript sources',
    );
    const bad = await grade(['lab3a', '--impl', dir, '--reference', 'rafts', '-q']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include(
      'bad --reference "rafts": give layers separated by commas, from raft, kvraft, shardctrler, shardkv',
    );
  });
});

// The grade table's figures beside the reference's: labs/reference-figures.json covers every
// registered test on the recorded seeds and is as fresh as fingerprints.json; a test whose every
// run passed but whose cost is over 1.3x the reference's is marked, with a hint (impls/'s clerk
// that forgets the leader passes 3A, slower); the reference is not marked against itself.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadRegistry, testsOf } from '../../labs';
import { EDITIONS } from '../../labs/editions';
import {
  FIGURE_SEEDS,
  readFigures,
  referenceFigure,
  slowMarks,
  type FiguresFile,
} from '../../grader/reference-figures';
import { grade, ROOT } from './helpers';

const UPDATE = 'run npm run reference-figures to record them again';

describe('grader: figures beside the reference', function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-figures-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('labs/reference-figures.json has every registered test of every edition (not the swarm) on the recorded seeds', () => {
    const figures = readFigures()!;
    expect(figures, 'labs/reference-figures.json').to.be.an('object');
    expect(figures.seeds).to.deep.equal([...FIGURE_SEEDS]);
    const registered = EDITIONS.flatMap((e) =>
      loadRegistry('', e).parts.flatMap((p) => testsOf(p).map((s) => s.name)),
    ).sort();
    expect(
      Object.keys(figures.tests).sort(),
      `tests registered and recorded differ: ${UPDATE}`,
    ).to.deep.equal(registered);
    for (const [test, seeds] of Object.entries(figures.tests))
      expect(Object.keys(seeds).map(Number), `${test}: ${UPDATE}`).to.deep.equal([...FIGURE_SEEDS]);
  });

  it('its runs are the runs fingerprints.json records (stale figures show as other fingerprints)', () => {
    const figures = readFigures()!;
    const fingerprints = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'fingerprints.json'), 'utf8'),
    ) as {
      runs: Record<string, Record<string, string>>;
    };
    const stale: string[] = [];
    for (const [test, seeds] of Object.entries(figures.tests))
      for (const [seed, f] of Object.entries(seeds))
        if (fingerprints.runs[test]?.[seed] !== f.fingerprint) stale.push(`${test} seed ${seed}`);
    expect(stale, `figures of runs that changed since they were recorded: ${UPDATE}`).to.deep.equal(
      [],
    );
  });

  it('marks over 1.3x the mean on the same seeds, over 1.3x the highest on others, never a failing test', () => {
    const figures: FiguresFile = {
      about: '',
      node: 'v20',
      seeds: [51, 52],
      tests: {
        T: {
          '51': { virtualMs: 10_000, rpcs: 1000, fingerprint: 'a' },
          '52': { virtualMs: 14_000, rpcs: 1000, fingerprint: 'b' },
        },
      },
    };
    const test = {
      name: 'T',
      part: '3A',
      layer: 'kvraft',
      passed: true,
      meanVirtualMs: 16_000,
      meanRpcs: 1200,
    };
    const same = referenceFigure(figures, 'T', [51, 52])!;
    expect(same).to.include({ virtualMs: 12_000, rpcs: 1000, sameSeeds: true });
    const marks = slowMarks(test, same);
    expect(marks.map((m) => m.what)).to.deep.equal(['virtual time']);
    expect(marks[0].hint).to.equal(
      'does your clerk remember the leader, and does a server answer as soon as the command is applied?',
    );
    // Seed 60 was not recorded: the bar is 1.3 x 14 s, the highest, which 16 s does not pass.
    const other = referenceFigure(figures, 'T', [60])!;
    expect(other.sameSeeds).to.equal(false);
    expect(slowMarks(test, other)).to.deep.equal([]);
    expect(slowMarks({ ...test, meanVirtualMs: 18_300 }, other)).to.have.length(1);
    expect(slowMarks({ ...test, passed: false }, same)).to.deep.equal([]);
    expect(referenceFigure(figures, 'Unknown', [51])).to.equal(undefined);
  });

  it('a clerk that forgets the leader passes 3A, marked with a hint; the reference is not', async () => {
    const args = ['lab3a', '--run', '^TestSpeed3A$', '--seed', '52', '-n', '1', '-q', '--out', tmp];
    const env = { GRADE_EXTRA_SCENARIOS: '' };
    const [slow, reference] = await Promise.all([
      grade([...args, '--impl', 'impls/kvraft-clerk-forgets-leader'], env),
      grade([...args, '--impl', 'src'], env),
    ]);
    expect(slow.code, slow.stderr).to.equal(0);
    expect(slow.stdout).to.match(
      /^ {2}test .* virt s mean +max +ref s +real ms +RPCs +ref RPCs +bytes +status$/m,
    );
    expect(slow.stdout).to.match(/^ {2}TestSpeed3A .* ok \(1\.\d\dx RPCs, 1\.\d\dx virt s\)$/m);
    expect(slow.stdout).to.match(
      /^ {2}3A TestSpeed3A: \d+% more RPCs \([\d,]+ against [\d,]+\) and \d+% more virtual time \([\d.]+ s against [\d.]+ s\) than the reference, on the same seeds: does your clerk remember the leader\?$/m,
    );
    expect(reference.code, reference.stderr).to.equal(0);
    expect(reference.stdout).to.include("ref s, ref RPCs: the reference's mean on the same seeds");
    expect(reference.stdout).not.to.include('Passing, but over');
    // The reference's own row: its figures and the recorded ones are the same.
    const row =
      /^ {2}TestSpeed3A +1 +1 +0 +0% +([\d.]+) +[\d.]+ +([\d.]+) +\d+ +(\d+) +(\d+) /m.exec(
        reference.stdout,
      );
    expect(row, reference.stdout).to.not.equal(null);
    expect(row![1]).to.equal(row![2]);
    expect(row![3]).to.equal(row![4]);
  });
});

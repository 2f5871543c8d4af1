// Every results file says what code produced it (grader/code-hash.ts), and merge refuses to join
// the results of different code: a shard graded by a rebuilt grader, or of another version of the
// implementation, would make one report out of two different experiments.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { graderCodeHash } from '../../grader/code-hash';
import type { GradeFile } from '../../grader/results';
import { grade, readResults, ROOT } from './helpers';

describe('grader: provenance of results, and merge refusing different code', function () {
  this.timeout(120_000);
  let tmp: string;
  let shards: string[];
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grader-provenance-'));
    shards = [1, 2].map((k) => path.join(tmp, `shard${k}.json`));
    const args = ['2a', '--run', '^TestInitialElection2A$', '-n', '2', '--seed', '1', '-q'];
    const runs = await Promise.all(
      shards.map((f, k) => grade([...args, '--shard', `${k + 1}/2`, '--json', f])),
    );
    for (const r of runs) expect(r.code, r.stderr).to.equal(0);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const edited = (file: string, change: (f: GradeFile) => void): string => {
    const f = readResults(file) as GradeFile;
    change(f);
    const out = path.join(tmp, `edited-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(out, JSON.stringify(f));
    return out;
  };

  it('records the platform, the grader code and the implementation code', () => {
    const p = (readResults(shards[0]!) as GradeFile).provenance!;
    expect(p.platform).to.equal(`${process.platform}-${process.arch}`);
    expect(p.grader).to.equal(graderCodeHash(path.join(ROOT, 'dist')));
    expect(p.implementation).to.match(/^[0-9a-f]{64}$/);
    expect((readResults(shards[1]!) as GradeFile).provenance).to.deep.equal(p);
  });

  it('merges results of the same code, keeping their provenance', async () => {
    const merged = path.join(tmp, 'merged.json');
    const m = await grade(['merge', ...shards, '--json', merged]);
    expect(m.code, m.stderr).to.equal(0);
    expect((readResults(merged) as GradeFile).provenance).to.deep.equal(
      (readResults(shards[0]!) as GradeFile).provenance,
    );
  });

  it('refuses results of other grader code or another implementation, and says which', async () => {
    const otherGrader = edited(shards[1]!, (f) => (f.provenance!.grader = 'f'.repeat(64)));
    const g = await grade(['merge', shards[0]!, otherGrader]);
    expect(g.code).to.equal(2);
    expect(g.stderr).to.match(
      /was graded by other grader code than .*shard1\.json \(grader ffffffffffff vs/,
    );
    const otherImpl = edited(shards[1]!, (f) => (f.provenance!.implementation = '0'.repeat(64)));
    const i = await grade(['merge', shards[0]!, otherImpl]);
    expect(i.code).to.equal(2);
    expect(i.stderr).to.match(/graded other implementation code than .*shard1\.json/);
  });

  it('warns, and merges, when an older grader wrote a file without provenance', async () => {
    const old = edited(shards[1]!, (f) => delete f.provenance);
    const m = await grade(['merge', shards[0]!, old]);
    expect(m.code, m.stderr).to.equal(0);
    expect(m.stdout + m.stderr).to.match(/records no provenance \(an older grader wrote it\)/);
  });
});

// Workers' memory: by default the machine's memory shared among the workers (and the grader), at
// most 1 GiB each; a run that passes its worker's limit is reported as out of memory, with the
// limit, the test and the seed.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultWorkerMemory } from '../../grader/grade';
import { faultySeed, grade, readResults } from './helpers';

describe('grader: worker memory', function () {
  this.timeout(60_000);

  it('shares the machine among the workers, at most 1 GiB each', () => {
    expect(defaultWorkerMemory(1)).to.be.at.most(1024);
    expect(defaultWorkerMemory(2, 64 * 1024)).to.equal(1024);
    expect(defaultWorkerMemory(2, 2048)).to.equal(682);
    expect(defaultWorkerMemory(7, 4096)).to.equal(512);
    expect(defaultWorkerMemory(64, 2048)).to.equal(128);
  });

  it('reports a run past --worker-memory as out of memory, with the limit, test and seed', async () => {
    expect(faultySeed(1)).to.equal(true);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grader-memory-'));
    try {
      const json = path.join(tmp, 'r.json');
      const r = await grade([
        '2a',
        '--run',
        '^TestGraderElection2A$',
        '--impl',
        'test/grader/impls/oom',
        '-n',
        '1',
        '--seed',
        '1',
        '--worker-memory',
        '128',
        '--traces',
        '0',
        '--json',
        json,
        '--out',
        tmp,
      ]);
      expect(r.code, r.stderr).to.equal(1);
      const [rec] = readResults(json).results;
      expect(rec.status).to.equal('crashed');
      const line =
        '[crashed] out of memory (limit 128 MB per worker, --worker-memory): TestGraderElection2A seed 1 used more heap than that';
      expect(r.stdout).to.include(`    ${line}\n`);
      expect(r.stderr).to.include(`CRASHED TestGraderElection2A seed 1 at `);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

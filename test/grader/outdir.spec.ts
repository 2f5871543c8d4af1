// --out keeps one folder per grade invocation and removes the old ones, and nothing else.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { invocationDir, pruneInvocations } from '../../grader/outdir';

describe('grader: --out folders per invocation', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-out-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('names a folder by time, parts and process', () => {
    const dir = invocationDir('.grade-out', ['2A', '2B'], new Date(2026, 10, 27, 9, 5, 7));
    expect(dir).to.equal(path.join('.grade-out', `20261127-090507-2A2B-${process.pid}`));
  });

  it('removes invocation folders beyond the newest few, never a recent one or anything else', () => {
    const hourAgo = new Date(Date.now() - 3_600_000);
    const names = [1, 2, 3, 4, 5, 6].map((k) => `2026112${k}-100000-2A-1`);
    for (const n of names) {
      fs.mkdirSync(path.join(tmp, n));
      fs.writeFileSync(path.join(tmp, n, 'trace.txt'), 'x');
      fs.utimesSync(path.join(tmp, n), hourAgo, hourAgo);
    }
    // The oldest name, but touched just now: a grade still writing there.
    fs.utimesSync(path.join(tmp, names[0]), new Date(), new Date());
    fs.mkdirSync(path.join(tmp, 'mine'));
    fs.writeFileSync(path.join(tmp, 'old-report.html'), 'x');
    const removed = pruneInvocations(tmp, 3);
    expect(removed.map((d) => path.basename(d))).to.deep.equal([names[2], names[1]]);
    expect(fs.readdirSync(tmp).sort()).to.deep.equal(
      [names[0], names[3], names[4], names[5], 'mine', 'old-report.html'].sort(),
    );
    expect(pruneInvocations(path.join(tmp, 'absent'))).to.deep.equal([]);
  });
});

// The grader saves the run viewer (viewer/) beside the trace of each test's first failing seed and
// names it in the report and the results file.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { faultySeed, grade, readResults } from './helpers';

describe('grader: a viewer for the first failing seed of each test', function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-viewer-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes it beside the trace, once per test, and the report names it', async () => {
    // Seeds 1 and 3 fail, 2 passes; one worker finishes them in order.
    expect([1, 2, 3].map(faultySeed)).to.deep.equal([true, false, true]);
    const json = path.join(tmp, 'r.json');
    const r = await grade([
      '2a',
      '--run',
      '^TestGraderElection2A$',
      '--impl',
      'test/grader/impls/throws',
      '-n',
      '3',
      '--seed',
      '1',
      '-p',
      '1',
      '--traces',
      '2',
      '--out',
      tmp,
      '--json',
      json,
      '-q',
    ]);
    expect(r.code, r.stderr).to.equal(1);
    const failed = readResults(json).results.filter((x) => x.status === 'failed');
    expect(failed.map((x) => x.seed)).to.deep.equal([1, 3]);
    const [first, second] = failed;
    expect(first.trace, 'trace of seed 1').to.be.a('string');
    expect(second.trace, 'trace of seed 3').to.be.a('string');
    expect(second.viewer).to.equal(undefined);
    expect(path.dirname(first.viewer!)).to.equal(path.dirname(first.trace!));
    expect(path.basename(first.viewer!)).to.equal('TestGraderElection2A-seed1-run.html');
    const html = fs.readFileSync(first.viewer!, 'utf8');
    expect(html).to.match(/^<!DOCTYPE html>/);
    expect(html).to.include('<title>TestGraderElection2A seed 1: ');
    expect(html).to.include('implementation test/grader/impls/throws');
    // The page is whole: no network, nothing outside the file.
    expect(html).not.to.match(/<(script|link)[^>]+(src|href)=/);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('    viewer: '));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include('TestGraderElection2A-seed1-run.html (the run drawn');
  });
});

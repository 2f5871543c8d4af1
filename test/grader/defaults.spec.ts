// The project's own tests grade what they name, whatever a learner set up in the same checkout:
// the grader they spawn without --impl ignores DSLAB_IMPL and dslab.json (an empty DSLAB_IMPL,
// which helpers.start() sets, means no learner default at all).
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configReferenceFor, defaultImpl } from '../../grader/learner/defaults';
import { grade } from './helpers';

describe('grader: the project tests ignore a learner default', function () {
  this.timeout(60_000);

  it('an empty DSLAB_IMPL sets aside dslab.json too', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'grader-defaults-'));
    try {
      fs.mkdirSync(path.join(root, 'src'));
      fs.writeFileSync(path.join(root, 'dslab.json'), '{ "impl": "mylab" }');
      expect(defaultImpl({}, root).from).to.equal('from dslab.json');
      expect(defaultImpl({ DSLAB_IMPL: '' }, root)).to.deep.equal({ impl: 'src' });
      expect(defaultImpl({ DSLAB_IMPL: '  ' }, root)).to.deep.equal({ impl: 'src' });
      expect(defaultImpl({ DSLAB_IMPL: 'other' }, root).impl).to.equal('other');
      fs.rmSync(path.join(root, 'src'), { recursive: true });
      expect(defaultImpl({ DSLAB_IMPL: '' }, root).impl).to.equal('starter');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('dslab.json\'s "reference" holds for an --impl naming its folder, not for another', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'grader-defaults-'));
    try {
      fs.writeFileSync(path.join(root, 'dslab.json'), '{ "impl": "mylab", "reference": "raft" }');
      expect(configReferenceFor(path.join(root, 'mylab'), {}, root)).to.equal('raft');
      expect(configReferenceFor(path.join(root, 'mylab/'), {}, root)).to.equal('raft');
      expect(configReferenceFor(path.join(root, 'other'), {}, root)).to.equal(undefined);
      // DSLAB_IMPL, set or empty, sets dslab.json aside.
      expect(configReferenceFor(path.join(root, 'mylab'), { DSLAB_IMPL: '' }, root)).to.equal(
        undefined,
      );
      fs.writeFileSync(path.join(root, 'dslab.json'), '{ "impl": "mylab" }');
      expect(configReferenceFor(path.join(root, 'mylab'), {}, root)).to.equal(undefined);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("a spec's grader without --impl grades src even when this process has DSLAB_IMPL set", async () => {
    const before = process.env.DSLAB_IMPL;
    process.env.DSLAB_IMPL = path.join(os.tmpdir(), 'no-such-learner-folder');
    try {
      const r = await grade(['2a', '--run', '^TestGraderElection2A$', '-n', '1', '--seed', '1']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.match(/, implementation src, /);
    } finally {
      if (before === undefined) delete process.env.DSLAB_IMPL;
      else process.env.DSLAB_IMPL = before;
    }
  });
});

// The part `swarm` (ours): named on the command line, never in `all` nor in the score; a failing
// swarm run prints replay and shrink lines that work as printed.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseLabs } from '../../grader/select';
import { PARTS } from '../../labs/parts';
import { finish, ROOT, start } from './helpers';

/** Runs a printed `npm run grade -- ARGS` line through the compiled grader, as printed. */
function runPrinted(line: string): ReturnType<typeof finish> {
  const m = /(?:replay|shrink): npm run grade -- (.*)$/m.exec(line);
  expect(m, line).to.not.equal(null);
  return finish(start(m![1].trim().split(' ')));
}

describe('grade swarm (our part, not scored)', function () {
  this.timeout(120_000);

  it('is a part of its own: swarm names it, all leaves it out', async () => {
    expect(parseLabs(['swarm'])).to.deep.equal(['SWARM']);
    expect(parseLabs(['all'])).to.deep.equal(PARTS.map((p) => p.id));
    const r = await finish(start(['list', 'swarm']));
    expect(r.stdout).to.match(/^SWARM {2}TestSwarmRaft /m);
    expect(r.stdout).to.match(/^SWARM {2}TestSwarmKV /m);
  });

  it('grades the key/value swarm without scoring it; a failure prints replay and shrink lines that work as printed', async () => {
    const impl = path.join(ROOT, 'impls', 'kvraft-no-dedup');
    const r = await finish(
      start([
        'swarm',
        '--run',
        'KV',
        '--seed',
        '1',
        '-n',
        '1',
        '-q',
        '--impl',
        impl,
        '--out',
        fs.mkdtempSync(path.join(os.tmpdir(), 'grade-swarm-')),
      ]),
    );
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/SWARM {2}\(ours, not scored\) {3}0\/1 tests passed every run/);
    expect(r.stdout).to.not.match(/total .* for what was graded/);
    expect(r.stdout).to.match(/^ {4}\[exactly-once\] exactly-once: /m);
    const replayLine = /replay: .*/.exec(r.stdout)![0];
    expect(replayLine).to.equal(
      `replay: npm run grade -- replay TestSwarmKV --seed 1 --level 3B --impl ${impl} --trace`,
    );
    const replayed = await runPrinted(replayLine.replace(/ --trace$/, ''));
    expect(replayed.code).to.equal(1);
    expect(replayed.stdout).to.match(/exactly-once: .* a write was applied twice/);
    const shrinkLine = /shrink: .*/.exec(r.stdout)![0];
    expect(shrinkLine).to.equal(
      `shrink: npm run grade -- shrink TestSwarmKV --seed 1 --level 3B --impl ${impl}`,
    );
    const shrunk = await runPrinted(shrinkLine);
    expect(shrunk.stdout).to.match(/smallest schedule found that still fails \[exactly-once\]/);
  });
});

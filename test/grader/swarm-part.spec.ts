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

  it('2026: swarm 3b grades the Raft swarm at 3B (and the lock swarm), 2lock the lock swarm, 2kv names the parts that have one', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-swarm-2026-'));
    // The 2026 registry, without the 2023 fixtures' test module.
    const start2026 = (args: string[]) => start(args, { GRADE_EXTRA_SCENARIOS: '' });
    const list = await finish(start2026(['--edition', '2026', 'list', 'swarm']));
    expect(list.stdout).to.match(/^SWARM {2}TestSwarmLock /m);
    expect(list.stdout).to.match(/^SWARM {2}TestSwarmRaft /m);
    expect(list.stdout).to.not.match(/TestSwarmKV/);
    const raft = await finish(
      start2026([
        '--edition',
        '2026',
        'swarm',
        '3b',
        '--seed',
        '51',
        '-n',
        '1',
        '-q',
        '--out',
        out,
      ]),
    );
    expect(raft.code, raft.stderr).to.equal(0);
    expect(raft.stdout).to.match(/TestSwarmRaft \(at 3B\) +1 +1 +0/);
    // As 2023's swarm 3a: every family up to the part, each at its last level up to it.
    expect(raft.stdout).to.match(/TestSwarmLock \(at 2LOCK\) +1 +1 +0/);
    const lock = await finish(
      start2026([
        '--edition',
        '2026',
        'swarm',
        '2lock',
        '--seed',
        '1',
        '-n',
        '2',
        '-q',
        '--out',
        out,
      ]),
    );
    expect(lock.code, lock.stderr).to.equal(0);
    expect(lock.stdout).to.match(/TestSwarmLock \(at 2LOCK\) +2 +2 +0/);
    const kv = await finish(start2026(['--edition', '2026', 'swarm', '2kv']));
    expect(kv.code).to.equal(2);
    expect(kv.stderr).to.match(
      /no swarm test grades part 2KV: the swarm families grade parts 2lock, 3b, 3c, 3d; name one of them/,
    );
  });

  it('2026: a failing lock swarm run prints replay and shrink lines that work as printed', async () => {
    const impl = path.join(ROOT, 'impls', 'lock-steals-stale');
    const env = { GRADE_EXTRA_SCENARIOS: '' };
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-swarm-lock-'));
    const args = ['swarm', '2lock', '--seed', '9', '-n', '1', '-q', '--impl', impl, '--out', out];
    const r = await finish(start(['--edition', '2026', ...args], env));
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/\[mutual-exclusion\] clerk 2: acquired lock1, which clerk 0 holds/);
    // The printed lines name no edition: TestSwarmLock is only in 2026's registry.
    const shrinkLine = /shrink: npm run grade -- (.*)$/m.exec(r.stdout)![1];
    expect(shrinkLine).to.equal(`shrink TestSwarmLock --seed 9 --level 2LOCK --impl ${impl}`);
    const shrunk = await finish(start(shrinkLine.split(' '), env));
    expect(shrunk.stdout).to.match(/smallest schedule found that still fails \[mutual-exclusion\]/);
    const replayLine = /^ {2}npm run grade -- (replay TestSwarmLock .*)$/m.exec(shrunk.stdout)![1];
    const plan = /--plan '(.*)'/.exec(replayLine)![1];
    const replayed = await finish(
      start(
        [
          'replay',
          'TestSwarmLock',
          '--seed',
          '9',
          '--level',
          '2LOCK',
          '--plan',
          plan,
          '--impl',
          impl,
        ],
        env,
      ),
    );
    expect(replayed.code).to.equal(1);
    expect(replayed.stdout).to.match(
      /FAIL: \[mutual-exclusion\] clerk \d: acquired lock\d, which clerk \d holds/,
    );
  });
});

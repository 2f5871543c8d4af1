// `grade replay TEST --seed S --html FILE` end to end: the command writes the viewer, names it,
// and replays the same run (the fingerprint with --html is the one without: what the viewer needs,
// RPC contents and the harness's getState() observations, is never part of a fingerprint).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'grader', 'cli.js');

function replay(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(
    process.execPath,
    [
      CLI,
      'replay',
      'TestVoteCrashRestart2C',
      '--seed',
      '3',
      '--impl',
      'impls/raft-no-persist-votedfor',
      ...args,
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } },
  );
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('grade replay --html', function () {
  this.timeout(60_000);
  let dir = '';
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-html-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the run viewer of the replayed run, names it, and leaves the fingerprint alone', () => {
    const file = path.join(dir, 'sub', 'run.html');
    const drawn = replay('--html', file);
    const plain = replay();
    expect(drawn.status).to.equal(1);
    expect(drawn.out).to.include(`viewer: ${file} (open it in a browser)`);
    const fingerprint = (out: string) => /^fingerprint: (\w+)$/m.exec(out)?.[1];
    expect(fingerprint(drawn.out)).to.match(/^[0-9a-f]{16}$/);
    expect(fingerprint(drawn.out)).to.equal(fingerprint(plain.out));
    const html = fs.readFileSync(file, 'utf8');
    expect(html).to.include('<title>TestVoteCrashRestart2C seed 3: election-safety</title>');
    expect(html).to.include('implementation impls/raft-no-persist-votedfor');
  });
});

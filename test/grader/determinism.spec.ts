// grade --check-determinism (grader/determinism.ts): every run is run a second time, in new workers
// and in the reverse order, and a run whose fingerprint differs fails with its own check. The
// fixture test/grader/impls/hidden-counter passes every run and hides its state from the grader's
// other checks (static module analysis, globals), so only this check catches it; the reference
// passes it.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_IMPL_DIR } from '../../harness/impl';
import { fingerprintOf, grade, readResults } from './helpers';

const HIDDEN = 'test/grader/impls/hidden-counter';
const TEST = 'TestInitialElection2A';
/** The fixture is built on the reference (src/), which the student edition lacks. */
const HAS_REFERENCE = fs.existsSync(path.join(DEFAULT_IMPL_DIR, 'raft', 'index.js'));

describe('grade --check-determinism', function () {
  this.timeout(120_000);
  let tmp: string;
  before(function () {
    if (!HAS_REFERENCE) this.skip();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grader-determinism-'));
  });
  after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  // Four seeds on two workers: the first two runs are each the first of its worker, the last two
  // follow one; in the second pass, reversed, it is the other way round, so every run differs.
  const args = (impl: string, json: string, ...more: string[]) => [
    '2a',
    '--run',
    `^${TEST}$`,
    '-n',
    '4',
    '-p',
    '2',
    '--seed',
    '1',
    '--impl',
    impl,
    '--json',
    json,
    '--out',
    path.join(tmp, 'out'),
    ...more,
  ];

  it('fails each run of the hidden-counter fixture with both fingerprints and the replay command', async () => {
    // Without the check it passes: its state escapes the static check and the globals check.
    const plain = path.join(tmp, 'plain.json');
    const p = await grade(args(HIDDEN, plain));
    expect(p.code, p.stderr + p.stdout).to.equal(0);
    expect(readResults(plain).modules).to.match(/^modules kept loaded between runs/);

    const json = path.join(tmp, 'checked.json');
    const r = await grade(args(HIDDEN, json, '--check-determinism'));
    expect(r.code, r.stderr + r.stdout).to.equal(1);
    expect(r.stderr).to.include(
      'checking determinism: 4 runs again, in new workers and in the reverse order',
    );
    expect(r.stdout).to.match(/NOT DETERMINISTIC: 4 of 4 runs run again in new workers/);
    const file = readResults(json);
    expect(file.determinism?.repeated).to.equal(4);
    expect(file.determinism?.differences).to.have.length(4);
    for (const rec of file.results) {
      expect(rec.status, `seed ${rec.seed}`).to.equal('failed');
      expect(rec.check).to.equal('determinism');
      const [, a, b] =
        /^not deterministic: passed with fingerprint (\w+) in one worker, passed with fingerprint (\w+) in another after other runs$/m.exec(
          rec.error ?? '',
        ) ?? [];
      expect(a, rec.error).to.equal(rec.fingerprint);
      expect(b, rec.error).to.be.a('string').and.not.equal(a);
      expect(file.determinism?.differences).to.include(
        `${TEST} seed ${rec.seed}: passed with fingerprint ${a}, then passed with fingerprint ${b}`,
      );
      // The report shows the failure with its check, both fingerprints and the replay command.
      expect(r.stdout).to.include(
        `[determinism] not deterministic: passed with fingerprint ${a} in one worker, passed with fingerprint ${b} in another after other runs`,
      );
      expect(r.stdout).to.include(
        `replay: npm run grade -- replay ${TEST} --seed ${rec.seed} --impl ${HIDDEN} --trace`,
      );
    }
    // The score counts them as failures.
    expect(r.stdout).to.match(/2A\s+0\.0 \/ 5/);

    // A fresh process (replay) gives the fingerprint of a worker's first run: seeds 1 and 2 were
    // first in their workers in the first pass, so their first fingerprint is replay's.
    const replay = await grade(['replay', TEST, '--seed', '1', '--impl', HIDDEN]);
    expect(replay.code, replay.stderr).to.equal(0);
    expect(fingerprintOf(replay.stdout)).to.equal(plainFingerprint(plain, 1));
  });

  it('passes the reference, which is deterministic', async () => {
    const json = path.join(tmp, 'reference.json');
    const r = await grade(args('src', json, '--check-determinism'));
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(r.stdout).to.include(
      'deterministic: 4 runs run again in new workers, in the reverse order, gave the same fingerprints',
    );
    const file = readResults(json);
    expect(file.determinism).to.deep.equal({ repeated: 4, differences: [] });
    expect(file.results.every((x) => x.status === 'passed')).to.equal(true);
  });
});

function plainFingerprint(json: string, seed: number): string | undefined {
  return readResults(json).results.find((r) => r.seed === seed)?.fingerprint;
}

// Failures name their check: a failing run of each major kind (a Raft safety oracle, the
// linearizability checker, a course test's own check, the simulator's deadlock) carries its check
// id (harness/checks.ts) from where it fails into the grader's --json results and the report's
// failure line, and merge keeps it. Classification never reads message text.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHECK_IDS, CHECKS, isCheckId, type CheckId } from '../../harness/checks';
import { checkOf, fail, STOP_CHECKS, TestFailure } from '../../harness/scenario';
import { SimulationError } from '../../engine/sim/simulator';
import { DeterminismViolation } from '../../engine/sim/guard';
import { checkImplementationDir, ImplementationError } from '../../harness/impl';
import { failureText } from '../../grader/protocol';
import { grade, readResults } from './helpers';

describe('check ids', () => {
  it('every check has a one-line description', () => {
    expect(CHECK_IDS.length).to.be.within(20, 60);
    for (const id of CHECK_IDS) {
      expect(id).to.match(/^[a-z]+(-[a-z]+)*$/);
      expect(CHECKS[id], id).to.be.a('string').and.not.include('\n');
      expect(CHECKS[id].length, id).to.be.within(20, 110);
    }
    expect(isCheckId('linearizability')).to.equal(true);
    expect(isCheckId('history is not linearizable')).to.equal(false);
    expect(isCheckId('toString')).to.equal(false);
  });

  it('a run ends with the check of what ended it, by type, never by message', () => {
    let thrown: unknown;
    try {
      fail('wrong-value', 'deadlock at virtual time 1s');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).to.be.instanceOf(TestFailure);
    // A check's failure keeps its id whatever the message says, also when a caller adds context.
    (thrown as Error).message = `client 3: ${(thrown as Error).message}`;
    expect(checkOf(thrown)).to.equal('wrong-value');
    expect(checkOf(new SimulationError('x', 'deadlock'))).to.equal('deadlock');
    expect(checkOf(new SimulationError('x', 'real-time-limit'))).to.equal('hung');
    expect(Object.values(STOP_CHECKS).every(isCheckId)).to.equal(true);
    expect(checkOf(new DeterminismViolation('Date.now was called'))).to.equal('determinism');
    expect(checkOf(new Error('history is not linearizable'))).to.equal('implementation-threw');
    expect(checkOf('a string')).to.equal('implementation-threw');
  });

  it('the report shows the check before the message', () => {
    expect(failureText({ check: 'deadlock', error: 'deadlock at 1s\nblocked: ...' })).to.equal(
      '[deadlock] deadlock at 1s',
    );
    expect(failureText({ error: 'from a results file before check ids' })).to.equal(
      'from a results file before check ids',
    );
  });

  it('an implementation directory that is not one says what is wrong as a value', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'checks-impl-'));
    try {
      const missing = checkImplementationDir(path.join(tmp, 'nope'), ['raft']);
      expect(missing).to.be.instanceOf(ImplementationError);
      expect([missing?.kind, missing?.layer]).to.deep.equal(['missing-dir', undefined]);
      const empty = checkImplementationDir(tmp, ['raft']);
      expect([empty?.kind, empty?.layer]).to.deep.equal(['missing-entry', 'raft']);
      fs.mkdirSync(path.join(tmp, 'kvraft'));
      fs.writeFileSync(path.join(tmp, 'kvraft', 'index.js'), 'exports.makeClerk = () => ({});\n');
      const noExport = checkImplementationDir(tmp, ['kvraft']);
      expect([noExport?.kind, noExport?.layer]).to.deep.equal(['missing-export', 'kvraft']);
      expect(noExport?.message).to.match(/does not export makeKVServer\(\)/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('grader: a failing run carries its check id into --json and the report (end to end)', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grader-checks-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const cases: { what: string; args: string[]; test: string; check: CheckId }[] = [
    {
      what: 'a Raft safety oracle (a buggy variant)',
      args: ['lab2b', '--impl', 'impls/raft-leader-overwrites', '--seed', '1'],
      test: 'TestConcurrentStarts2B',
      check: 'leader-append-only',
    },
    {
      what: 'the linearizability checker',
      args: ['lab3b', '--impl', 'impls/kvraft-dedup-not-in-snapshot', '--seed', '5'],
      test: 'TestDeleteSnapshotRestart3B',
      check: 'linearizability',
    },
    {
      what: "a course test's own check",
      args: ['lab3a', '--impl', 'impls/kvraft-follower-reads', '--seed', '1'],
      test: 'TestOnePartition3A',
      check: 'majority-required',
    },
    {
      what: "the simulator's deadlock",
      args: ['2a', '--impl', 'test/grader/impls/deadlock', '--seed', '1'],
      test: 'TestGraderAgree2A',
      check: 'deadlock',
    },
  ];

  for (const c of cases) {
    it(`${c.what}: ${c.check}`, async () => {
      const json = path.join(tmp, `${c.check}.json`);
      const r = await grade([
        ...c.args,
        '--run',
        `^${c.test}$`,
        '-n',
        '1',
        '-p',
        '1',
        '--traces',
        '0',
        '--out',
        path.join(tmp, `out-${c.check}`),
        '--json',
        json,
      ]);
      expect(r.code, r.stderr).to.equal(1);
      const [record] = readResults(json).results;
      expect(record.status, record.error).to.equal('failed');
      expect(record.check, record.error).to.equal(c.check);
      expect(r.stdout).to.include(`    [${c.check}] ${record.error!.split('\n', 1)[0].trim()}`);
      // merge reads the check back from the file.
      const merged = await grade(['merge', json]);
      expect(merged.stdout).to.include(`    [${c.check}] `);
    });
  }
});

// What the grader prints is enough to reproduce a failure: with dslab.json naming a learner's
// folder (a copy of the reference Raft that does not persist its log, or its vote), a failing
// course test, a failing test of ours and a failing swarm run each print a replay line, and the
// swarm a shrink line; pasted as printed, each replays the same run (same check, same fingerprint)
// or shrinks it.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finish, readResults, ROOT, start, type Outcome } from '../grader/helpers';
import {
  cleanup,
  copyReferenceLayer,
  fill,
  NO_PERSISTED_LOG,
  REFERENCE_MAKE_RAFT,
  tempDir,
} from './helpers';
import type { RunRecord } from '../../grader/protocol';

const CONFIG = path.join(ROOT, 'dslab.json');
/** The buggy variant impls/raft-no-persist-votedfor (textbook Raft: no pre-vote), as a learner's bug. */
const NO_PERSISTED_VOTE = `import type { PersistentState } from './state';

class NoPersistVote extends Raft {
  protected override preVoteEnabled(): boolean {
    return false;
  }
  protected override checkQuorumEnabled(): boolean {
    return false;
  }
  protected override persistentState(): PersistentState {
    return { ...super.persistentState(), votedFor: -1 };
  }
}

export const makeRaft: MakeRaft = makeRaftWith(NoPersistVote);`;

/** The grader as a learner's shell runs it: no DSLAB_IMPL, the project's dslab.json. */
function grade(args: string[]): Promise<Outcome> {
  return finish(start(args, { GRADE_EXTRA_SCENARIOS: '', DSLAB_IMPL: undefined }), 170_000);
}

/** Runs a printed `npm run grade -- ARGS` line, split as a shell would (single quotes kept whole). */
function runPrinted(line: string): Promise<Outcome> {
  const m = /npm run grade -- (.*)$/.exec(line);
  expect(m, line).to.not.equal(null);
  const words = m![1].match(/'[^']*'|\S+/g)!.map((w) => w.replace(/^'(.*)'$/, '$1'));
  return grade(words);
}

/** The report's `replay:` (or `shrink:`) line under the failure of `test`. */
function printed(stdout: string, what: 'replay' | 'shrink', test: string): string {
  const block = stdout.slice(stdout.indexOf(`  ${test} seed `));
  const m = new RegExp(`^ +${what}: (.*)$`, 'm').exec(block);
  expect(m, `${what} line of ${test} in:\n${stdout}`).to.not.equal(null);
  return m![1].replace(/ --trace$/, '');
}

describe('learner: printed replay and shrink lines reproduce failures, with dslab.json', function () {
  this.timeout(400_000);
  let root: string;
  let saved: string | undefined;
  /** A learner's folder: the reference Raft with `bug` as its makeRaft; dslab.json names it. */
  function learnerWith(name: string, bug: string): void {
    const dir = path.join(root, name);
    copyReferenceLayer('raft', dir);
    fill(dir, 'raft/index.ts', [[REFERENCE_MAKE_RAFT, bug]]);
    fs.writeFileSync(CONFIG, JSON.stringify({ impl: dir }));
  }
  before(function () {
    // A learner's own dslab.json is put back afterwards, untouched.
    saved = fs.existsSync(CONFIG) ? fs.readFileSync(CONFIG, 'utf8') : undefined;
    root = tempDir('printed');
  });
  after(() => {
    if (saved === undefined) fs.rmSync(CONFIG, { force: true });
    else fs.writeFileSync(CONFIG, saved);
    cleanup(root);
  });

  async function expectSameRun(line: string, record: RunRecord): Promise<void> {
    const r = await runPrinted(line);
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout).to.include(`[${record.check}]`);
    expect(r.stdout).to.include(`fingerprint: ${record.fingerprint}`);
  }

  for (const [kind, test, name, bug] of [
    ['a course test', 'TestPersist12C', 'no-log', NO_PERSISTED_LOG],
    ['a test of ours', 'TestVoteCrashRestart2C', 'no-vote', NO_PERSISTED_VOTE],
  ] as const) {
    it(`${kind}: its replay line replays the same run`, async () => {
      learnerWith(name, bug);
      const json = path.join(root, `${name}.json`);
      const args = ['2c', '--run', `^${test}$`, '--seed', '1', '-q', '--json', json];
      const r = await grade([...args, '--out', path.join(root, 'out')]);
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stderr).to.include('(from dslab.json)');
      const record = readResults(json).results[0];
      expect(record.status, test).to.equal('failed');
      await expectSameRun(printed(r.stdout, 'replay', test), record);
    });
  }

  it('a swarm run: the replay line replays it, the shrink line shrinks it, and its plan replays', async () => {
    learnerWith('no-log-swarm', NO_PERSISTED_LOG);
    const json = path.join(root, 'swarm.json');
    const args = ['swarm', '2d', '--seed', '12', '--run', '^TestSwarmRaft$', '-q'];
    const r = await grade([...args, '--json', json, '--out', path.join(root, 'out')]);
    expect(r.code, r.stderr).to.equal(1);
    const record = readResults(json).results[0];
    expect(record.status).to.equal('failed');
    await expectSameRun(printed(r.stdout, 'replay', 'TestSwarmRaft'), record);
    const shrinkLine = printed(r.stdout, 'shrink', 'TestSwarmRaft');
    expect(shrinkLine).to.match(/--level 2D/);
    const shrunk = await runPrinted(`${shrinkLine} --budget 30`);
    expect(shrunk.code, shrunk.stderr).to.equal(0);
    expect(shrunk.stdout).to.include(`still fails [${record.check}]`);
    const planLine = /replay it:\n {2}(.*)/.exec(shrunk.stdout)![1];
    const replayed = await runPrinted(planLine);
    expect(replayed.code).to.equal(1);
    expect(replayed.stdout).to.include(`[${record.check}]`);
  });
});

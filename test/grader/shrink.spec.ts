// grade shrink: a failing swarm seed shrinks to a handful of faults that still fail the same check
// (the same check id: the message may differ).
import { expect } from 'chai';
import * as path from 'node:path';
import { shrink } from '../../grader/shrink';
import { executeRun } from '../../labs/run';
import { drawPlan } from '../../labs/ours/raft-swarm';
import { firstLine } from '../../grader/protocol';
import { finish, start } from './helpers';

/** Runs a printed `npm run grade -- ARGS` line through the compiled grader, split as a shell would. */
function runPrinted(command: string): ReturnType<typeof finish> {
  const m = /^npm run grade -- (.*)$/.exec(command);
  expect(m, command).to.not.equal(null);
  const words = m![1].match(/'[^']*'|\S+/g)!.map((w) => w.replace(/^'(.*)'$/, '$1'));
  return finish(start(words));
}

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DIST = path.join(ROOT, 'dist');

describe('grade shrink (swarm schedules)', function () {
  this.timeout(120_000);

  it('shrinks raft-no-persist-votedfor on seed 19 to at most a handful of faults that still break election safety', async () => {
    const impl = path.join(ROOT, 'impls', 'raft-no-persist-votedfor');
    const r = await shrink({ test: 'TestSwarmRaft', seed: 19, implArg: impl, budgetS: 60 });
    expect(r.kind).to.equal('election-safety');
    expect(r.original.faults.length).to.be.greaterThan(10);
    expect(r.smallest.faults.length).to.be.at.most(5);
    expect(r.command).to.match(
      /^npm run grade -- replay TestSwarmRaft --seed 19 --level 2D --plan '\{.*\}' --impl /,
    );
    const implDir = path.join(DIST, 'impls', 'raft-no-persist-votedfor');
    const run = (plan: unknown) =>
      executeRun({ test: 'TestSwarmRaft', seed: 19, implDir, params: { level: '2D', plan } });
    const again = await run(r.smallest);
    expect(again.check).to.equal('election-safety');
    // The same check, not the same message: other servers, terms and times than the original's.
    const original = await run(drawPlan(19));
    expect(original.check).to.equal('election-safety');
    expect(firstLine(again.error)).to.not.equal(firstLine(original.error));
    // The printed command replays it, as printed.
    const replayed = await runPrinted(r.command);
    expect(replayed.stdout).to.match(/^FAIL: \[election-safety\] election safety/m);
    expect(replayed.stdout).to.match(new RegExp(`swarm faults \\(${r.smallest.faults.length}\\)`));
  });

  it('shrinks a key/value swarm failure (kvraft-no-dedup, seed 1) and its printed command replays it', async () => {
    const impl = path.join(ROOT, 'impls', 'kvraft-no-dedup');
    const r = await shrink({ test: 'TestSwarmKV', seed: 1, implArg: impl, budgetS: 60 });
    expect(r.kind).to.equal('exactly-once');
    expect(r.smallest.knobs.clients).to.be.at.least(1);
    expect(r.smallest.knobs.chaosMs).to.be.below(r.original.knobs.chaosMs);
    const replayed = await runPrinted(r.command);
    expect(replayed.stdout).to.match(/exactly-once: .* a write was applied twice/);
  });

  it('refuses a test that is not the swarm, and a seed that passes', async () => {
    let error: unknown;
    await shrink({ test: 'TestBackup2B', seed: 1, implArg: 'src', budgetS: 5 }).catch(
      (e: unknown) => (error = e),
    );
    expect(String(error)).to.match(/grade shrink works on TestSwarmRaft and TestSwarmKV/);
    error = undefined;
    await shrink({
      test: 'TestSwarmRaft',
      seed: 1,
      implArg: path.join(ROOT, 'src'),
      budgetS: 5,
    }).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/passes with .*: there is no failure to shrink/);
  });
});

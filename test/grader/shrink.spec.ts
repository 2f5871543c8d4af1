// grade shrink: a failing swarm seed shrinks to a handful of faults that still fail the same check.
import { expect } from 'chai';
import * as path from 'node:path';
import { Implementation } from '../../harness/impl';
import { runScenario } from '../../harness/scenario';
import { failureKind, shrink } from '../../grader/shrink';
import { swarmWithPlan } from '../../labs/ours/raft-swarm';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('grade shrink (swarm schedules)', function () {
  this.timeout(120_000);

  it('shrinks raft-no-persist-votedfor on seed 19 to at most a handful of faults that still break election safety', async () => {
    const impl = path.join(ROOT, 'impls', 'raft-no-persist-votedfor');
    const r = await shrink({ test: 'TestSwarmRaft2C', seed: 19, implArg: impl, budgetS: 60 });
    expect(r.kind).to.equal('election safety');
    expect(r.original.faults.length).to.be.greaterThan(10);
    expect(r.smallest.faults.length).to.be.at.most(5);
    expect(r.command).to.match(/^SWARM_PLAN='\{.*\}' GRADE_EXTRA_SCENARIOS=dist\/labs\/ours\/raft-swarm\.js npm run grade -- replay TestSwarmRaft2C --seed 19 --impl /);
    const again = await runScenario(swarmWithPlan(r.smallest), { seed: 19, impl: new Implementation(impl) });
    expect(failureKind(again.error ?? '')).to.equal('election safety');
  });

  it('refuses a test that is not the swarm, and a seed that passes', async () => {
    let error: unknown;
    await shrink({ test: 'TestBackup2B', seed: 1, implArg: 'src', budgetS: 5 }).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/grade shrink works on TestSwarmRaft2C/);
    error = undefined;
    await shrink({ test: 'TestSwarmRaft2C', seed: 1, implArg: path.join(ROOT, 'src'), budgetS: 5 }).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/passes with .*: there is no failure to shrink/);
  });

  it('names the check a failure comes from', () => {
    expect(failureKind('client 0: leader completeness: server 4, leader of term 4 ...')).to.equal('leader completeness');
    expect(failureKind('one(431674) failed to reach agreement')).to.equal('failed to reach agreement');
    expect(failureKind('something new at 12 ms')).to.equal('something new at # ms');
  });
});

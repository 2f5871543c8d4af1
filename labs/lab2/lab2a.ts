// Part 2A: leader election. The course's tests, in file order, numbered as in the original.
import type { Scenario } from '../../harness/scenario';
import { fail } from '../../harness/scenario';
import { RAFT_ELECTION_TIMEOUT_MS } from './raft';
import { raftTest } from './raft-scenario';

const TestInitialElection2A = raftTest(
  {
    name: 'TestInitialElection2A',
    part: '2A',
    description: 'Test (2A): initial election',
    servers: 3,
    unreliable: false,
    snapshot: false,
  },
  async (cfg, t) => {
    await cfg.checkOneLeader();

    // Give followers 50 ms to hear of the election before comparing terms.
    await cfg.sleep(50);
    const term1 = cfg.checkTerms();
    if (term1 < 1) fail('term-agreement', `term is ${term1}, but should be at least 1`);

    // With no failures, the term should hold for two election timeouts.
    await cfg.sleep(2 * RAFT_ELECTION_TIMEOUT_MS);
    const term2 = cfg.checkTerms();
    // Only a warning, as in the original, so that results stay comparable.
    if (term1 !== term2) t.log('warning: term changed even though there were no failures');

    await cfg.checkOneLeader();
  },
);

const TestReElection2A = raftTest(
  {
    name: 'TestReElection2A',
    part: '2A',
    description: 'Test (2A): election after network failure',
    servers: 3,
    unreliable: false,
    snapshot: false,
  },
  async (cfg) => {
    const servers = cfg.n;
    const leader1 = await cfg.checkOneLeader();

    // The two remaining servers elect a new leader.
    cfg.disconnect(leader1);
    await cfg.checkOneLeader();

    // The old leader rejoining must not disturb things.
    cfg.connect(leader1);
    const leader2 = await cfg.checkOneLeader();

    // One server alone: no quorum, so no leader.
    cfg.disconnect(leader2);
    cfg.disconnect((leader2 + 1) % servers);
    await cfg.sleep(2 * RAFT_ELECTION_TIMEOUT_MS);

    cfg.checkNoLeader();

    // A quorum is back.
    cfg.connect((leader2 + 1) % servers);
    await cfg.checkOneLeader();

    cfg.connect(leader2);
    await cfg.checkOneLeader();
  },
);

const TestManyElections2A = raftTest(
  {
    name: 'TestManyElections2A',
    part: '2A',
    description: 'Test (2A): multiple elections',
    servers: 7,
    unreliable: false,
    snapshot: false,
  },
  async (cfg, t) => {
    const servers = cfg.n;
    await cfg.checkOneLeader();

    const iters = 10;
    for (let ii = 1; ii < iters; ii++) {
      // Three random picks, possibly repeated: one to three servers go down.
      const i1 = t.rng.int(servers);
      const i2 = t.rng.int(servers);
      const i3 = t.rng.int(servers);
      cfg.disconnect(i1);
      cfg.disconnect(i2);
      cfg.disconnect(i3);

      // Either the leader survived, or at least four remaining servers elect one.
      await cfg.checkOneLeader();

      cfg.connect(i1);
      cfg.connect(i2);
      cfg.connect(i3);
    }

    await cfg.checkOneLeader();
  },
);

export const scenarios: Scenario[] = [TestInitialElection2A, TestReElection2A, TestManyElections2A];

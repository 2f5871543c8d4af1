// Part 2C: persistence. The course's tests, in file order, numbered as in the original. Every
// test uses the plain applier, restarts included.
import type { Scenario, TestContext } from '../../harness/scenario';
import { fail } from '../../harness/scenario';
import { RAFT_ELECTION_TIMEOUT_MS, type RaftCluster } from './raft';
import { background, raftTest } from './raft-scenario';
import { show } from './raft-appliers';

const plain = { unreliable: false, snapshot: false } as const;

const TestPersist12C = raftTest(
  {
    name: 'TestPersist12C',
    part: '2C',
    description: 'Test (2C): basic persistence',
    servers: 3,
    ...plain,
  },
  async (cfg) => {
    const servers = cfg.n;
    await cfg.one(11, servers, true);

    // Crash and restart every server, one by one; then reconnect them.
    for (let i = 0; i < servers; i++) cfg.start1(i);
    for (let i = 0; i < servers; i++) {
      cfg.disconnect(i);
      cfg.connect(i);
    }
    await cfg.one(12, servers, true);

    const leader1 = await cfg.checkOneLeader();
    cfg.disconnect(leader1);
    cfg.start1(leader1);
    cfg.connect(leader1);
    await cfg.one(13, servers, true);

    const leader2 = await cfg.checkOneLeader();
    cfg.disconnect(leader2);
    await cfg.one(14, servers - 1, true);
    cfg.start1(leader2);
    cfg.connect(leader2);

    await cfg.wait(4, servers, -1); // leader2 must catch up before the next crash

    const i3 = ((await cfg.checkOneLeader()) + 1) % servers;
    cfg.disconnect(i3);
    await cfg.one(15, servers - 1, true);
    cfg.start1(i3);
    cfg.connect(i3);

    await cfg.one(16, servers, true);
  },
);

const TestPersist22C = raftTest(
  {
    name: 'TestPersist22C',
    part: '2C',
    description: 'Test (2C): more persistence',
    servers: 5,
    ...plain,
  },
  async (cfg) => {
    const servers = cfg.n;
    let index = 1;
    for (let iters = 0; iters < 5; iters++) {
      await cfg.one(10 + index, servers, true);
      index++;

      const leader1 = await cfg.checkOneLeader();
      cfg.disconnect((leader1 + 1) % servers);
      cfg.disconnect((leader1 + 2) % servers);

      await cfg.one(10 + index, servers - 2, true); // +1 and +2 miss this entry
      index++;

      cfg.disconnect((leader1 + 0) % servers);
      cfg.disconnect((leader1 + 3) % servers);
      cfg.disconnect((leader1 + 4) % servers);

      cfg.start1((leader1 + 1) % servers);
      cfg.start1((leader1 + 2) % servers);
      cfg.connect((leader1 + 1) % servers);
      cfg.connect((leader1 + 2) % servers);

      await cfg.sleep(RAFT_ELECTION_TIMEOUT_MS); // two servers cannot elect a leader

      // +3 has the entry the other two missed: by the election restriction it must lead.
      cfg.start1((leader1 + 3) % servers);
      cfg.connect((leader1 + 3) % servers);

      await cfg.one(10 + index, servers - 2, true);
      index++;

      cfg.connect((leader1 + 4) % servers);
      cfg.connect((leader1 + 0) % servers);
    }

    await cfg.one(1000, servers, true);
  },
);

const TestPersist32C = raftTest(
  {
    name: 'TestPersist32C',
    part: '2C',
    description: 'Test (2C): partitioned leader and one follower crash, leader restarts',
    servers: 3,
    ...plain,
  },
  async (cfg) => {
    const servers = cfg.n;
    await cfg.one(101, 3, true);

    const leader = await cfg.checkOneLeader();
    cfg.disconnect((leader + 2) % servers);

    await cfg.one(102, 2, true);

    cfg.crash1((leader + 0) % servers);
    cfg.crash1((leader + 1) % servers);
    cfg.connect((leader + 2) % servers);
    cfg.start1((leader + 0) % servers);
    cfg.connect((leader + 0) % servers);

    await cfg.one(103, 2, true);

    cfg.start1((leader + 1) % servers);
    cfg.connect((leader + 1) % servers);

    await cfg.one(104, servers, true);
  },
);

/** The Figure 8 tests' pause: 0–499 ms with probability 0.1, else 0–12 ms. */
async function figure8Pause(cfg: RaftCluster, t: TestContext): Promise<void> {
  if (t.rng.int(1000) < 100) await cfg.sleep(t.rng.int(RAFT_ELECTION_TIMEOUT_MS / 2));
  else await cfg.sleep(t.rng.int(13));
}

// Leaders crash quickly, often before they commit; a new leader must never commit an entry of an
// earlier term by counting replicas (Figure 8 of the extended paper).
const TestFigure82C = raftTest(
  { name: 'TestFigure82C', part: '2C', description: 'Test (2C): Figure 8', servers: 5, ...plain },
  async (cfg, t) => {
    const servers = cfg.n;
    const randInt = () => t.rng.safeInt();
    await cfg.one(randInt(), 1, true);

    let nup = servers;
    for (let iters = 0; iters < 1000; iters++) {
      let leader = -1;
      for (let i = 0; i < servers; i++) {
        if (cfg.raft(i) && cfg.start(i, randInt()).isLeader) leader = i;
      }

      await figure8Pause(cfg, t);

      if (leader !== -1) {
        cfg.crash1(leader);
        nup -= 1;
      }

      if (nup < 3) {
        const s = t.rng.int(servers);
        if (!cfg.raft(s)) {
          cfg.start1(s);
          cfg.connect(s);
          nup += 1;
        }
      }
    }

    for (let i = 0; i < servers; i++) {
      if (!cfg.raft(i)) {
        cfg.start1(i);
        cfg.connect(i);
      }
    }

    await cfg.one(randInt(), servers, true);
  },
);

const TestUnreliableAgree2C = raftTest(
  {
    name: 'TestUnreliableAgree2C',
    part: '2C',
    description: 'Test (2C): unreliable agreement',
    servers: 5,
    unreliable: true,
    snapshot: false,
  },
  async (cfg, t) => {
    const servers = cfg.n;
    const workers: Promise<unknown>[] = [];
    for (let iters = 1; iters < 50; iters++) {
      for (let j = 0; j < 4; j++) {
        const cmd = 100 * iters + j;
        workers.push(background(t, `background one(${cmd})`, () => cfg.one(cmd, 1, true)));
      }
      await cfg.one(iters, 1, true);
    }

    cfg.setUnreliable(false);
    await Promise.all(workers);

    await cfg.one(100, servers, true);
  },
);

const TestFigure8Unreliable2C = raftTest(
  {
    name: 'TestFigure8Unreliable2C',
    part: '2C',
    description: 'Test (2C): Figure 8 (unreliable)',
    servers: 5,
    unreliable: true,
    snapshot: false,
  },
  async (cfg, t) => {
    const servers = cfg.n;
    // Commands from a small range, as in the original: duplicates are likely and harmless.
    const randCmd = () => t.rng.safeInt() % 10000;
    await cfg.one(randCmd(), 1, true);

    let nup = servers;
    for (let iters = 0; iters < 1000; iters++) {
      if (iters === 200) cfg.setLongReordering(true);

      // Every server is offered a command, disconnected ones too (none is ever crashed here).
      let leader = -1;
      for (let i = 0; i < servers; i++) {
        if (cfg.start(i, randCmd()).isLeader && cfg.connected(i)) leader = i;
      }

      await figure8Pause(cfg, t);

      if (leader !== -1 && t.rng.int(1000) < RAFT_ELECTION_TIMEOUT_MS / 2) {
        cfg.disconnect(leader);
        nup -= 1;
      }

      if (nup < 3) {
        const s = t.rng.int(servers);
        if (!cfg.connected(s)) {
          cfg.connect(s);
          nup += 1;
        }
      }
    }

    for (let i = 0; i < servers; i++) {
      if (!cfg.connected(i)) cfg.connect(i);
    }

    // Still unreliable, with long reordering.
    await cfg.one(randCmd(), servers, true);
  },
);

/** The churn procedure: 3 clients submit to whoever leads while servers come and go, as the original's churn. */
async function churn(cfg: RaftCluster, t: TestContext): Promise<void> {
  const servers = cfg.n;
  let stop = false;

  // One client: returns the values it saw committed; a failure fails the test (and yields no list).
  const client = async (me: number): Promise<number[]> => {
    const values: number[] = [];
    while (!stop) {
      const x = t.rng.safeInt();
      let index = -1;
      let ok = false;
      for (let i = 0; i < servers; i++) {
        // Try them all; any may be the leader. Crashed servers have no instance to ask.
        if (!cfg.raft(i)) continue;
        const r = cfg.start(i, x);
        if (r.isLeader) {
          ok = true;
          index = r.index;
        }
      }
      if (ok) {
        // The leader may or may not commit our value; look for at most 380 ms.
        for (const to of [10, 20, 50, 100, 200]) {
          const { count, command } = cfg.nCommitted(index);
          if (count > 0) {
            if (typeof command !== 'number' || !Number.isInteger(command))
              fail('committed-values', `wrong command type: ${show(command)}`);
            if (command === x) values.push(x);
            break;
          }
          await cfg.sleep(to);
        }
      } else {
        await cfg.sleep(79 + me * 17);
      }
    }
    return values;
  };

  const ncli = 3;
  const clients: Promise<number[] | undefined>[] = [];
  for (let i = 0; i < ncli; i++) clients.push(background(t, `churn client ${i}`, () => client(i)));

  for (let iters = 0; iters < 20; iters++) {
    if (t.rng.int(1000) < 200) {
      const i = t.rng.int(servers);
      cfg.disconnect(i);
    }

    if (t.rng.int(1000) < 500) {
      const i = t.rng.int(servers);
      if (!cfg.raft(i)) cfg.start1(i);
      cfg.connect(i);
    }

    if (t.rng.int(1000) < 200) {
      const i = t.rng.int(servers);
      if (cfg.raft(i)) cfg.crash1(i);
    }

    // Shorter than an election timeout, so the cluster has not settled between changes, but not
    // so short that the peers can never keep up.
    await cfg.sleep((RAFT_ELECTION_TIMEOUT_MS * 7) / 10);
  }

  await cfg.sleep(RAFT_ELECTION_TIMEOUT_MS);
  cfg.setUnreliable(false);
  for (let i = 0; i < servers; i++) {
    if (!cfg.raft(i)) cfg.start1(i);
    cfg.connect(i);
  }

  stop = true;
  const values: number[] = [];
  for (const c of clients) {
    const vv = await c;
    if (!vv) fail('agreement', 'client failed');
    values.push(...vv);
  }

  await cfg.sleep(RAFT_ELECTION_TIMEOUT_MS);

  const lastIndex = await cfg.one(t.rng.safeInt(), servers, true);

  // All five servers must have applied every index up to lastIndex.
  const really = new Set<number>();
  for (let index = 1; index <= lastIndex; index++) {
    const v = await cfg.wait(index, servers, -1);
    if (typeof v !== 'number' || !Number.isInteger(v))
      fail('committed-values', `not an int: ${show(v)} at index ${index}`);
    really.add(v);
  }

  for (const v1 of values) {
    if (!really.has(v1))
      fail(
        'committed-values',
        `didn't find a value: ${v1}, which a client saw committed, is not in the log`,
      );
  }
}

const TestReliableChurn2C = raftTest(
  {
    name: 'TestReliableChurn2C',
    part: '2C',
    description: 'Test (2C): churn',
    servers: 5,
    ...plain,
  },
  churn,
);

const TestUnreliableChurn2C = raftTest(
  {
    name: 'TestUnreliableChurn2C',
    part: '2C',
    description: 'Test (2C): unreliable churn',
    servers: 5,
    unreliable: true,
    snapshot: false,
  },
  churn,
);

export const scenarios: Scenario[] = [
  TestPersist12C,
  TestPersist22C,
  TestPersist32C,
  TestFigure82C,
  TestUnreliableAgree2C,
  TestFigure8Unreliable2C,
  TestReliableChurn2C,
  TestUnreliableChurn2C,
];

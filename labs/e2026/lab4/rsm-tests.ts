// Lab 4A of the 2026 edition, the rsm layer: the course's kvraft1/rsm/rsm_test.go (2025-2026), in
// its order and with its constants, and its TestSnapshot4C (part 4C). Each test runs between
// begin and end on a fresh three-replica cluster (rsm-cluster.ts); the course's goroutines are
// background tasks whose failure fails the run, its selects races with a tester sleep.
import { fail, type Scenario, type TestContext } from '../../../harness/scenario';
import { background } from '../../lab2/raft-scenario';
import { Dec, Inc, incRep, NSEC, NSRV, Null, RsmCluster, submitChecked } from './rsm-cluster';

function rsmTest(
  name: string,
  part: '4A' | '4C',
  description: string,
  maxraftstate: number,
  body: (ts: RsmCluster, t: TestContext) => Promise<void>,
): Scenario {
  return {
    name,
    part,
    description,
    async run(t) {
      const ts = new RsmCluster(t, maxraftstate);
      try {
        ts.begin(description);
        await body(ts, t);
        ts.end();
      } finally {
        ts.cleanup();
      }
    },
  };
}

/** Resolves true if `task` settles within `ms` of virtual time (a Go select with time.After). */
async function within(ts: RsmCluster, task: Promise<unknown>, ms: number, label: string) {
  let settled = false;
  void task.then(() => (settled = true));
  await Promise.race([task, ts.sleep(ms, label)]);
  return settled;
}

/** `count` tasks at once, each `one()`; resolves when all have returned. */
function concurrently(
  t: TestContext,
  count: number,
  what: string,
  one: (i: number) => Promise<void>,
) {
  return Promise.all(
    Array.from({ length: count }, (_, i) => background(t, `${what} ${i}`, () => one(i))),
  );
}

/** NINC Incs one after another, each answered with the next count and seen by every replica. */
async function incrementsInOrder(
  ts: RsmCluster,
  ninc: number,
  message: (want: number, got: number) => string,
) {
  for (let i = 0; i < ninc; i++) {
    const r = await ts.oneInc();
    if (r.n !== i + 1) fail('rsm-result', message(i, r.n));
    await ts.checkCounter(r.n, NSRV);
  }
}

const TestBasic4A = rsmTest('TestBasic4A', '4A', 'Test RSM basic', -1, async (ts) => {
  await incrementsInOrder(ts, 10, (i, n) => `expected ${i} instead of ${n}`);
});

const TestConcurrent4A = rsmTest(
  'TestConcurrent4A',
  '4A',
  'Test concurrent submit',
  -1,
  async (ts, t) => {
    const NINC = 50;
    await concurrently(t, NINC, 'Inc', async () => void (await ts.oneInc()));
    await ts.checkCounter(NINC, NSRV);
  },
);

const TestLeaderFailure4A = rsmTest(
  'TestLeaderFailure4A',
  '4A',
  'Test Leader Failure',
  -1,
  async (ts) => {
    let r = await ts.oneInc();
    await ts.checkCounter(r.n, NSRV);

    const l = ts.leaderHint;
    ts.disconnect(l, ts.all);
    r = await ts.oneInc();
    await ts.checkCounter(r.n, NSRV - 1);

    ts.connect(l, ts.all);
    await ts.checkCounter(r.n, NSRV);
  },
);

const TestLeaderPartition4A = rsmTest(
  'TestLeaderPartition4A',
  '4A',
  'Test Leader Partition',
  -1,
  async (ts, t) => {
    const NSUBMIT = 100;
    const r = await ts.oneInc();
    await ts.checkCounter(r.n, NSRV);

    // Cut the leader off; every Dec submitted to it must wait: none may be executed, and none may
    // come back before the partition heals.
    const l = ts.leaderHint;
    const [p1] = ts.partitionOff(l);
    const minority = ts.replica(l)!;
    const done = concurrently(t, NSUBMIT, 'Dec in the minority', async (i) => {
      const rep = await submitChecked(minority, Dec);
      if (rep.err === 'OK')
        fail('majority-required', `Submit ${i} in minority completed ${JSON.stringify(rep.value)}`);
    });

    await ts.sleep(10, 'give the old leader some time to submit');
    const rep = await ts.onePartition(p1, Inc);

    if (await within(ts, done, 1000, "Dec's in the minority must still wait"))
      fail('rsm-waits', "Dec's in minority completed; Submit returns");

    // Three servers: reconnecting the leader heals the partition.
    ts.connect(l, ts.all);
    if (!(await within(ts, done, 1000, 'Submits to the old leader return after healing')))
      fail('rsm-waits', "Submit after healing didn't return");

    await ts.checkCounter(rep === undefined ? 0 : incRep(rep).n, NSRV);
  },
);

/** NINC Incs, then every server shut down and, a second later, restarted: Inc is then NINC + 1. */
async function restartReplay(ts: RsmCluster, expected: (want: number, got: number) => string) {
  const NINC = 100;
  await incrementsInOrder(ts, NINC, (i, n) => `expected ${i} instead of ${n}`);
  ts.killAll();
  await ts.sleep(1000, 'all servers down');
  ts.restartAll();
  const r = await ts.oneInc();
  if (r.n !== NINC + 1) fail('rsm-result', expected(NINC + 1, r.n));
  await ts.sleep(1000, 'let the replicas catch up');
  return r;
}

const TestRestartReplay4A = rsmTest('TestRestartReplay4A', '4A', 'Test Restart', -1, async (ts) => {
  const r = await restartReplay(ts, (want, got) => `expected ${want} got ${got}`);
  await ts.checkCounter(r.n, NSRV);
});

/** NSUBMIT Nulls at once; 20 ms later every server is shut down: all must return within NSEC + 1 s. */
async function shutdownWhileSubmitting(ts: RsmCluster, t: TestContext) {
  const NSUBMIT = 100;
  const done = concurrently(t, NSUBMIT, 'Null', () => ts.oneNull());
  await ts.sleep(20, 'give some time to submit');
  ts.killAll();
  if (!(await within(ts, done, (NSEC + 1) * 1000, 'every Submit returns after shutdown')))
    fail('rsm-shutdown', "Submit didn't stop after shutdown");
}

const TestShutdown4A = rsmTest('TestShutdown4A', '4A', 'Test Shutdown', -1, async (ts, t) => {
  await shutdownWhileSubmitting(ts, t);
});

const TestRestartSubmit4A = rsmTest(
  'TestRestartSubmit4A',
  '4A',
  'Test Restart and submit',
  -1,
  async (ts, t) => {
    await restartReplay(ts, (want, got) => `Expected ${want} got ${got}`);
    await shutdownWhileSubmitting(ts, t);
    ts.restartAll();
    const r = await ts.oneInc();
    await ts.checkCounter(r.n, NSRV);
  },
);

const TestSnapshot4C = rsmTest(
  'TestSnapshot4C',
  '4C',
  'Test creating and restoring snapshot',
  1000,
  async (ts) => {
    const N = 100;
    const MAXRAFTSTATE = 1000;
    for (let i = 0; i < N; i++) await ts.oneInc();
    await ts.checkCounter(N, NSRV);

    const sz = ts.logSize();
    if (sz > 2 * MAXRAFTSTATE)
      fail('log-trimmed', `logs were not trimmed (${sz} > 2 * ${MAXRAFTSTATE})`);

    // The rsm must have made snapshots by now: every server restarts from one.
    ts.killAll();
    ts.restartAll();
    await ts.oneInc();
    await ts.checkCounter(N + 1, NSRV);
  },
);

/**
 * Ours: TestShutdown4A and TestRestartSubmit4A shut the servers down 20 ms after submitting,
 * when on our Raft nothing is waiting yet (no leader, or every entry already applied). Here the
 * submissions wait on a leader cut off from the majority when every server is shut down: each
 * must still return within NSEC + 1 s, as the course's shutdown tests ask.
 */
const TestShutdownWaiting4A = rsmTest(
  'TestShutdownWaiting4A',
  '4A',
  'Test (4A, ours): shutdown while submissions wait on a cut-off leader',
  -1,
  async (ts, t) => {
    const NSUBMIT = 10;
    const r = await ts.oneInc();
    await ts.checkCounter(r.n, NSRV);
    const l = ts.leaderHint;
    ts.partitionOff(l);
    const minority = ts.replica(l)!;
    const done = concurrently(t, NSUBMIT, 'Null to the cut-off leader', async () => {
      await submitChecked(minority, Null);
    });
    await ts.sleep(100, 'the submissions wait on the cut-off leader');
    ts.killAll();
    if (!(await within(ts, done, (NSEC + 1) * 1000, 'every Submit returns after shutdown')))
      fail('rsm-shutdown', "Submit didn't stop after shutdown");
  },
);

export const ours4A: Scenario[] = [TestShutdownWaiting4A];

export const scenarios4A: Scenario[] = [
  TestBasic4A,
  TestConcurrent4A,
  TestLeaderFailure4A,
  TestLeaderPartition4A,
  TestRestartReplay4A,
  TestShutdown4A,
  TestRestartSubmit4A,
];
export const scenarios4C: Scenario[] = [TestSnapshot4C];

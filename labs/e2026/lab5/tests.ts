// Lab 5 of the 2026 edition, the sharded key/value service whose controller moves shards: the
// course's shardkv1/shardkv_test.go (2026) in its order and with its constants (5A, 5B, 5C), on
// the fixture of test.ts. Times the course measures in wall-clock seconds are virtual here.
import { fail, type Scenario, type TestContext } from '../../../harness/scenario';
import { background } from '../../lab2/raft-scenario';
import { withLab5, makeKeys, NSHARDS_KEYS, type Lab5Test } from './test';
import {
  checkConfig,
  copyConfig,
  GID1,
  joinBalance,
  key2shard,
  leaveBalance,
  makeShardConfig,
} from './shardcfg';

const NGRP = 8;
const NKEYS = NSHARDS_KEYS;

function scenario(
  name: string,
  part: '5A' | '5B' | '5C',
  title: string,
  reliable: boolean,
  body: (ts: Lab5Test, t: TestContext) => Promise<void>,
  maxraftstate = -1,
  partition = false,
): Scenario {
  return {
    name,
    part,
    description: title,
    run: (t) =>
      withLab5(
        t,
        title,
        reliable,
        (ts) => {
          ts.partitionMode = partition;
          return body(ts, t);
        },
        maxraftstate,
      ),
  };
}

/** Resolves true if `task` settles within `ms` of virtual time (a Go select with time.After). */
async function within(ts: Lab5Test, task: Promise<unknown>, ms: number, label: string) {
  let settled = false;
  void task.then(() => (settled = true));
  await Promise.race([task, ts.sleep(ms, label)]);
  return settled;
}

async function initQuery(ts: Lab5Test): Promise<void> {
  const { sck } = ts.makeShardCtrler();
  const scfg = makeShardConfig();
  joinBalance(scfg, { [GID1]: ['xxx'] });
  await sck.initConfig(scfg);
  const cfg = await ts.query(sck);
  if (cfg.num !== 1 || cfg.shards[0] !== GID1)
    fail('config-valid', `Static wrong ${JSON.stringify(cfg)}`);
  checkConfig(cfg, [GID1]);
}

async function staticOneShardGroup(ts: Lab5Test): Promise<void> {
  await ts.setupKVService();
  const ck = ts.makeClerk();
  const [ka, va] = await ts.spreadPuts(ck, NKEYS);
  await ts.checkGets(ck, ka, va);
  await ts.disconnectLeader(GID1);
  await ts.checkGets(ck, ka, va);
}

async function joinBasic(ts: Lab5Test): Promise<void> {
  const gid1 = await ts.setupKVService();
  const ck = ts.makeClerk();
  const [ka, va] = await ts.spreadPuts(ck, NKEYS);
  const sck = ts.sck;
  const cfg = await ts.query(sck);
  const gid2 = ts.newGid();
  if (!(await ts.joinGroups(sck, [gid2])))
    fail('config-valid', 'TestJoinBasic5A: joinGroups failed');
  const cfg1 = await ts.query(sck);
  if (cfg.num + 1 !== cfg1.num)
    fail('config-valid', `TestJoinBasic5A: wrong num ${cfg1.num} expected ${cfg.num + 1}`);
  if (!cfg1.shards.includes(gid2))
    fail('config-valid', `TestJoinBasic5A: ${gid2} isn't a member of ${JSON.stringify(cfg1)}`);
  await ts.checkShutdownSharding(gid1, ka, va);
  await ts.checkGets(ck, ka, va);
  await ts.checkShutdownSharding(gid2, ka, va);
  await ts.checkGets(ck, ka, va);
}

async function deleteBasic(ts: Lab5Test): Promise<void> {
  const MAXRAFTSTATE = 1000;
  const gid1 = await ts.setupKVService();
  const ck = ts.makeClerk();
  const [ka, va] = await ts.spreadPuts(ck, NKEYS, MAXRAFTSTATE);
  const sz = ts.snapshotSize(gid1);
  const gid2 = ts.newGid();
  if (!(await ts.joinGroups(ts.sck, [gid2])))
    fail('config-valid', 'TestDeleteBasic5A: joinGroups failed');
  // Push more gets through so that all peers snapshot: the course's 5 rounds, then (ours) up to
  // MORE_ROUNDS more while the groups are over the bound. A get's log entry here is smaller than
  // the course's gob encoding of it, and 5 rounds left a replica of gid1 on its snapshot from
  // before the delete in 29 of seeds 1-100; a group that keeps deleted keys stays over it anyway.
  const MORE_ROUNDS = 15;
  const overBound = () => ts.snapshotSize(gid1) + ts.snapshotSize(gid2) > sz + 10000;
  for (let j = 0; j < 5 || (j < 5 + MORE_ROUNDS && overBound()); j++)
    await ts.checkGets(ck, ka, va);
  const sz1 = ts.snapshotSize(gid1);
  const sz2 = ts.snapshotSize(gid2);
  if (sz1 + sz2 > sz + 10000)
    fail(
      'shard-deletion',
      `TestDeleteBasic5A: gid1 ${sz1} + gid2 ${sz2} = ${sz1 + sz2} use too much space ${sz}`,
    );
}

async function joinLeaveBasic(ts: Lab5Test): Promise<void> {
  const gid1 = await ts.setupKVService();
  const ck = ts.makeClerk();
  const [ka, va] = await ts.spreadPuts(ck, NKEYS);
  const sck = ts.sck;
  const gid2 = ts.newGid();
  if (!(await ts.joinGroups(sck, [gid2])))
    fail('config-valid', 'TestJoinLeaveBasic5A: joinGroups failed');
  await ts.checkShutdownSharding(gid1, ka, va);
  await ts.checkGets(ck, ka, va);
  await ts.leave(sck, GID1);
  if (await ts.checkMember(sck, GID1)) fail('config-valid', `${GID1} is a member after leave`);
  ts.shutdownGroup(GID1);
  await ts.checkGets(ck, ka, va);
  // Bring the crashed group back to life, and rejoin it.
  ts.startServers(GID1);
  await ts.join(sck, GID1, ts.srvNames(GID1));
  await ts.checkGets(ck, ka, va);
  await ts.checkShutdownSharding(gid2, ka, va);
}

async function joinLeave(ts: Lab5Test): Promise<void> {
  await ts.setupKVService();
  const ck = ts.makeClerk();
  const [ka, va] = await ts.spreadPuts(ck, NKEYS);
  const grps = ts.groupsOf(NGRP);
  await ts.joinGroups(ts.sck, grps);
  await ts.checkShutdownSharding(grps[0], ka, va);
  await ts.checkGets(ck, ka, va);
  await ts.leaveGroups(ts.sck, grps);
  await ts.checkGets(ck, ka, va);
}

async function shutdown(ts: Lab5Test): Promise<void> {
  const NJOIN = 2;
  const NGRP2 = 2 + NJOIN;
  await ts.setupKVService();
  const ck = ts.makeClerk();
  const [ka, va] = await ts.spreadPuts(ck, NKEYS);
  const grps = ts.groupsOf(NJOIN);
  await ts.joinGroups(ts.sck, grps);
  await ts.checkShutdownSharding(grps[0], ka, va);
  await ts.checkGets(ck, ka, va);
  // The course shuts down gids Gid1 .. NGRP-1 (its last one was never started: skipped here too).
  const started = (g: number) => g === GID1 || grps.includes(g);
  for (let g = GID1; g < NGRP2; g++) if (started(g)) ts.shutdownGroup(g);
  for (let g = GID1; g < NGRP2; g++) if (started(g)) ts.startServers(g);
  await ts.checkGets(ck, ka, va);
}

async function progressShutdown(ts: Lab5Test, t: TestContext): Promise<void> {
  const NJOIN = 4;
  const NSEC = 2000;
  await ts.setupKVService();
  const ck = ts.makeClerk();
  const [ka, va] = await ts.spreadPuts(ck, NKEYS);
  const grps = ts.groupsOf(NJOIN);
  await ts.joinGroups(ts.sck, grps);
  for (const g of grps.slice(0, 2)) ts.shutdownGroup(g);
  const alive = new Set(grps.slice(2));
  const cfg = await ts.query(ts.sck);
  const gets = background(t, 'gets at live groups', async () => {
    for (let i = 0; i < ka.length; i++)
      if (alive.has(cfg.shards[key2shard(ka[i])])) await ts.checkGet(ck, ka[i], va[i], 1);
  });
  if (!(await within(ts, gets, NSEC, 'gets at live groups')))
    fail('liveness', "Gets didn't finish");
}

async function progressJoin(ts: Lab5Test, t: TestContext): Promise<void> {
  const NJOIN = 4;
  const NSEC = 4000;
  const NCNT = 100;
  await ts.setupKVService();
  const ck = ts.makeClerk();
  const [ka, va] = await ts.spreadPuts(ck, NKEYS);
  const sck = ts.sck;
  const grps = ts.groupsOf(NJOIN);
  await ts.joinGroups(sck, grps);
  const cfg = await ts.query(sck);
  const newcfg = copyConfig(cfg);
  const newgid = NJOIN + 3;
  if (!joinBalance(newcfg, { [newgid]: ['xxx'] })) fail('config-valid', 'JoinBalance failed');
  const newcfg1 = copyConfig(newcfg);
  if (!leaveBalance(newcfg1, [newgid])) fail('config-valid', 'LeaveBalance failed');
  // Which shards do not move, and which groups take part in moving shards.
  const stable = new Set<number>();
  const participating = new Set<number>();
  newcfg1.shards.forEach((g, s) => {
    if (newcfg.shards[s] === g) stable.add(s);
    else participating.add(g);
  });
  let stop = false;
  const churn = background(t, 'join/leave', async () => {
    while (!stop) {
      if (!(await ts.joinGroups(sck, [newgid])))
        fail('config-valid', 'TestProgressJoin: join failed');
      if (!(await ts.leaveGroups(sck, [newgid])))
        fail('config-valid', 'TestProgressJoin: leave failed');
    }
  });
  let nget = 0;
  const gets = background(t, 'gets of stable shards', async () => {
    const until = t.sim.now() + NSEC;
    while (t.sim.now() < until)
      for (let i = 0; i < ka.length; i++) {
        const s = key2shard(ka[i]);
        if (stable.has(s) && participating.has(newcfg1.shards[s])) {
          await ts.checkGet(ck, ka[i], va[i], 1);
          nget++;
        }
      }
  });
  if (!(await within(ts, gets, 2 * NSEC, 'gets of stable shards')))
    fail('liveness', "Gets didn't finish");
  t.log(`cnt ${nget}`);
  if (nget < NCNT) fail('liveness', `Two few gets finished ${nget}; expected more than ${NCNT}`);
  stop = true;
  await churn;
}

async function concurrentClerk(ts: Lab5Test, nclnt: number): Promise<void> {
  const NSEC = 20_000;
  await ts.setupKVService();
  const ka = makeKeys(NKEYS);
  const clients = ts.spawnClients(nclnt, NSEC, ka[0]);
  const grps = ts.groupsOf(NGRP);
  if (!(await ts.joinGroups(ts.sck, grps)))
    fail('config-valid', 'concurrentClerk: joinGroups failed');
  if (!(await ts.leaveGroups(ts.sck, grps)))
    fail('config-valid', 'concurrentClerk: leaveGroups failed');
  await clients;
  ts.checkPorcupine();
}

async function joinLeave5B(ts: Lab5Test, t: TestContext): Promise<void> {
  const NSEC = 2000;
  const gid1 = await ts.setupKVService();
  const ck = ts.makeClerk();
  const [ka, va] = await ts.spreadPuts(ck, NKEYS);
  const sck = ts.sck;
  const cfg = await ts.query(sck);
  ts.shutdownGroup(gid1);
  const gid2 = ts.newGid();
  let joined: boolean | undefined;
  const join = background(t, 'join', async () => (joined = await ts.joinGroups(sck, [gid2])));
  // The course waits 1 * NSEC with NSEC untyped: 2 ns, the clock's quantum here (1 ms).
  if (await within(ts, join, 1, 'join with a group down'))
    fail('liveness', `Join finished ${joined}`);
  ts.startServers(gid1);
  if (!(await within(ts, join, NSEC, 'join after the restart')))
    fail('liveness', "Join didn't complete");
  if (!joined) fail('config-valid', `TestJoinLeave5B: Join returned ${joined}`);
  const cfg1 = await ts.query(sck);
  if (cfg.num + 1 !== cfg1.num)
    fail('config-valid', `wrong num ${cfg1.num} expected ${cfg.num + 1}`);
  ts.shutdownGroup(gid2);
  let left: boolean | undefined;
  const leave = background(t, 'leave', async () => (left = await ts.leaveGroups(sck, [GID1])));
  if (await within(ts, leave, NSEC, 'leave with a group down')) fail('liveness', 'Leave finished');
  ts.startServers(gid2);
  if (!(await within(ts, leave, NSEC, 'leave after the restart')))
    fail('liveness', "Leave didn't complete");
  if (!left) fail('config-valid', `TestJoinLeave5B: Leave failed ${left}`);
  await ts.checkGets(ck, ka, va);
}

async function recoverCtrler(ts: Lab5Test, npartition: number): Promise<void> {
  const gid = await ts.setupKVService();
  const ck = ts.makeClerk();
  const [ka, va] = await ts.spreadPuts(ck, NKEYS);
  for (let i = 0; i < npartition; i++) await ts.partitionCtrler(ck, gid, ka, va);
}

async function concurrentCtrlers(ts: Lab5Test): Promise<void> {
  await ts.setupKVService();
  const ck = ts.makeClerk();
  const [ka, va] = await ts.spreadPuts(ck, NKEYS);
  await ts.concurCtrler(ck, ka, va);
}

async function partitionControllerJoin(ts: Lab5Test, t: TestContext): Promise<void> {
  const NSEC = 1000;
  await ts.setupKVService();
  const ck = ts.makeClerk();
  const [ka, va] = await ts.spreadPuts(ck, NKEYS);
  const { sck, node } = ts.makeShardCtrler();
  await sck.initController();
  const ngid = ts.newGid();
  const join = background(t, 'join of a group that is down', async () => {
    ts.makeGroupStart(ngid);
    ts.shutdownGroup(ngid);
    await ts.join(sck, ngid, ts.srvNames(ngid));
  });
  // Let the controller get stuck in the join (the group is down), then cut it off.
  await ts.sleep(1000, 'the controller gets stuck in the join');
  ts.setConnected(node, false);
  await ts.sleep(NSEC, 'before restarting the group');
  ts.startServers(ngid);
  const sck0 = ts.makeShardCtrler().sck;
  await sck0.initController();
  const scfg = await ts.query(sck0);
  if (!scfg.shards.includes(ngid)) fail('config-recovered', `Didn't recover gid ${ngid}`);
  // Reconnect the old controller, which must not undo anything; wait for it to return.
  ts.setConnected(node, true);
  await join;
  await ts.sleep(1000, 'after the old controller returned');
  await ts.checkGets(ck, ka, va);
}

async function partitionRecovery(ts: Lab5Test, npart: number, nclnt: number): Promise<void> {
  const NSEC = 60_000;
  const gid = await ts.setupKVService();
  const ck = ts.makeClerk();
  let ka: string[] = [];
  let va: string[] = [];
  if (nclnt <= 0) [ka, va] = await ts.spreadPuts(ck, NKEYS);
  const clients = nclnt > 0 ? ts.spawnClients(nclnt, NSEC, makeKeys(1)[0]) : undefined;
  for (let i = 0; i < npart; i++) await ts.partitionCtrler(ck, gid, ka, va);
  if (clients) {
    await clients;
    ts.checkPorcupine();
  }
}

export const scenarios5A: Scenario[] = [
  scenario('TestInitQuery5A', '5A', 'Test (5A): Init and Query ...', true, initQuery),
  scenario(
    'TestStaticOneShardGroup5A',
    '5A',
    'Test (5A): one shard group ...',
    true,
    staticOneShardGroup,
  ),
  scenario('TestJoinBasic5A', '5A', 'Test (5A): a group joins...', true, joinBasic),
  scenario('TestDeleteBasic5A', '5A', 'Test (5A): delete ...', true, deleteBasic, 10000),
  scenario(
    'TestJoinLeaveBasic5A',
    '5A',
    'Test (5A): basic groups join/leave ...',
    true,
    joinLeaveBasic,
  ),
  scenario(
    'TestManyJoinLeaveReliable5A',
    '5A',
    'Test (5A): many groups join/leave ...',
    true,
    joinLeave,
  ),
  scenario(
    'TestManyJoinLeaveUnreliable5A',
    '5A',
    'Test (5A): many groups join/leave ...',
    false,
    joinLeave,
  ),
  scenario('TestShutdown5A', '5A', 'Test (5A): shutdown ...', true, shutdown),
  scenario('TestProgressShutdown5A', '5A', 'Test (5A): progress ...', true, progressShutdown),
  scenario('TestProgressJoin5A', '5A', 'Test (5A): progress ...', true, progressJoin),
  scenario(
    'TestOneConcurrentClerkReliable5A',
    '5A',
    'Test (5A): one concurrent clerk reliable...',
    true,
    (ts) => concurrentClerk(ts, 1),
  ),
  scenario(
    'TestManyConcurrentClerkReliable5A',
    '5A',
    'Test (5A): many concurrent clerks reliable...',
    true,
    (ts) => concurrentClerk(ts, 10),
  ),
  scenario(
    'TestOneConcurrentClerkUnreliable5A',
    '5A',
    'Test (5A): one concurrent clerk unreliable ...',
    false,
    (ts) => concurrentClerk(ts, 1),
  ),
  scenario(
    'TestManyConcurrentClerkUnreliable5A',
    '5A',
    'Test (5A): many concurrent clerks unreliable...',
    false,
    (ts) => concurrentClerk(ts, 10),
  ),
];

export const scenarios5B: Scenario[] = [
  scenario(
    'TestJoinLeave5B',
    '5B',
    'Test (5B): Join/leave while a shardgrp is down...',
    true,
    joinLeave5B,
  ),
  scenario('TestRecoverCtrler5B', '5B', 'Test (5B): recover controller ...', true, (ts) =>
    recoverCtrler(ts, 5),
  ),
];

export const scenarios5C: Scenario[] = [
  scenario(
    'TestConcurrentReliable5C',
    '5C',
    'Test (5C): Concurrent ctrlers ...',
    true,
    concurrentCtrlers,
    -1,
    true,
  ),
  scenario(
    'TestAcquireLockConcurrentUnreliable5C',
    '5C',
    'Test (5C): Concurrent ctrlers ...',
    false,
    concurrentCtrlers,
    -1,
    true,
  ),
  scenario(
    'TestPartitionControllerJoin5C',
    '5C',
    'Test (5C): partition controller in join...',
    true,
    partitionControllerJoin,
    -1,
    true,
  ),
  scenario(
    'TestPartitionRecoveryReliableNoClerk5C',
    '5C',
    'Test (5C): controllers with leased leadership ...',
    true,
    (ts) => partitionRecovery(ts, 5, 0),
    -1,
    true,
  ),
  scenario(
    'TestPartitionRecoveryUnreliableNoClerk5C',
    '5C',
    'Test (5C): controllers with leased leadership ...',
    false,
    (ts) => partitionRecovery(ts, 3, 0),
    -1,
    true,
  ),
  scenario(
    'TestPartitionRecoveryReliableClerks5C',
    '5C',
    'Test (5C): controllers with leased leadership ...',
    true,
    (ts) => partitionRecovery(ts, 5, 5),
    -1,
    true,
  ),
  scenario(
    'TestPartitionRecoveryUnreliableClerks5C',
    '5C',
    'Test (5C): controllers with leased leadership ...',
    false,
    (ts) => partitionRecovery(ts, 3, 5),
    -1,
    true,
  ),
];

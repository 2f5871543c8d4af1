// Lab 4B and 4C of the 2026 edition, the key/value service on rsm: the course's
// kvraft1/kvraft_test.go (2025-2026) in its order and with its constants. Most tests are its
// GenericTest under MakeTest's knobs (kv-generic.ts); TestOnePartition4B, TestSnapshotRPC4C and
// TestSnapshotSize4C are written out.
import type { Version } from '../../../harness/contracts/kvraft1';
import { fail, type Scenario, type TestContext } from '../../../harness/scenario';
import { background } from '../../lab2/raft-scenario';
import { ELECTION_TIMEOUT_MS, type KvOptions, type KvRaftCluster } from './kv-cluster';
import { genericTest, genericTestSpeed, withKvTest } from './kv-generic';

/** The course's MakeTest(t, part, nclients, nservers, reliable, crash, partitions, maxraftstate, randomkeys). */
function opts(
  part: '4B' | '4C',
  nclients: number,
  nservers: number,
  reliable: boolean,
  crash: boolean,
  partitions: boolean,
  maxraftstate: number,
  randomkeys: boolean,
): KvOptions {
  return { part, nclients, nservers, reliable, crash, partitions, maxraftstate, randomkeys };
}

function kvTest(
  name: string,
  description: string,
  o: KvOptions,
  body: (ts: KvRaftCluster, t: TestContext) => Promise<void>,
): Scenario {
  return {
    name,
    part: o.part,
    description,
    run: (t) => withKvTest(t, o, description, (ts) => body(ts, t)),
  };
}

function generic(name: string, description: string, o: KvOptions): Scenario {
  return kvTest(name, description, o, genericTest);
}

/** Resolves true if `task` settles within `ms` of virtual time (a Go select with time.After). */
async function within(ts: KvRaftCluster, task: Promise<unknown>, ms: number, label: string) {
  let settled = false;
  void task.then(() => (settled = true));
  await Promise.race([task, ts.sleep(ms, label)]);
  return settled;
}

/**
 * The course's TestOnePartition4B: the old leader ends up in the minority with one other server;
 * a put and a get submitted there must not complete within a second, while the majority makes
 * progress; after healing, the put completes within 3 s and its value is read.
 */
async function onePartition(ts: KvRaftCluster, t: TestContext): Promise<void> {
  const ck = ts.makeClient();
  const ver0 = await ts.putAtLeastOnce(ck, '1', '13', 0, -1);
  // The course asks the clerk which server it last found leading; the cluster knows the leader.
  const l = ts.leader() ?? 0;
  const [p1, p2] = ts.partitionAround(l);
  ts.partition(p1, p2);

  const ckp1 = ts.makeClient(p1);
  const ckp2a = ts.makeClient(p2);
  const ckp2b = ts.makeClient(p2);

  const ver1 = await ts.putAtLeastOnce(ckp1, '1', '14', ver0, -1);
  await ts.checkGet(ckp1, '1', '14', ver1);
  ts.end();

  ts.begin('Test: no progress in minority (4B)');
  let putVer: Version | undefined;
  const put15 = background(t, 'Put(1, 15) in the minority', async () => {
    putVer = await ts.putAtLeastOnce(ckp2a, '1', '15', ver1, -1);
  });
  let getVer: Version | undefined;
  const get1 = background(t, 'Get(1) in the minority', async () => {
    getVer = (await ts.calls.get(ckp2b, '1', -1)).version;
  });
  await within(ts, Promise.race([put15, get1]), 1000, 'commands to the minority wait');
  if (putVer !== undefined)
    fail('majority-required', `Put in minority completed with version = ${putVer}`);
  if (getVer !== undefined)
    fail('majority-required', `Get in minority completed with version = ${getVer}`);

  await ts.checkGet(ckp1, '1', '14', ver1);
  const ver2 = await ts.putAtLeastOnce(ckp1, '1', '16', ver1, -1);
  await ts.checkGet(ckp1, '1', '16', ver2);
  ts.end();

  ts.begin('Test: completion after heal (4B)');
  ts.connectAll();
  ts.connectClient(ckp2a, ts.all);
  ts.connectClient(ckp2b, ts.all);
  await ts.sleep(ELECTION_TIMEOUT_MS, 'a new term after healing');
  if (!(await within(ts, put15, 30 * 100, 'Put(1, 15) completes after healing')))
    fail('liveness', 'Put did not complete');
  // The course looks at Get(1) once more without waiting (a select with a default): nothing to check.
  void get1;
  await ts.checkGet(ck, '1', '15', putVer ?? 0);
}

/**
 * The course's TestSnapshotRPC4C: server 2 falls behind while the majority snapshots, then must
 * catch up (through InstallSnapshot) to form a majority with server 0.
 */
async function snapshotRPC(ts: KvRaftCluster): Promise<void> {
  const ck = ts.makeClient();
  ts.begin('Test: InstallSnapshot RPC (4C)');
  const vera = await ts.putAtLeastOnce(ck, 'a', 'A', 0, -1);
  await ts.checkGet(ck, 'a', 'A', vera);

  // A bunch of puts into the majority partition.
  ts.partition([0, 1], [2]);
  const ck1 = ts.makeClient([0, 1]);
  for (let i = 0; i < 50; i++) await ts.putAtLeastOnce(ck1, String(i), String(i), 0, -1);
  await ts.sleep(ELECTION_TIMEOUT_MS, 'the majority snapshots');
  const verb = await ts.putAtLeastOnce(ck1, 'b', 'B', 0, -1);

  // The majority must have thrown away most of its log entries.
  ts.checkLogTrimmed();

  // Now a majority that needs the lagging server, which has to catch up.
  ts.partition([0, 2], [1]);
  const ck2 = ts.makeClient([0, 2]);
  const verc = await ts.putAtLeastOnce(ck2, 'c', 'C', 0, -1);
  await ts.putAtLeastOnce(ck2, 'd', 'D', 0, -1);
  await ts.checkGet(ck2, 'a', 'A', vera);
  await ts.checkGet(ck2, 'b', 'B', verb);
  await ts.checkGet(ck2, '1', '1', 1);
  await ts.checkGet(ck2, '49', '49', 1);

  // Now everybody.
  ts.partition([0, 1, 2], []);
  const vere = await ts.putAtLeastOnce(ck, 'e', 'E', 0, -1);
  await ts.checkGet(ck, 'c', 'C', verc);
  await ts.checkGet(ck, 'e', 'E', vere);
  await ts.checkGet(ck, '1', '1', 1);
}

/** The course's TestSnapshotSize4C: 400 puts to one key; the snapshot stays under 500 bytes. */
async function snapshotSize(ts: KvRaftCluster): Promise<void> {
  const maxsnapshotstate = 500;
  const ck = ts.makeClient();
  let ver: Version = 0;
  for (let i = 0; i < 200; i++) {
    ver = await ts.putAtLeastOnce(ck, 'x', '0', ver, -1);
    await ts.checkGet(ck, 'x', '0', ver);
    ver = await ts.putAtLeastOnce(ck, 'x', '1', ver, -1);
    await ts.checkGet(ck, 'x', '1', ver);
  }
  ts.checkLogTrimmed();
  const ssz = ts.snapshotSize();
  if (ssz > maxsnapshotstate)
    fail('snapshot-size', `snapshot too large (${ssz} > ${maxsnapshotstate})`);
}

export const scenarios4B: Scenario[] = [
  generic('TestBasic4B', '4B basic', opts('4B', 1, 5, true, false, false, -1, false)),
  kvTest(
    'TestSpeed4B',
    '4B speed',
    opts('4B', 1, 3, true, false, false, -1, false),
    genericTestSpeed,
  ),
  generic('TestConcurrent4B', '4B many clients', opts('4B', 5, 5, true, false, false, -1, false)),
  generic('TestUnreliable4B', '4B many clients', opts('4B', 5, 5, false, false, false, -1, false)),
  kvTest(
    'TestOnePartition4B',
    '4B progress in majority',
    opts('4B', 0, 5, false, false, false, -1, false),
    onePartition,
  ),
  generic(
    'TestManyPartitionsOneClient4B',
    '4B partitions, one client',
    opts('4B', 1, 5, true, false, true, -1, false),
  ),
  generic(
    'TestManyPartitionsManyClients4B',
    '4B partitions, many clients (4B)',
    opts('4B', 5, 5, true, false, true, -1, false),
  ),
  generic(
    'TestPersistOneClient4B',
    '4B restarts, one client 4B ',
    opts('4B', 1, 5, true, true, false, -1, false),
  ),
  generic(
    'TestPersistConcurrent4B',
    '4B restarts, many clients',
    opts('4B', 5, 5, true, true, false, -1, false),
  ),
  generic(
    'TestPersistConcurrentUnreliable4B',
    '4B restarts, many clients ',
    opts('4B', 5, 5, false, true, false, -1, false),
  ),
  generic(
    'TestPersistPartition4B',
    '4B restarts, partitions, many clients',
    opts('4B', 5, 5, true, true, true, -1, false),
  ),
  generic(
    'TestPersistPartitionUnreliable4B',
    '4B restarts, partitions, many clients',
    opts('4B', 5, 5, false, true, true, -1, false),
  ),
  generic(
    'TestPersistPartitionUnreliableLinearizable4B',
    '4B restarts, partitions, random keys, many clients',
    opts('4B', 15, 7, false, true, true, -1, true),
  ),
];

export const scenarios4C: Scenario[] = [
  kvTest(
    'TestSnapshotRPC4C',
    '4C SnapshotsRPC',
    opts('4C', 0, 3, true, false, false, 1000, false),
    snapshotRPC,
  ),
  kvTest(
    'TestSnapshotSize4C',
    '4C snapshot size is reasonable',
    opts('4C', 0, 3, true, false, false, 1000, false),
    snapshotSize,
  ),
  kvTest(
    'TestSpeed4C',
    '4C speed',
    opts('4C', 1, 3, true, false, false, 1000, false),
    genericTestSpeed,
  ),
  generic(
    'TestSnapshotRecover4C',
    '4C restarts, snapshots, one client',
    opts('4C', 1, 5, true, true, false, 1000, false),
  ),
  generic(
    'TestSnapshotRecoverManyClients4C',
    '4C restarts, snapshots, many clients ',
    opts('4C', 20, 5, true, true, false, 1000, false),
  ),
  generic(
    'TestSnapshotUnreliable4C',
    '4C unreliable net, snapshots, many clients',
    opts('4C', 5, 5, false, false, false, 1000, false),
  ),
  generic(
    'TestSnapshotUnreliableRecover4C',
    '4C unreliable net, restarts, snapshots, many clients',
    opts('4C', 5, 5, false, true, false, 1000, false),
  ),
  generic(
    'TestSnapshotUnreliableRecoverConcurrentPartition4C',
    '4C unreliable net, restarts, partitions, snapshots, many clients',
    opts('4C', 5, 5, false, true, true, 1000, false),
  ),
  generic(
    'TestSnapshotUnreliableRecoverConcurrentPartitionLinearizable4C',
    '4C unreliable net, restarts, partitions, snapshots, random keys, many clients',
    opts('4C', 15, 7, false, true, true, 1000, true),
  ),
];

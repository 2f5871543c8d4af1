// Part 3B: the key/value service with snapshots (maxraftstate 1000), in the original file's order
// (our delete tests across snapshots and restarts join them in the part registry, labs/parts.ts).
import type { Scenario } from '../../harness/scenario';
import { fail } from '../../harness/scenario';
import { ELECTION_TIMEOUT_MS, KVCluster } from './kv';
import { genericTest, genericTestSpeed, genericTitle, type GenericOptions } from './kv-generic';
import { KVOps } from './kv-history';

const MAXRAFTSTATE = 1000;
/** TestSnapshotSize3B's bound on every server's snapshot, in bytes. */
const MAX_SNAPSHOT_STATE = 500;

function generic(name: string, o: Omit<GenericOptions, 'part' | 'maxraftstate'>): Scenario {
  const options: GenericOptions = { part: '3B', maxraftstate: MAXRAFTSTATE, ...o };
  return {
    name,
    part: '3B',
    description: genericTitle(options),
    run: (t) => genericTest(t, options),
  };
}

const snapshotRPC: Scenario = {
  name: 'TestSnapshotRPC3B',
  part: '3B',
  description: 'Test: InstallSnapshot RPC (3B)',
  async run(t) {
    const cfg = new KVCluster(t, 3, false, MAXRAFTSTATE);
    try {
      const ops = new KVOps(cfg);
      const ck = cfg.makeClient(cfg.all);
      cfg.begin('Test: InstallSnapshot RPC (3B)');
      await ops.put(ck, 'a', 'A');
      await ops.check(ck, 'a', 'A');

      // A bunch of puts into the majority partition.
      cfg.partition([0, 1], [2]);
      {
        const ck1 = cfg.makeClient([0, 1]);
        for (let i = 0; i < 50; i++) await ops.put(ck1, String(i), String(i));
        await cfg.sleep(ELECTION_TIMEOUT_MS);
        await ops.put(ck1, 'b', 'B');
      }

      // Check that the majority partition has thrown away most of its log entries.
      const sz = cfg.logSize();
      if (sz > 8 * MAXRAFTSTATE)
        fail('log-trimmed', `logs were not trimmed (${sz} > 8*${MAXRAFTSTATE})`);

      // Now make a group that requires participation of the lagging server, so that it has to
      // catch up through an InstallSnapshot RPC.
      cfg.partition([0, 2], [1]);
      {
        const ck1 = cfg.makeClient([0, 2]);
        await ops.put(ck1, 'c', 'C');
        await ops.put(ck1, 'd', 'D');
        await ops.check(ck1, 'a', 'A');
        await ops.check(ck1, 'b', 'B');
        await ops.check(ck1, '1', '1');
        await ops.check(ck1, '49', '49');
      }

      // Now everybody.
      cfg.partition([0, 1, 2], []);
      await ops.put(ck, 'e', 'E');
      await ops.check(ck, 'c', 'C');
      await ops.check(ck, 'e', 'E');
      await ops.check(ck, '1', '1');
      cfg.end();
    } finally {
      cfg.cleanup();
    }
  },
};

const snapshotSize: Scenario = {
  name: 'TestSnapshotSize3B',
  part: '3B',
  description: 'Test: snapshot size is reasonable (3B)',
  async run(t) {
    const cfg = new KVCluster(t, 3, false, MAXRAFTSTATE);
    try {
      const ops = new KVOps(cfg);
      const ck = cfg.makeClient(cfg.all);
      cfg.begin('Test: snapshot size is reasonable (3B)');
      for (let i = 0; i < 200; i++) {
        await ops.put(ck, 'x', '0');
        await ops.check(ck, 'x', '0');
        await ops.put(ck, 'x', '1');
        await ops.check(ck, 'x', '1');
      }
      // Check the maximum Raft state size and snapshot size.
      const sz = cfg.logSize();
      if (sz > 8 * MAXRAFTSTATE)
        fail('log-trimmed', `logs were not trimmed (${sz} > 8*${MAXRAFTSTATE})`);
      const ssz = cfg.snapshotSize();
      if (ssz > MAX_SNAPSHOT_STATE)
        fail('snapshot-size', `snapshot too large (${ssz} > ${MAX_SNAPSHOT_STATE})`);
      cfg.end();
    } finally {
      cfg.cleanup();
    }
  },
};

export const scenarios: Scenario[] = [
  snapshotRPC,
  snapshotSize,
  {
    name: 'TestSpeed3B',
    part: '3B',
    description: 'Test: ops complete fast enough (3B)',
    run: (t) => genericTestSpeed(t, '3B', MAXRAFTSTATE),
  },
  generic('TestSnapshotRecover3B', {
    nclients: 1,
    nservers: 5,
    unreliable: false,
    crash: true,
    partitions: false,
    randomkeys: false,
  }),
  generic('TestSnapshotRecoverManyClients3B', {
    nclients: 20,
    nservers: 5,
    unreliable: false,
    crash: true,
    partitions: false,
    randomkeys: false,
  }),
  generic('TestSnapshotUnreliable3B', {
    nclients: 5,
    nservers: 5,
    unreliable: true,
    crash: false,
    partitions: false,
    randomkeys: false,
  }),
  generic('TestSnapshotUnreliableRecover3B', {
    nclients: 5,
    nservers: 5,
    unreliable: true,
    crash: true,
    partitions: false,
    randomkeys: false,
  }),
  generic('TestSnapshotUnreliableRecoverConcurrentPartition3B', {
    nclients: 5,
    nservers: 5,
    unreliable: true,
    crash: true,
    partitions: true,
    randomkeys: false,
  }),
  generic('TestSnapshotUnreliableRecoverConcurrentPartitionLinearizable3B', {
    nclients: 15,
    nservers: 7,
    unreliable: true,
    crash: true,
    partitions: true,
    randomkeys: true,
  }),
];

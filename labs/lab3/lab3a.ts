// Part 3A: the key/value service without snapshots, in the original file's order (our delete
// tests join them in the part registry, labs/parts.ts). Every GenericTest run checks the append
// order per client and the linearizability of the whole recorded history.
import type { Scenario } from '../../harness/scenario';
import { fail } from '../../harness/scenario';
import { ELECTION_TIMEOUT_MS, KVCluster } from './kv';
import {
  genericTest,
  genericTestSpeed,
  genericTitle,
  spawnClientsAndWait,
  type GenericOptions,
} from './kv-generic';
import { appendElement, checkConcurrentAppends, KVOps } from './kv-history';

function generic(name: string, o: Omit<GenericOptions, 'part' | 'maxraftstate'>): Scenario {
  const options: GenericOptions = { part: '3A', maxraftstate: -1, ...o };
  return {
    name,
    part: '3A',
    description: genericTitle(options),
    run: (t) => genericTest(t, options),
  };
}

const reliable = { unreliable: false };
const unreliable = { unreliable: true };

const unreliableOneKey: Scenario = {
  name: 'TestUnreliableOneKey3A',
  part: '3A',
  description: 'Test: concurrent append to same key, unreliable (3A)',
  async run(t) {
    const cfg = new KVCluster(t, 3, true, -1);
    try {
      const ops = new KVOps(cfg);
      const ck = cfg.makeClient(cfg.all);
      cfg.begin('Test: concurrent append to same key, unreliable (3A)');
      await ops.put(ck, 'k', '');
      const nclient = 5;
      const upto = 10;
      await spawnClientsAndWait(cfg, nclient, async (me, myck) => {
        for (let n = 0; n < upto; n++) await ops.append(myck, 'k', appendElement(me, n));
      });
      const vx = await ops.get(ck, 'k');
      checkConcurrentAppends(vx, new Array<number>(nclient).fill(upto));
      cfg.end();
    } finally {
      cfg.cleanup();
    }
  },
};

const onePartition: Scenario = {
  name: 'TestOnePartition3A',
  part: '3A',
  description: 'Test: progress in majority, no progress in minority, completion after heal (3A)',
  async run(t) {
    const cfg = new KVCluster(t, 5, false, -1);
    try {
      const ops = new KVOps(cfg);
      const ck = cfg.makeClient(cfg.all);
      await ops.put(ck, '1', '13');

      cfg.begin('Test: progress in majority (3A)');
      const [p1, p2] = cfg.makePartition();
      cfg.partition(p1, p2);
      const ckp1 = cfg.makeClient(p1); // connect ckp1 to p1
      const ckp2a = cfg.makeClient(p2); // connect ckp2a to p2
      const ckp2b = cfg.makeClient(p2); // connect ckp2b to p2
      await ops.put(ckp1, '1', '14');
      await ops.check(ckp1, '1', '14');
      cfg.end();

      cfg.begin('Test: no progress in minority (3A)');
      let done0 = false;
      let done1 = false;
      void ops.put(ckp2a, '1', '15').then(() => (done0 = true));
      void ops.get(ckp2b, '1').then(() => (done1 = true));
      await cfg.sleep(1000);
      if (done0) fail('majority-required', 'Put in minority completed');
      if (done1) fail('majority-required', 'Get in minority completed');
      await ops.check(ckp1, '1', '14');
      await ops.put(ckp1, '1', '16');
      await ops.check(ckp1, '1', '16');
      cfg.end();

      cfg.begin('Test: completion after heal (3A)');
      cfg.connectAll();
      cfg.connectClient(ckp2a, cfg.all);
      cfg.connectClient(ckp2b, cfg.all);
      await cfg.sleep(ELECTION_TIMEOUT_MS);
      for (let i = 0; i < 30 && !done0; i++) await cfg.sleep(100);
      if (!done0) fail('liveness', 'Put did not complete');
      // As in the original, the minority Get need not have completed by now.
      await ops.check(ck, '1', '15');
      cfg.end();
    } finally {
      cfg.cleanup();
    }
  },
};

export const scenarios: Scenario[] = [
  generic('TestBasic3A', {
    nclients: 1,
    nservers: 5,
    ...reliable,
    crash: false,
    partitions: false,
    randomkeys: false,
  }),
  {
    name: 'TestSpeed3A',
    part: '3A',
    description: 'Test: ops complete fast enough (3A)',
    run: (t) => genericTestSpeed(t, '3A', -1),
  },
  generic('TestConcurrent3A', {
    nclients: 5,
    nservers: 5,
    ...reliable,
    crash: false,
    partitions: false,
    randomkeys: false,
  }),
  generic('TestUnreliable3A', {
    nclients: 5,
    nservers: 5,
    ...unreliable,
    crash: false,
    partitions: false,
    randomkeys: false,
  }),
  unreliableOneKey,
  onePartition,
  generic('TestManyPartitionsOneClient3A', {
    nclients: 1,
    nservers: 5,
    ...reliable,
    crash: false,
    partitions: true,
    randomkeys: false,
  }),
  generic('TestManyPartitionsManyClients3A', {
    nclients: 5,
    nservers: 5,
    ...reliable,
    crash: false,
    partitions: true,
    randomkeys: false,
  }),
  generic('TestPersistOneClient3A', {
    nclients: 1,
    nservers: 5,
    ...reliable,
    crash: true,
    partitions: false,
    randomkeys: false,
  }),
  generic('TestPersistConcurrent3A', {
    nclients: 5,
    nservers: 5,
    ...reliable,
    crash: true,
    partitions: false,
    randomkeys: false,
  }),
  generic('TestPersistConcurrentUnreliable3A', {
    nclients: 5,
    nservers: 5,
    ...unreliable,
    crash: true,
    partitions: false,
    randomkeys: false,
  }),
  generic('TestPersistPartition3A', {
    nclients: 5,
    nservers: 5,
    ...reliable,
    crash: true,
    partitions: true,
    randomkeys: false,
  }),
  generic('TestPersistPartitionUnreliable3A', {
    nclients: 5,
    nservers: 5,
    ...unreliable,
    crash: true,
    partitions: true,
    randomkeys: false,
  }),
  generic('TestPersistPartitionUnreliableLinearizable3A', {
    nclients: 15,
    nservers: 7,
    ...unreliable,
    crash: true,
    partitions: true,
    randomkeys: true,
  }),
];

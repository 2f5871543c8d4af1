// Our delete tests (delete is not in the course): a deleted key reads as "", as a never-written
// one does. Each test records its operations and checks them against the kv model, which knows
// delete. Graded as ours with parts 3A and 3B (labs/parts.ts).
import type { Scenario, TestContext } from '../../harness/scenario';
import { fail } from '../../harness/scenario';
import { ELECTION_TIMEOUT_MS, KVCluster } from './kv';
import { checkLinearizable } from './kv-check';
import {
  checkSizes,
  genericTest,
  genericTitle,
  spawnClientsAndWait,
  type GenericOptions,
} from './kv-generic';
import { KVOps, type History } from './kv-history';
import type { Clerk } from '../../harness/contracts/kvraft';

/** Recorded get that must read `expected`. */
async function expectValue(
  ops: KVOps,
  ck: Clerk,
  log: History,
  key: string,
  expected: string,
): Promise<void> {
  const v = await ops.get(ck, key, log, 0);
  if (v !== expected)
    fail(
      'wrong-value',
      `get(${JSON.stringify(key)}) after the writes above: expected ${JSON.stringify(expected)}, got ${JSON.stringify(v)}`,
    );
}

/**
 * `ncli` clients on `nkeys` shared keys (40 % append, 10 % put, 15 % delete, 35 % get) while
 * `during` runs; they stop after it returns. The clerks live through whatever `during` does.
 */
async function mixedClients(
  cfg: KVCluster,
  ops: KVOps,
  log: History,
  ncli: number,
  nkeys: number,
  stream: string,
  during: () => Promise<void>,
): Promise<void> {
  let done = false;
  const clients = spawnClientsAndWait(cfg, ncli, async (cli, ck) => {
    const rng = cfg.t.sim.rng(`${stream}/client${cli}`);
    for (let j = 0; !done; j++) {
      const key = `d${rng.int(nkeys)}`;
      const r = rng.int(100);
      if (r < 40) await ops.append(ck, key, `x ${cli} ${j} y`, log, cli);
      else if (r < 50) await ops.put(ck, key, `p ${cli} ${j}`, log, cli);
      else if (r < 65) await ops.delete(ck, key, log, cli);
      else await ops.get(ck, key, log, cli);
    }
  });
  await during();
  done = true;
  await clients;
}

/** Shuts every server down, waits, restarts them all. */
async function restartAll(cfg: KVCluster, downMs = ELECTION_TIMEOUT_MS): Promise<void> {
  for (const i of cfg.all) cfg.shutdownServer(i);
  await cfg.sleep(downMs);
  for (const i of cfg.all) cfg.startServer(i);
  cfg.connectAll();
}

const deleteBasic: Scenario = {
  name: 'TestDeleteBasic3A',
  part: '3A',
  description: 'Test: delete (3A)',
  async run(t: TestContext) {
    const cfg = new KVCluster(t, 5, false, -1);
    try {
      const ops = new KVOps(cfg);
      const log = ops.history;
      const ck = cfg.makeClient(cfg.all);
      cfg.begin('Test: delete (3A)');
      await expectValue(ops, ck, log, 'a', '');
      await ops.delete(ck, 'a', log, 0); // deleting a missing key is a no-op
      await expectValue(ops, ck, log, 'a', '');
      await ops.put(ck, 'a', 'A', log, 0);
      await ops.put(ck, 'b', 'B', log, 0);
      await expectValue(ops, ck, log, 'a', 'A');
      await ops.delete(ck, 'a', log, 0);
      await expectValue(ops, ck, log, 'a', '');
      await expectValue(ops, ck, log, 'b', 'B'); // other keys are untouched
      await ops.append(ck, 'a', 'x', log, 0); // an append after a delete starts from ""
      await expectValue(ops, ck, log, 'a', 'x');
      await ops.delete(ck, 'a', log, 0);
      await ops.delete(ck, 'a', log, 0);
      await expectValue(ops, ck, log, 'a', '');
      // Another clerk sees the delete at once: reads are linearizable.
      const ck2 = cfg.makeClient(cfg.all);
      await ops.put(ck, 'c', 'C', log, 0);
      await ops.delete(ck, 'c', log, 0);
      await expectValue(ops, ck2, log, 'c', '');
      await mixedClients(cfg, ops, log, 5, 3, 'kv/delete-basic', () => cfg.sleep(3000));
      checkLinearizable(t, log);
      cfg.end();
    } finally {
      cfg.cleanup();
    }
  },
};

function generic(name: string, o: GenericOptions): Scenario {
  return { name, part: o.part, description: genericTitle(o), run: (t) => genericTest(t, o) };
}

const MAXRAFTSTATE_SMALL = 100;

const deleteSnapshotRestart: Scenario = {
  name: 'TestDeleteSnapshotRestart3B',
  part: '3B',
  description: 'Test: deletes across snapshots and restarts (3B)',
  async run(t: TestContext) {
    // Small, so that snapshots follow every few entries and cover most writes in flight at a crash.
    const maxraftstate = MAXRAFTSTATE_SMALL;
    const cfg = new KVCluster(t, 5, false, maxraftstate);
    try {
      const ops = new KVOps(cfg);
      const log = ops.history;
      const ck = cfg.makeClient(cfg.all);
      cfg.begin('Test: deletes across snapshots and restarts (3B)');
      const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
      for (const k of keys) await ops.put(ck, k, `v${k}`, log, 0);
      for (const k of keys.filter((_, i) => i % 2 === 0)) await ops.delete(ck, k, log, 0);
      // Enough traffic that every server snapshots well past the deletes.
      for (let i = 0; i < 60; i++) await ops.append(ck, 'pad', `${i},`, log, 0);
      if (cfg.snapshotSize() === 0)
        fail(
          'log-trimmed',
          `no server took a snapshot after 100 operations with maxraftstate = ${maxraftstate}`,
        );
      checkSizes(cfg, maxraftstate);

      await restartAll(cfg);
      for (const [i, k] of keys.entries())
        await expectValue(ops, ck, log, k, i % 2 === 0 ? '' : `v${k}`);
      await ops.delete(ck, 'k1', log, 0);
      await ops.put(ck, 'k0', 'again', log, 0);

      // Clerks that live through restarts, on an unreliable network: a write whose reply was lost
      // is retried after the restart, when the only record that it was applied is in a snapshot.
      cfg.net.setReliable(false);
      const rng = t.sim.rng('kv/delete-snapshot/restarts');
      await mixedClients(cfg, ops, log, 8, 4, 'kv/delete-snapshot', async () => {
        for (let r = 0; r < 10; r++) {
          await cfg.sleep(200 + rng.int(600));
          await restartAll(cfg, 100 + rng.int(300));
        }
        await cfg.sleep(1000);
      });
      cfg.net.setReliable(true);
      await expectValue(ops, ck, log, 'k1', '');
      await expectValue(ops, ck, log, 'k0', 'again');
      await expectValue(ops, ck, log, 'k3', 'vk3');
      checkSizes(cfg, maxraftstate);
      checkLinearizable(t, log);
      cfg.end();
    } finally {
      cfg.cleanup();
    }
  },
};

export const deleteScenarios3A: Scenario[] = [
  deleteBasic,
  generic('TestDeleteConcurrentPartition3A', {
    part: '3A',
    nclients: 5,
    nservers: 5,
    unreliable: true,
    crash: false,
    partitions: true,
    maxraftstate: -1,
    randomkeys: true,
    deletes: true,
  }),
];

export const deleteScenarios3B: Scenario[] = [
  deleteSnapshotRestart,
  generic('TestDeleteSnapshotUnreliableRecover3B', {
    part: '3B',
    nclients: 5,
    nservers: 5,
    unreliable: true,
    crash: true,
    partitions: true,
    maxraftstate: 1000,
    randomkeys: true,
    deletes: true,
  }),
];

// The course's GenericTest and GenericTestSpeed for the key/value service, in virtual time, plus
// the helpers they share with the other key/value tests (client tasks, the partitioner).
export { spawnClientsAndWait } from '../lab4/service-cluster';
import type { Clerk } from '../../harness/contracts/kvraft';
import { fail, type TestContext } from '../../harness/scenario';
import type { Rng } from '../../engine/sim/rng';
import { ELECTION_TIMEOUT_MS, KVCluster } from './kv';
import { spawnClientsAndWait } from '../lab4/service-cluster';
import { background } from '../lab2/raft-scenario';
import { checkLinearizable } from './kv-check';
import {
  appendElement,
  checkClntAppends,
  checkGetResult,
  KVOps,
  OwnValue,
  type History,
} from './kv-history';

export interface GenericOptions {
  part: '3A' | '3B';
  nclients: number;
  nservers: number;
  unreliable: boolean;
  /** Shut down and restart every server after each iteration. */
  crash: boolean;
  /** Random server-to-server partitions while the clients run. */
  partitions: boolean;
  /** -1: never snapshot. */
  maxraftstate: number;
  /** Clients pick keys at random (and put sometimes); otherwise each appends to its own key. */
  randomkeys: boolean;
  /** Ours: random-key clients also delete (needs randomkeys). */
  deletes?: boolean;
}

/** The original's title for a GenericTest run. */
export function genericTitle(o: GenericOptions): string {
  let title = 'Test: ';
  if (o.unreliable) title += 'unreliable net, ';
  if (o.crash) title += 'restarts, ';
  if (o.partitions) title += 'partitions, ';
  if (o.maxraftstate !== -1) title += 'snapshots, ';
  if (o.randomkeys) title += 'random keys, ';
  if (o.deletes) title += 'deletes, ';
  title += o.nclients > 1 ? 'many clients' : 'one client';
  return `${title} (${o.part})`;
}

/**
 * Every ELECTION_TIMEOUT + U[0..199] ms, splits the servers at random into two sides (either may
 * be empty). Clerks' ends are never touched. Checks `done` only at the top of each round.
 */
export async function partitioner(cfg: KVCluster, done: () => boolean, rng: Rng): Promise<void> {
  while (!done()) {
    const side = cfg.all.map(() => rng.int(2));
    const p0 = cfg.all.filter((i) => side[i] === 0);
    const p1 = cfg.all.filter((i) => side[i] === 1);
    cfg.partition(p0, p1);
    await cfg.sleep(ELECTION_TIMEOUT_MS + rng.int(200));
  }
}

/** One client's loop of a GenericTest iteration; resolves to the number of writes it completed. */
async function clientBody(
  cfg: KVCluster,
  ops: KVOps,
  o: GenericOptions,
  log: History,
  cli: number,
  ck: Clerk,
  done: () => boolean,
  rng: Rng,
): Promise<number> {
  let j = 0;
  const expected = new OwnValue(); // without random keys: what the client's own key must read
  const ownKey = String(cli);
  if (!o.randomkeys) await ops.put(ck, ownKey, '', log, cli);
  while (!done()) {
    const key = o.randomkeys ? String(rng.int(o.nclients)) : ownKey;
    const nv = appendElement(cli, j);
    if (o.deletes) {
      // Ours: 45 % append, 5 % put, 10 % delete, 40 % get.
      const r = rng.int(1000);
      if (r < 450) {
        await ops.append(ck, key, nv, log, cli);
        j++;
      } else if (r < 500) {
        await ops.put(ck, key, nv, log, cli);
        j++;
      } else if (r < 600) {
        await ops.delete(ck, key, log, cli);
        j++;
      } else {
        await ops.get(ck, key, log, cli);
      }
    } else if (rng.int(1000) < 500) {
      await ops.append(ck, key, nv, log, cli);
      if (!o.randomkeys) expected.append(nv);
      j++;
    } else if (o.randomkeys && rng.int(1000) < 100) {
      await ops.put(ck, key, nv, log, cli);
      j++;
    } else {
      const v = await ops.get(ck, key, log, cli);
      if (!o.randomkeys) expected.check(key, v);
    }
  }
  return j;
}

export async function genericTest(t: TestContext, o: GenericOptions): Promise<void> {
  if (o.deletes && !o.randomkeys)
    throw new Error('genericTest: deletes need random keys (the append checks assume no deletes)');
  const cfg = new KVCluster(t, o.nservers, o.unreliable, o.maxraftstate);
  try {
    const ops = new KVOps(cfg);
    cfg.begin(genericTitle(o));
    const log = ops.history;
    const ck = cfg.makeClient(cfg.all);
    for (let iter = 0; iter < 3; iter++) {
      let clientsDone = false;
      let partitionerDone = false;
      const counts = spawnClientsAndWait(cfg, o.nclients, (cli, myck) =>
        clientBody(
          cfg,
          ops,
          o,
          log,
          cli,
          myck,
          () => clientsDone,
          t.sim.rng(`kv/client${cli}/iter${iter}`),
        ),
      );
      let parts: Promise<void | undefined> | undefined;
      if (o.partitions) {
        // Let the clients make some progress before the faults begin.
        await cfg.sleep(1000);
        parts = background(t, 'partitioner', () =>
          partitioner(cfg, () => partitionerDone, t.sim.rng(`kv/partitioner/iter${iter}`)),
        );
      }
      await cfg.sleep(5000);
      clientsDone = true;
      partitionerDone = true;
      if (parts) {
        await parts;
        cfg.connectAll();
        // Wait for a new leader: a client stuck in a minority finishes once a new term begins.
        await cfg.sleep(ELECTION_TIMEOUT_MS);
      }
      if (o.crash) {
        for (const i of cfg.all) cfg.shutdownServer(i);
        await cfg.sleep(ELECTION_TIMEOUT_MS);
        for (const i of cfg.all) cfg.startServer(i);
        cfg.connectAll();
      }
      const js = await counts;
      for (let i = 0; i < o.nclients; i++) {
        const v = await ops.get(ck, String(i), log, 0);
        if (!o.randomkeys) checkClntAppends(i, v, js[i]);
      }
      checkSizes(cfg, o.maxraftstate);
    }
    checkLinearizable(t, log);
    cfg.end();
  } finally {
    cfg.cleanup();
  }
}

/** After each iteration: the log is trimmed with snapshots on, and no snapshot exists with them off. */
export function checkSizes(cfg: KVCluster, maxraftstate: number): void {
  if (maxraftstate > 0) {
    const sz = cfg.logSize();
    if (sz > 8 * maxraftstate)
      fail('log-trimmed', `logs were not trimmed (${sz} > 8*${maxraftstate})`);
  }
  if (maxraftstate < 0) {
    const ssz = cfg.snapshotSize();
    if (ssz > 0)
      fail(
        'snapshot-size',
        `snapshot too large (${ssz}), should not be used when maxraftstate = ${maxraftstate}`,
      );
  }
}

/** The heartbeat is taken to be 100 ms and at least 3 operations per heartbeat are required. */
export const SPEED_MS_PER_OP = 100 / 3;
export const SPEED_OPS = 1000;

/** GenericTestSpeed: 1000 appends from one clerk, each within 100/3 ms on average (virtual time). */
export async function genericTestSpeed(
  t: TestContext,
  part: '3A' | '3B',
  maxraftstate: number,
): Promise<void> {
  const cfg = new KVCluster(t, 3, false, maxraftstate);
  try {
    const ck = cfg.makeClient(cfg.all);
    cfg.begin(`Test: ops complete fast enough (${part})`);
    // Wait until a leader exists and the service is ready (not counted).
    await ck.get('x');
    const start = t.sim.now();
    for (let i = 0; i < SPEED_OPS; i++) await ck.append('x', appendElement(0, i));
    const dur = t.sim.now() - start;
    const v = await ck.get('x');
    checkGetResult('x', v);
    checkClntAppends(0, v, SPEED_OPS);
    const perOp = dur / SPEED_OPS;
    if (dur > SPEED_OPS * SPEED_MS_PER_OP) {
      fail(
        'speed',
        `Operations completed too slowly ${perOp.toFixed(3)} ms/op > ${SPEED_MS_PER_OP.toFixed(3)} ms/op`,
      );
    }
    const rate =
      dur > 0
        ? `${((SPEED_OPS * 1000) / dur).toFixed(0)} ops per virtual second`
        : 'in zero virtual time';
    t.log(
      `  info: ${SPEED_OPS} appends in ${(dur / 1000).toFixed(3)} virtual s, ${perOp.toFixed(3)} ms/op (${rate})`,
    );
    cfg.end();
  } finally {
    cfg.cleanup();
  }
}

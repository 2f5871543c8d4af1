// The course's GenericTest and GenericTestSpeed of kvraft1 (2025-2026), with the kvtest1 helpers
// they use (OnePut, OneClientPut, CheckPutConcurrent, the Partitioner), in virtual time: clients
// put JSON entries { Id, V } to "k" (or to 100 keys at random) for NSEC, three times, while the
// servers are partitioned, or crashed and restarted between iterations; every iteration ends with
// the linearizability check of the whole history so far.
import type { Clerk, Version } from '../../../harness/contracts/kvraft1';
import { fail, type TestContext } from '../../../harness/scenario';
import type { Rng } from '../../../engine/sim/rng';
import { background } from '../../lab2/raft-scenario';
import { spawnClientsAndWait } from '../../lab4/service-cluster';
import { onePut, type EntryV } from '../lab2/history';
import { ELECTION_TIMEOUT_MS, kvTitle, KvRaftCluster, type KvOptions } from './kv-cluster';

/** A client's count of puts that surely (nok) and maybe (nmaybe) took effect. */
interface ClntRes {
  nok: number;
  nmaybe: number;
}

/** The course's MakeKeys. */
function makeKeys(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `k${i}`);
}

/** The course's OneClientPut: OnePuts on the keys (one at random each time) until told to stop. */
async function oneClientPut(
  ts: KvRaftCluster,
  cli: number,
  ck: Clerk,
  keys: readonly string[],
  done: () => boolean,
  rng: Rng,
): Promise<ClntRes> {
  const res: ClntRes = { nok: 0, nmaybe: 0 };
  const verm = new Map<string, Version>(keys.map((k) => [k, 0]));
  while (!done()) {
    const k = ts.options.randomkeys ? keys[rng.int(keys.length)] : keys[0];
    const r = await onePut(ts.calls, cli, ck, k, verm.get(k) ?? 0);
    verm.set(k, r.ver);
    if (r.ok) res.nok++;
    else res.nmaybe++;
  }
  return res;
}

/** The course's CheckPutConcurrent: the key's version counts the puts that took effect so far. */
async function checkPutConcurrent(
  ts: KvRaftCluster,
  ck: Clerk,
  key: string,
  rs: readonly ClntRes[],
  res: ClntRes,
  reliable: boolean,
) {
  const { version } = await ts.calls.getJson<EntryV>(ck, key, -1);
  for (const r of rs) {
    res.nok += r.nok;
    res.nmaybe += r.nmaybe;
  }
  const counts = `server ${version} clnts {${res.nok} ${res.nmaybe}}`;
  if (reliable && version !== res.nok)
    fail('put-maybe', `Reliable: Wrong number of puts: ${counts}`);
  if (!reliable && version > res.nok + res.nmaybe)
    fail('put-maybe', `Unreliable: Wrong number of puts: ${counts}`);
}

/**
 * The course's Partitioner: every ElectionTimeout + U[0..199] ms, splits the servers at random in
 * two sides (either may be empty); clerks' ends are never touched. Looks at `done` between rounds.
 */
async function partitioner(ts: KvRaftCluster, done: () => boolean, rng: Rng): Promise<void> {
  while (!done()) {
    const side = ts.all.map(() => rng.int(2));
    ts.partition(
      ts.all.filter((i) => side[i] === 0),
      ts.all.filter((i) => side[i] === 1),
    );
    await ts.sleep(ELECTION_TIMEOUT_MS + rng.int(200), 'partitioner');
  }
}

/** Runs `body` on a fresh cluster begun with the course's title, then end() and cleanup(). */
export async function withKvTest(
  t: TestContext,
  o: KvOptions,
  label: string,
  body: (ts: KvRaftCluster) => Promise<void>,
): Promise<void> {
  const ts = new KvRaftCluster(t, o);
  try {
    ts.begin(kvTitle(o, label));
    await body(ts);
    ts.end();
  } finally {
    ts.cleanup();
  }
}

/** The course's GenericTest: NITER rounds of clients for NSEC each, with the test's faults. */
export async function genericTest(ts: KvRaftCluster): Promise<void> {
  const NITER = 3;
  const NSEC = 1000;
  const NKEYS = 100;
  const o = ts.options;
  const rng = ts.t.rng;
  const ck = ts.makeClient();
  const res: ClntRes = { nok: 0, nmaybe: 0 };
  const keys = o.randomkeys ? makeKeys(NKEYS) : ['k'];
  for (let i = 0; i < NITER; i++) {
    const spawned = background(ts.t, 'clients', async () => {
      let stop = false;
      const clients = spawnClientsAndWait(ts, o.nclients, (cli, cck) =>
        oneClientPut(ts, cli, cck, keys, () => stop, rng),
      );
      await ts.sleep(NSEC, 'clients run');
      stop = true;
      const rs = await clients;
      if (!o.randomkeys) {
        const reliable = o.reliable && !o.crash && !o.partitions;
        await checkPutConcurrent(ts, ck, keys[0], rs, res, reliable);
      }
    });
    let stopPartitioner = false;
    let partitioned: Promise<unknown> | undefined;
    if (o.partitions) {
      // Let the clients run for a while without interruption.
      await ts.sleep(1000, 'clients run before the partitions');
      partitioned = background(ts.t, 'partitioner', () =>
        partitioner(ts, () => stopPartitioner, rng),
      );
    }
    await spawned;
    ts.checkPorcupine();
    if (partitioned) {
      stopPartitioner = true;
      await partitioned;
      // A client may have submitted in a minority: that request returns once the server there
      // learns of a new term. Heal, and wait for one.
      ts.connectAll();
      await ts.sleep(ELECTION_TIMEOUT_MS, 'a new term after healing');
    }
    if (o.crash) {
      ts.killAll();
      await ts.sleep(ELECTION_TIMEOUT_MS, 'servers down');
      ts.restartAll();
    }
    if (o.maxraftstate > 0) ts.checkLogTrimmed();
    if (o.maxraftstate < 0) {
      const ssz = ts.snapshotSize();
      if (ssz > 0)
        fail(
          'snapshot-size',
          `snapshot too large (${ssz}), should not be used when maxraftstate = ${o.maxraftstate}`,
        );
    }
  }
}

/** The course's GenericTestSpeed: 1000 puts one after another, at least 3 per 100 ms heartbeat. */
export async function genericTestSpeed(ts: KvRaftCluster): Promise<void> {
  const numOps = 1000;
  const ck = ts.makeClient();
  // Wait until a first operation completes: a leader is elected and the servers are ready.
  await ts.calls.get(ck, 'x', 0);
  const start = ts.t.sim.now();
  for (let i = 0; i < numOps; i++) {
    const err = await ts.calls.put(ck, 'k', String(i), i, 0);
    if (err !== 'OK') fail('put-version', `Put err ${err}`);
  }
  const dur = ts.t.sim.now() - start;
  const r = await ts.calls.get(ck, 'k', 0);
  if (r.err !== 'OK') fail('wrong-value', `Get err ${r.err}`);
  if (r.version !== numOps) fail('wrong-value', `Get too few ops ${r.version}`);
  const HEARTBEAT_MS = 100;
  const OPS_PER_INTERVAL = 3;
  const timePerOp = HEARTBEAT_MS / OPS_PER_INTERVAL;
  if (dur > numOps * timePerOp)
    fail(
      'speed',
      `Operations completed too slowly ${(dur / numOps).toFixed(3)} ms/op > ${timePerOp.toFixed(3)} ms/op`,
    );
}

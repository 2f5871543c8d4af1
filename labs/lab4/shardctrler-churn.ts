// Our churn workload for the controller: clerks issue join/leave/move/query concurrently while a
// fault task partitions the servers at random and crashes and restarts them; afterwards every
// configuration is read back. Each clerk joins and leaves only gids of its own and names every
// group's servers after the call that joined it, and every move sends its shard to a gid used by
// no other call, so each write's effect is recognisable in the configurations it leaves behind.
import { NShards, type Clerk, type Config, type Groups } from '../../harness/contracts/shardctrler';
import { fail } from '../../harness/scenario';
import type { Rng } from '../../engine/sim/rng';
import { background } from '../lab2/raft-scenario';
import { spawnClientsAndWait } from './service-cluster';
import type { CtrlerCluster } from './shardctrler';

export interface ChurnOptions {
  nclerks: number;
  /** Virtual seconds the clerks run. */
  seconds: number;
  partitions: boolean;
  crashes: boolean;
}

/** Gids clerk c joins and leaves (10 each, never another clerk's). */
function ownGids(c: number): number[] {
  return Array.from({ length: 10 }, (_, k) => 1 + 10 * c + k);
}

/** `n` distinct members of `from`, drawn at random. */
function pick(rng: Rng, from: readonly number[], n: number): number[] {
  const order = rng.perm(from.length);
  return order.slice(0, Math.min(n, from.length)).map((i) => from[i]);
}

async function clerkBody(c: number, ck: Clerk, done: () => boolean, rng: Rng): Promise<void> {
  const joined: number[] = [];
  let latest = 0;
  for (let j = 0; !done(); j++) {
    const r = rng.int(100);
    const free = ownGids(c).filter((g) => !joined.includes(g));
    if (r < 30 && free.length > 0) {
      const servers: Groups = {};
      for (const g of pick(rng, free, 1 + rng.int(2))) servers[g] = [`c${c}.${j}a`, `c${c}.${j}b`];
      await ck.join(servers);
      joined.push(...Object.keys(servers).map(Number));
    } else if (r < 50 && joined.length > 0) {
      const gids = pick(rng, joined, 1 + rng.int(2));
      await ck.leave(gids);
      for (const g of gids) joined.splice(joined.indexOf(g), 1);
    } else if (r < 60) {
      await ck.move(rng.int(NShards), 100_000 + 10_000 * c + j);
    } else {
      const num = rng.int(5) === 0 ? rng.int(latest + 3) : -1;
      latest = Math.max(latest, (await ck.query(num)).num);
    }
  }
}

/** Until `done`: every ~1 s a new random partition, and now and then one server down until the next round. Heals all at the end. */
async function injectFaults(
  cfg: CtrlerCluster,
  o: ChurnOptions,
  done: () => boolean,
  rng: Rng,
): Promise<void> {
  let down: number | undefined;
  while (!done()) {
    if (down !== undefined) {
      cfg.startServer(down);
      down = undefined;
    } else if (o.crashes && rng.int(3) === 0) {
      down = rng.int(cfg.n);
      cfg.shutdownServer(down);
    }
    if (o.partitions) {
      const side = cfg.all.map(() => rng.int(2));
      cfg.partition(
        cfg.all.filter((i) => side[i] === 0),
        cfg.all.filter((i) => side[i] === 1),
      );
    } else {
      cfg.connectAll();
    }
    await cfg.sleep(800 + rng.int(400));
  }
  if (down !== undefined) cfg.startServer(down);
  cfg.connectAll();
}

/**
 * Runs the churn, heals, waits for every clerk's last call, and returns every configuration
 * 0..latest as one more clerk reads them back.
 */
export async function churn(cfg: CtrlerCluster, o: ChurnOptions): Promise<Config[]> {
  const t = cfg.t;
  let done = false;
  const clerks = spawnClientsAndWait(cfg, o.nclerks, (c, ck) =>
    clerkBody(c, ck, () => done, t.sim.rng(`shardctrler/churn/clerk${c}`)),
  );
  const faults = background(t, 'fault injector', () =>
    injectFaults(cfg, o, () => done, t.sim.rng('shardctrler/churn/faults')),
  );
  await cfg.sleep(o.seconds * 1000);
  done = true;
  await faults;
  await clerks;
  return readAll(cfg.makeClient());
}

/** Configurations 0..latest, as `ck` reads them. */
export async function readAll(ck: Clerk): Promise<Config[]> {
  const latest = await ck.query(-1);
  const configs: Config[] = [];
  for (let i = 0; i < latest.num; i++) configs.push(await ck.query(i));
  configs.push(latest);
  return configs;
}

/** Waits until some server leads; fails after `limitMs`. */
export async function awaitLeader(cfg: CtrlerCluster, limitMs = 5000): Promise<number> {
  for (let waited = 0; ; waited += 100) {
    const l = cfg.leader();
    if (l !== undefined) return l;
    if (waited >= limitMs) fail('one-leader', `no leader within ${limitMs / 1000} s`);
    await cfg.sleep(100);
  }
}

/**
 * Makes server `i` the leader by shutting down (and restarting) whichever other server leads,
 * until an election picks `i`. Each election picks `i` with probability about 1/n, so 60 tries
 * fail with probability below 1e-7 for 5 servers.
 */
export async function makeLeader(cfg: CtrlerCluster, i: number, tries = 60): Promise<void> {
  for (let k = 0; k < tries; k++) {
    const l = await awaitLeader(cfg);
    if (l === i) return;
    cfg.shutdownServer(l);
    await awaitLeader(cfg);
    cfg.startServer(l);
    cfg.connectAll();
    // Let the restarted server hear the new leader before looking again.
    await cfg.sleep(500);
  }
  fail('one-leader', `server ${i} did not win any of ${tries} elections`);
}

// Swarm test for the key/value service (ours, not in the course score): every seed draws its own
// world — cluster size, unreliability, long reordering, snapshots (maxraftstate off or small), the
// Raft swarm's partition patterns and crashes (swarm-faults.ts; crash points after a save, after a
// Raft reply, or right after a reply to a clerk), how many clerks, how many shared keys and how
// much of their load is appends — and a fault schedule in it. The run is a chaos phase (the
// schedule, with clerks working on the shared keys), then a liveness phase: heal the network,
// restart every server, and require that every clerk finishes its operation in flight and then a
// fresh one within LIVENESS_MS. Then the whole history must be linearizable (HTML report on
// failure, as the course's tests write) and every append must have taken effect exactly once
// (kv-swarm-checks.ts); the Raft oracles watch throughout. The knobs are the run's first output
// line and are in its trace. The run's level (RunOptions.params.level, a part; levels.ts): at 3A
// the service never snapshots (maxraftstate -1), at 3B (the default) it may; a seed's 3A plan is
// its 3B plan without snapshots. A plan can be given instead of drawn (RunOptions.params.plan, as
// `grade shrink` finds it).
import { fail, type Scenario, type TestContext } from '../../harness/scenario';
import { Rng } from '../../engine/sim/rng';
import type { Clerk } from '../../harness/contracts/kvraft';
import type { CrashPoint } from '../lab2/crash-points';
import { KVCluster } from '../lab3/kv';
import { checkSizes } from '../lab3/kv-generic';
import { appendElement, KVOps, type History } from '../lab3/kv-history';
import { checkLinearizable } from '../lab3/kv-check';
import { background } from '../lab2/raft-scenario';
import * as faults from './swarm-faults';
import type { FaultKnobs, NetworkKnobs, SwarmFault, SwarmWorld } from './swarm-faults';
import { checkExactlyOnce, keyName } from './kv-swarm-checks';
import { atLeast, KV_SWARM_LEVELS, runLevel, type KvSwarmLevel } from './levels';

/** After the heal and restart, every clerk must finish a fresh operation within this (virtual ms; one()'s bound). */
export const LIVENESS_MS = 10_000;

export interface KvSwarmKnobs extends NetworkKnobs, FaultKnobs {
  /** -1: the service never snapshots; else it snapshots past this many bytes of Raft state. */
  maxraftstate: number;
  clients: number;
  /** Shared keys the clerks work on. */
  keys: number;
  /** Share of operations that are appends (each a unique element), then puts, the rest gets. */
  appendShare: number;
  putShare: number;
  clientPauseMs: number;
  chaosMs: number;
  stepMs: number;
  /** Per chaos step: probability that every server crashes at once (restarts from snapshots lose what a snapshot lacks). */
  outageRate: number;
}

type KvPoint = Exclude<CrashPoint, { before: 'apply' }>;
export type KvSwarmFault = SwarmFault<KvPoint>;

export interface KvSwarmPlan {
  knobs: KvSwarmKnobs;
  faults: KvSwarmFault[];
}

export function drawKvKnobs(rng: Rng): KvSwarmKnobs {
  const pick = faults.pickFrom(rng);
  return {
    ...faults.drawNetworkKnobs(rng),
    maxraftstate: pick([-1, 50, 400, 1000]),
    ...faults.drawFaultKnobs(rng),
    clients: pick([1, 2, 3, 5, 7]),
    keys: pick([1, 2, 5]),
    appendShare: pick([0.2, 0.5, 0.8]),
    putShare: pick([0, 0.1, 0.3]),
    clientPauseMs: pick([0, 10, 50]),
    chaosMs: pick([2000, 5000, 10_000, 20_000]),
    stepMs: pick([200, 500, 1000]),
    outageRate: pick([0, 0.02, 0.05, 0.1]),
  };
}

function drawPoint(rng: Rng): KvPoint {
  // Kind 3: right after a reply to a clerk (the clerk has its answer, the server's state dies with it).
  return (
    faults.drawCommonPoint(rng, rng.int(4)) ?? {
      after: 'reply',
      method: 'KVServer.*',
      count: 1 + rng.int(3),
    }
  );
}

/** The seed's plan at a level (default 3B, the whole swarm): its knobs and its fault schedule. */
export function drawKvPlan(seed: number, level: KvSwarmLevel = '3B'): KvSwarmPlan {
  return kvAtLevel(drawKvPlan3B(seed), level);
}

/** A plan without what a level lacks: before 3B no snapshots. */
export function kvAtLevel(plan: KvSwarmPlan, level: KvSwarmLevel): KvSwarmPlan {
  if (atLeast(level, '3B')) return plan;
  return { knobs: { ...plan.knobs, maxraftstate: -1 }, faults: plan.faults };
}

/** Throws if a given plan has what its level lacks (snapshots before 3B). */
export function checkKvLevel(plan: KvSwarmPlan, level: KvSwarmLevel): void {
  if (plan.knobs.maxraftstate >= 0 && !atLeast(level, '3B'))
    throw new Error(
      `the plan given snapshots (maxraftstate ${plan.knobs.maxraftstate}), which level ${level} does not (3B does)`,
    );
}

function drawKvPlan3B(seed: number): KvSwarmPlan {
  const knobs = drawKvKnobs(new Rng(seed, 'kv-swarm/knobs'));
  const drawn = faults.drawFaults(new Rng(seed, 'kv-swarm/faults'), knobs, drawPoint, {
    after: 'reply',
    method: 'Raft.RequestVote',
  });
  const rng = new Rng(seed, 'kv-swarm/outages');
  for (let atMs = 0; atMs < knobs.chaosMs; atMs += knobs.stepMs) {
    if (rng.chance(knobs.outageRate)) drawn.push({ atMs, outage: true, downMs: rng.int(1001) });
  }
  return { knobs, faults: drawn.sort((a, b) => a.atMs - b.atMs) };
}

export function describeKvKnobs(k: KvSwarmKnobs): string {
  const load = `${Math.round(k.appendShare * 100)}% appends, ${Math.round((1 - k.appendShare) * k.putShare * 100)}% puts`;
  return (
    `${faults.describeNetwork(k)}, ${k.maxraftstate < 0 ? 'no snapshots' : `maxraftstate ${k.maxraftstate}`}; ${faults.describeFaultKnobs(k)}; outages ${k.outageRate}/step; ` +
    `${k.clients} clerks on ${k.keys} key${k.keys === 1 ? '' : 's'} (${load}) pausing ${k.clientPauseMs} ms; chaos ${k.chaosMs / 1000} s in ${k.stepMs} ms steps`
  );
}

export function describeKvFault(f: KvSwarmFault): string {
  return faults.describeFault(f, (p) =>
    p.after === 'reply' && p.method === 'KVServer.*'
      ? `right after reply #${p.count ?? 1} to a clerk`
      : faults.describeFixturePoint(p),
  );
}

/**
 * The key/value cluster as the schedule sees it. Connectivity is kept as a set of isolated servers
 * and cut directions, applied to every link between live servers after each partition fault and
 * each restart. Clerks' ends are never cut (as in the course's partition tests).
 */
class KvWorld implements SwarmWorld<KvPoint> {
  readonly n: number;
  isFinished = false;
  private readonly isolated = new Set<number>();
  private readonly cuts = new Set<string>();

  constructor(
    readonly t: TestContext,
    private readonly cfg: KVCluster,
  ) {
    this.n = cfg.n;
  }

  isUp = (i: number) => this.cfg.isUp(i);
  crash = (i: number) => this.cfg.shutdownServer(i);
  crashAt = (i: number, p: KvPoint) => this.cfg.crashAt(i, p);
  leader = () => this.cfg.leader();
  sleep = (ms: number) => this.cfg.sleep(ms, 'swarm chaos');
  now = () => this.t.sim.now();

  restart(i: number): void {
    this.cfg.startServer(i);
    this.applyLinks();
  }

  healAll(): void {
    this.isolated.clear();
    this.cuts.clear();
    this.cfg.faults.heal();
    this.applyLinks();
  }

  isolate(i: number): void {
    this.isolated.add(i);
  }

  cut(a: number, b: number): void {
    this.cuts.add(`${a}>${b}`).add(`${b}>${a}`);
  }

  cutOneWay(from: number, to: number): void {
    this.cuts.add(`${from}>${to}`);
  }

  /** After a partition fault: the links as the sets now say, and a line on the report's timeline. */
  settle(): void {
    this.applyLinks();
    if (this.isolated.size === 0 && this.cuts.size === 0) return;
    const isolated = [...this.isolated].map((i) => `S${i} cut off`);
    const cuts = [...this.cuts].map((c) => c.replace(/(\d+)>(\d+)/, 'S$1 cannot call S$2'));
    this.cfg.faults.cut(`partition: ${[...isolated, ...cuts].join(', ')}`);
  }

  private applyLinks(): void {
    for (let i = 0; i < this.n; i++) {
      for (let j = 0; j < this.n; j++) {
        if (i === j || !this.cfg.isUp(i) || !this.cfg.isUp(j)) continue;
        this.cfg.setLink(
          i,
          j,
          !this.isolated.has(i) && !this.isolated.has(j) && !this.cuts.has(`${i}>${j}`),
        );
      }
    }
  }
}

/** One clerk's chaos-phase loop over the shared keys. */
async function clerkLoop(
  cfg: KVCluster,
  ops: KVOps,
  log: History,
  k: KvSwarmKnobs,
  c: number,
  ck: Clerk,
  chaos: () => boolean,
): Promise<void> {
  const rng = cfg.t.sim.rng(`kv-swarm/clerk${c}`);
  for (let j = 0; chaos();) {
    const key = keyName(rng.int(k.keys));
    if (rng.chance(k.appendShare)) await ops.append(ck, key, appendElement(c, j++), log, c);
    else if (rng.chance(k.putShare)) await ops.put(ck, key, appendElement(c, j++), log, c);
    else await ops.get(ck, key, log, c);
    if (k.clientPauseMs > 0) await cfg.sleep(rng.int(k.clientPauseMs + 1), `clerk ${c} pause`);
  }
}

/** Heal, restart every server, and give every clerk LIVENESS_MS to finish its operation and a fresh one. */
async function liveness(
  cfg: KVCluster,
  world: KvWorld,
  ops: KVOps,
  log: History,
  clerks: Clerk[],
  inFlight: Promise<unknown>[],
): Promise<void> {
  cfg.t.sim.record('test', 'tester', 'swarm: liveness phase');
  world.isFinished = true;
  cfg.net.setReliable(true);
  if (cfg.unreliable) cfg.faults.reliable(true);
  cfg.net.setLongReordering(false);
  for (const i of cfg.all) cfg.disarm(i);
  for (const i of cfg.all) if (cfg.isUp(i)) cfg.shutdownServer(i);
  for (const i of cfg.all) cfg.startServer(i);
  world.healAll();
  const done = clerks.map(() => false);
  const fresh = clerks.map((ck, c) =>
    background(cfg.t, `clerk ${c}`, async () => {
      await inFlight[c];
      await ops.get(ck, keyName(c), log, c);
      done[c] = true;
    }),
  );
  const inTime = await Promise.race([
    Promise.all(fresh).then(() => true),
    cfg.sleep(LIVENESS_MS, 'liveness bound').then(() => false),
  ]);
  if (!inTime) {
    const late = done.flatMap((d, c) => (d ? [] : [c]));
    fail(
      'liveness',
      `liveness: ${LIVENESS_MS / 1000} s after the heal and the restart of every server, clerk${late.length > 1 ? 's' : ''} ${late.join(', ')} had not finished a fresh operation`,
    );
  }
}

/** Runs one plan at a level: chaos (the faults, with clerks), liveness, then the checks of the whole history. */
export async function runKvPlan(
  t: TestContext,
  plan: KvSwarmPlan,
  level: KvSwarmLevel = '3B',
): Promise<void> {
  checkKvLevel(plan, level);
  const k = plan.knobs;
  const description = describeKvKnobs(k);
  t.log(`swarm knobs: ${description}`);
  t.log(
    `swarm faults (${plan.faults.length}): ${plan.faults.map(describeKvFault).join('; ') || 'none'}`,
  );
  t.sim.record('test', 'tester', `swarm knobs: ${description}`);
  if (level === '3A') {
    t.log('swarm level 3A: no snapshots');
    t.sim.record('test', 'tester', 'swarm level 3A: no snapshots');
  }
  const cfg = new KVCluster(t, k.servers, k.unreliable, k.maxraftstate);
  try {
    const ops = new KVOps(cfg);
    const log = ops.history;
    cfg.begin('Test (ours): key/value swarm');
    cfg.net.setLongReordering(k.longReordering);
    const world = new KvWorld(t, cfg);
    const clerks = Array.from({ length: k.clients }, () => cfg.makeClient(cfg.all));
    let chaos = true;
    const inFlight = clerks.map((ck, c) =>
      background(t, `clerk ${c}`, () => clerkLoop(cfg, ops, log, k, c, ck, () => chaos)),
    );
    await faults.playSchedule(world, plan.faults, k.chaosMs, describeKvFault);
    chaos = false;
    await liveness(cfg, world, ops, log, clerks, inFlight);
    // The final value of every key, read by one clerk (recorded: the checker sees these reads too).
    const finals = new Map<string, string>();
    for (let key = 0; key < k.keys; key++)
      finals.set(keyName(key), await ops.get(clerks[0], keyName(key), log, 0));
    checkExactlyOnce(log.operations(), finals);
    checkSizes(cfg, k.maxraftstate);
    checkLinearizable(t, log);
    cfg.end();
  } finally {
    cfg.cleanup();
  }
}

/** The run's level: params.level (a part; 3B and later parts: 3B), else 3B. */
export function kvSwarmLevel(t: TestContext): KvSwarmLevel {
  return runLevel(KV_SWARM_LEVELS, t.params?.level, 'key/value swarm');
}

export const TestSwarmKV: Scenario = {
  name: 'TestSwarmKV',
  part: 'SWARM',
  description: 'Test (ours): key/value swarm',
  // params.plan (from `grade shrink`) if given, else the seed's own plan at the run's level.
  run: (t) => {
    const level = kvSwarmLevel(t);
    const given = faults.planFromParams<KvSwarmPlan>(t, 'key/value', (k) => 'maxraftstate' in k);
    return runKvPlan(t, given ?? drawKvPlan(t.seed, level), level);
  },
};

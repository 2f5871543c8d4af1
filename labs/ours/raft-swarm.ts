// Swarm test for Raft (ours, not in the course score): every seed draws its own world — cluster
// size, unreliability, long reordering, which partition patterns occur (clique splits, a bridge
// server that hears both halves and may crash right after it votes, an isolated leader, partial and
// one-way cuts), how often servers crash and whether at crash points, how many clients and whether
// they come in bursts — and a fault schedule in it. The run is a
// chaos phase (the schedule, with client commands), then a liveness phase: heal everything,
// restart every server, and require an agreement of all servers within one()'s bound. Safety is the
// oracles' and appliers' job throughout. The knobs are the run's first output line and are in its
// trace, so a failing seed says what kind of world broke it. Graded with the key/value swarm as
// the part of its own `swarm` (labs/swarm.ts): npm run grade -- swarm --run Raft -n 200
// The run's level (RunOptions.params.level, a part; levels.ts) says what the code under test can
// meet: at 2B no crashes and no snapshots (partitions, unreliability, reordering only), at 2C
// crashes and crash points too, at 2D (the default) snapshots too. A seed's plan at a lower level
// is its 2D plan without what the level lacks. A plan can be given instead of drawn
// (RunOptions.params.plan): that is how `grade shrink` replays the smaller schedules it finds.
import type { Scenario, TestContext } from '../../harness/scenario';
import { Rng } from '../../engine/sim/rng';
import { makeRaftCluster, type RaftCluster } from '../lab2/raft';
import type { CrashPoint } from '../lab2/crash-points';
import { background } from '../lab2/raft-scenario';
import * as faults from './swarm-faults';
import { atLeast, RAFT_SWARM_LEVELS, runLevel, type RaftSwarmLevel } from './levels';
import type { FaultKnobs, NetworkKnobs, SwarmFault as Fault, SwarmWorld } from './swarm-faults';

export interface RaftSwarmKnobs extends NetworkKnobs, FaultKnobs {
  /** The 2D applier (snapshot every 10 entries) instead of the plain one. */
  snapshot: boolean;
  clients: number;
  clientPauseMs: number;
  /** Clients send in 2 s bursts with 2 s of quiet between (logs converge in the quiet). */
  bursty: boolean;
  chaosMs: number;
  stepMs: number;
  /** The network's adversary holds back Raft messages and delivers them late (absent: off). */
  past?: true;
}

/** The share of worlds with messages from the past (drawn from a stream of its own). */
export const PAST_WORLDS = 0.3;

/** A crash point whose apply index is relative: "the entry `ahead` past the highest applied". */
type PlannedPoint = Exclude<CrashPoint, { before: 'apply' }> | { before: 'apply'; ahead: number };

/** One fault of the chaos phase, with every random choice already made. */
export type SwarmFault = Fault<PlannedPoint>;

export interface SwarmPlan {
  knobs: RaftSwarmKnobs;
  faults: SwarmFault[];
}

export function drawKnobs(rng: Rng): RaftSwarmKnobs {
  const pick = faults.pickFrom(rng);
  return {
    ...faults.drawNetworkKnobs(rng),
    snapshot: rng.chance(0.5),
    ...faults.drawFaultKnobs(rng),
    clients: 1 + rng.int(4),
    clientPauseMs: pick([5, 30, 100]),
    bursty: rng.chance(0.5),
    chaosMs: pick([5000, 10_000, 20_000]),
    stepMs: pick([200, 500, 1000]),
  };
}

function drawPoint(rng: Rng): PlannedPoint {
  return faults.drawCommonPoint(rng, rng.int(4)) ?? { before: 'apply', ahead: 1 + rng.int(5) };
}

/** The seed's plan at a level (default 2D, the whole swarm): its knobs and its fault schedule. */
export function drawPlan(seed: number, level: RaftSwarmLevel = '2D'): SwarmPlan {
  // Drawn apart from the other knobs, which stay what they were before this one existed.
  const past = new Rng(seed, 'swarm/past-knob').chance(PAST_WORLDS);
  const knobs: RaftSwarmKnobs = {
    ...drawKnobs(new Rng(seed, 'swarm/knobs')),
    ...(past ? { past: true as const } : {}),
  };
  return atLevel(
    {
      knobs,
      faults: faults.drawFaults(new Rng(seed, 'swarm/faults'), knobs, drawPoint, {
        after: 'reply',
        method: 'Raft.RequestVote',
      }),
    },
    level,
  );
}

/** A plan without what a level lacks: before 2D no snapshots, before 2C no crashes. */
export function atLevel(plan: SwarmPlan, level: RaftSwarmLevel): SwarmPlan {
  if (atLeast(level, '2D')) return plan;
  const knobs = { ...plan.knobs, snapshot: false };
  if (atLeast(level, '2C')) return { knobs, faults: plan.faults };
  return {
    knobs: { ...knobs, crashRate: 0, crashPointShare: 0 },
    faults: plan.faults.filter((f) => !faults.isCrash(f)),
  };
}

/** Throws if a given plan has what its level lacks (snapshots before 2D, crashes before 2C). */
export function checkLevel(plan: SwarmPlan, level: RaftSwarmLevel): void {
  if (plan.knobs.snapshot && !atLeast(level, '2D'))
    throw new Error(`the plan given takes snapshots, which level ${level} has not (2D has)`);
  if (plan.faults.some(faults.isCrash) && !atLeast(level, '2C'))
    throw new Error(`the plan given crashes servers, which level ${level} does not (2C does)`);
}

/** What a level below 2D leaves out, as the run's output says it. */
function describeLevel(level: RaftSwarmLevel): string | undefined {
  if (level === '2B') return 'swarm level 2B: no crashes, no snapshots';
  if (level === '2C') return 'swarm level 2C: crashes, no snapshots';
  return undefined;
}

export function describeKnobs(k: RaftSwarmKnobs): string {
  return (
    `${faults.describeNetwork(k)}, ${k.snapshot ? 'snapshots' : 'no snapshots'}; ${faults.describeFaultKnobs(k)}; ` +
    `${k.clients} clients pausing ${k.clientPauseMs} ms${k.bursty ? ' in 2 s bursts' : ''}; chaos ${k.chaosMs / 1000} s in ${k.stepMs} ms steps` +
    (k.past ? '; messages from the past' : '')
  );
}

export function describeFault(f: SwarmFault): string {
  return faults.describeFault(f, (p) =>
    'ahead' in p
      ? `right before applying the entry ${p.ahead} past the highest applied`
      : faults.describeFixturePoint(p),
  );
}

/** The Raft cluster as the schedule sees it. */
function raftWorld(cfg: RaftCluster, t: TestContext): SwarmWorld<PlannedPoint> {
  return {
    t,
    n: cfg.n,
    isUp: (i) => cfg.raft(i) !== undefined,
    get isFinished() {
      return cfg.isFinished;
    },
    crash: (i) => cfg.crash1(i),
    restart: (i) => {
      cfg.start1(i);
      cfg.connect(i);
    },
    crashAt: (i, p) =>
      cfg.crashAt(i, 'ahead' in p ? { before: 'apply', index: cfg.record.maxIndex + p.ahead } : p),
    healAll: () => healAll(cfg),
    isolate: (i) => cfg.disconnect(i),
    leader: () =>
      Array.from({ length: cfg.n }, (_, i) => i).find(
        (i) => cfg.raft(i) && cfg.getState(i).isLeader,
      ),
    cut: (a, b) => cfg.cut(a, b),
    cutOneWay: (a, b) => cfg.cutOneWay(a, b),
    sleep: (ms) => cfg.sleep(ms),
    now: () => cfg.now(),
  };
}

/** Reconnects every live server and heals every cut. */
function healAll(cfg: RaftCluster): void {
  for (let i = 0; i < cfg.n; i++) if (cfg.raft(i)) cfg.connect(i);
  cfg.heal();
}

async function client(
  cfg: RaftCluster,
  t: TestContext,
  k: RaftSwarmKnobs,
  c: number,
  chaos: () => boolean,
): Promise<void> {
  const rng = t.sim.rng(`swarm/client${c}`);
  for (let seq = 1; chaos(); seq++) {
    const i = rng.int(cfg.n);
    const quiet = k.bursty && Math.floor(cfg.now() / 2000) % 2 === 1;
    if (!quiet && cfg.raft(i)) cfg.start(i, c * 1_000_000 + seq);
    await cfg.sleep(1 + rng.int(k.clientPauseMs));
  }
}

/** The adversary of a world with messages from the past (swarm-faults.ts), on this cluster. */
function past(cfg: RaftCluster, t: TestContext, chaos: () => boolean): Promise<void> {
  const view = {
    term: (i: number) => (cfg.raft(i) ? cfg.getState(i).term : undefined),
    applied: (i: number) => cfg.record.lastApplied[i],
  };
  const rng = t.sim.rng('swarm/past');
  return faults.pastAdversary(
    cfg.net,
    rng,
    view,
    (ms) => cfg.sleep(ms),
    () => cfg.now(),
    chaos,
  );
}

/** Runs one plan at a level: chaos (the faults, with clients), then the liveness phase. */
export async function runPlan(
  t: TestContext,
  plan: SwarmPlan,
  level: RaftSwarmLevel = '2D',
): Promise<void> {
  checkLevel(plan, level);
  const k = plan.knobs;
  const description = describeKnobs(k);
  t.log(`swarm knobs: ${description}`);
  t.log(
    `swarm faults (${plan.faults.length}): ${plan.faults.map(describeFault).join('; ') || 'none'}`,
  );
  t.sim.record('test', 'tester', `swarm knobs: ${description}`);
  const leaves = describeLevel(level);
  if (leaves) {
    t.log(leaves);
    t.sim.record('test', 'tester', leaves);
  }
  const cfg = makeRaftCluster(t, k.servers, k.unreliable, k.snapshot, { part: level });
  let failed = true;
  try {
    cfg.begin('Test (ours): Raft swarm');
    cfg.setLongReordering(k.longReordering);
    let chaos = true;
    const clients = Array.from({ length: k.clients }, (_, c) =>
      background(t, `client ${c}`, () => client(cfg, t, k, c, () => chaos)),
    );
    if (k.past)
      clients.push(background(t, 'messages from the past', () => past(cfg, t, () => chaos)));
    await faults.playSchedule(raftWorld(cfg, t), plan.faults, k.chaosMs, describeFault);
    chaos = false;
    await Promise.all(clients);
    // Liveness: a whole, reliable network with every server up must agree within one()'s bound.
    t.sim.record('test', 'tester', 'swarm: liveness phase');
    cfg.setUnreliable(false);
    cfg.setLongReordering(false);
    for (let i = 0; i < cfg.n; i++) {
      cfg.disarm(i);
      if (!cfg.raft(i)) cfg.start1(i);
    }
    healAll(cfg);
    await cfg.one(t.sim.rng('swarm/liveness').int(1_000_000), cfg.n, true);
    cfg.end();
    failed = false;
  } finally {
    cfg.cleanup(failed);
  }
}

/** The run's level: params.level (a part; 2D and later parts: 2D), else 2D. */
export function raftSwarmLevel(t: TestContext): RaftSwarmLevel {
  return runLevel(RAFT_SWARM_LEVELS, t.params?.level, 'Raft swarm');
}

export const TestSwarmRaft: Scenario = {
  name: 'TestSwarmRaft',
  part: 'SWARM',
  description: 'Test (ours): Raft swarm',
  // params.plan (from `grade shrink`) if given, else the seed's own plan at the run's level.
  run: (t) => {
    const level = raftSwarmLevel(t);
    const given = faults.planFromParams<SwarmPlan>(t, 'Raft', (k) => 'snapshot' in k);
    return runPlan(t, given ?? drawPlan(t.seed, level), level);
  },
};

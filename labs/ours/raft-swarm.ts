// Swarm test for Raft (ours, not in the course score): every seed draws its own world — cluster
// size, unreliability, long reordering, which partition patterns occur (clique splits, a bridge
// server that hears both halves and may crash right after it votes, an isolated leader, partial and
// one-way cuts), how often servers crash and whether at crash points, how many clients and whether
// they come in bursts — and a fault schedule in it. The run is a
// chaos phase (the schedule, with client commands), then a liveness phase: heal everything,
// restart every server, and require an agreement of all servers within one()'s bound. Safety is the
// oracles' and appliers' job throughout. The knobs are the run's first output line and are in its
// trace, so a failing seed says what kind of world broke it. Graded with
//   GRADE_EXTRA_SCENARIOS=dist/labs/ours/raft-swarm.js npm run grade -- 2c --run Swarm -n 200
// A schedule can be given instead of drawn (SWARM_PLAN, JSON): that is how `grade shrink` replays
// the smaller schedules it finds.
import type { Scenario, TestContext } from '../../harness/scenario';
import { Rng } from '../../harness/sim/rng';
import { makeRaftCluster, type RaftCluster } from '../../harness/fixtures/raft';
import type { CrashPoint } from '../../harness/fixtures/crash-points';
import { background } from '../../harness/fixtures/raft-scenario';

const PATTERNS = ['split', 'bridge', 'isolate-leader', 'partial', 'one-way'] as const;
type Pattern = (typeof PATTERNS)[number];

export interface RaftSwarmKnobs {
  servers: number;
  unreliable: boolean;
  longReordering: boolean;
  /** The 2D applier (snapshot every 10 entries) instead of the plain one. */
  snapshot: boolean;
  /** Partition patterns this world uses (none: the network stays whole). */
  patterns: Pattern[];
  /** Per chaos step: probability that the partition changes. */
  partitionRate: number;
  /** Per chaos step: probability that a server crashes. */
  crashRate: number;
  /** Of those crashes, the share armed as a crash point rather than done at once. */
  crashPointShare: number;
  /** A crashed server comes back after U[0, maxDownMs] ms. */
  maxDownMs: number;
  clients: number;
  clientPauseMs: number;
  /** Clients send in 2 s bursts with 2 s of quiet between (logs converge in the quiet). */
  bursty: boolean;
  chaosMs: number;
  stepMs: number;
}

/** A crash point whose apply index is relative: "the entry `ahead` past the highest applied". */
type PlannedPoint = Exclude<CrashPoint, { before: 'apply' }> | { before: 'apply'; ahead: number };

/** One fault of the chaos phase, with every random choice already made. */
export type SwarmFault =
  | { atMs: number; partition: 'heal' | 'isolate-leader' }
  | { atMs: number; partition: 'cut' | 'one-way'; links: [number, number][] }
  | { atMs: number; crash: number; point?: PlannedPoint; downMs: number };

export interface SwarmPlan {
  knobs: RaftSwarmKnobs;
  faults: SwarmFault[];
}

export function drawKnobs(rng: Rng): RaftSwarmKnobs {
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
  return {
    servers: pick([3, 5, 7]),
    unreliable: rng.chance(0.5),
    longReordering: rng.chance(0.2),
    snapshot: rng.chance(0.5),
    patterns: PATTERNS.filter(() => rng.chance(0.5)),
    partitionRate: pick([0.1, 0.3, 0.6]),
    crashRate: pick([0, 0.05, 0.15, 0.3]),
    crashPointShare: pick([0, 0.5, 1]),
    maxDownMs: pick([10, 500, 3000]),
    clients: 1 + rng.int(4),
    clientPauseMs: pick([5, 30, 100]),
    bursty: rng.chance(0.5),
    chaosMs: pick([5000, 10_000, 20_000]),
    stepMs: pick([200, 500, 1000]),
  };
}

/** The links a partition pattern cuts (every server's own choices drawn now). */
function drawPartition(rng: Rng, n: number, pattern: Pattern, atMs: number): SwarmFault {
  const order = rng.perm(n);
  const across = (a: number[], b: number[]) => a.flatMap((x) => b.map((y) => [x, y] as [number, number]));
  if (pattern === 'isolate-leader') return { atMs, partition: 'isolate-leader' };
  if (pattern === 'split') {
    const k = 1 + rng.int(n - 1);
    return { atMs, partition: 'cut', links: across(order.slice(0, k), order.slice(k)) };
  }
  if (pattern === 'bridge') {
    // order[0] hears both halves; the halves do not hear each other (each half with the bridge is a majority).
    const rest = order.slice(1);
    const k = rest.length / 2;
    return { atMs, partition: 'cut', links: across(rest.slice(0, k), rest.slice(k)) };
  }
  const links: [number, number][] = [];
  for (let count = 1 + rng.int(n); count > 0; count--) {
    const a = rng.int(n);
    links.push([a, (a + 1 + rng.int(n - 1)) % n]);
  }
  return { atMs, partition: pattern === 'partial' ? 'cut' : 'one-way', links };
}

function drawPoint(rng: Rng): PlannedPoint {
  const kind = rng.int(4);
  if (kind === 0) return { after: 'save', count: 1 + rng.int(5) };
  if (kind === 1) return { after: 'reply', method: 'Raft.RequestVote' };
  if (kind === 2) return { after: 'reply', method: 'Raft.AppendEntries', count: 1 + rng.int(10) };
  return { before: 'apply', ahead: 1 + rng.int(5) };
}

/** The seed's plan: its knobs and its fault schedule. */
export function drawPlan(seed: number): SwarmPlan {
  const knobs = drawKnobs(new Rng(seed, 'swarm/knobs'));
  const rng = new Rng(seed, 'swarm/faults');
  const faults: SwarmFault[] = [];
  for (let atMs = 0; atMs < knobs.chaosMs; atMs += knobs.stepMs) {
    if (knobs.patterns.length > 0 && rng.chance(knobs.partitionRate)) {
      const pattern = knobs.patterns[rng.int(knobs.patterns.length)];
      const fault = drawPartition(rng, knobs.servers, pattern, atMs);
      faults.push(fault);
      // The bridge (the one server no cut touches) may crash right after its next vote.
      if (pattern === 'bridge' && 'links' in fault && rng.chance(knobs.crashPointShare)) {
        const cut = new Set(fault.links.flat());
        const bridge = Array.from({ length: knobs.servers }, (_, i) => i).find((i) => !cut.has(i));
        if (bridge !== undefined) faults.push({ atMs, crash: bridge, point: { after: 'reply', method: 'Raft.RequestVote' }, downMs: 1 + rng.int(20) });
      }
    }
    if (rng.chance(knobs.crashRate)) {
      const crash = rng.int(knobs.servers);
      const downMs = rng.int(knobs.maxDownMs + 1);
      faults.push(rng.chance(knobs.crashPointShare) ? { atMs, crash, point: drawPoint(rng), downMs } : { atMs, crash, downMs });
    }
  }
  return { knobs, faults };
}

export function describeKnobs(k: RaftSwarmKnobs): string {
  const net = [k.unreliable ? 'unreliable' : 'reliable', ...(k.longReordering ? ['long reordering'] : [])].join(', ');
  return (
    `${k.servers} servers, ${net}, ${k.snapshot ? 'snapshots' : 'no snapshots'}; ` +
    `partitions ${k.patterns.length ? `${k.patterns.join('/')} at ${k.partitionRate}/step` : 'none'}; ` +
    `crashes ${k.crashRate}/step (${k.crashPointShare * 100}% at crash points), down up to ${k.maxDownMs} ms; ` +
    `${k.clients} clients pausing ${k.clientPauseMs} ms${k.bursty ? ' in 2 s bursts' : ''}; chaos ${k.chaosMs / 1000} s in ${k.stepMs} ms steps`
  );
}

export function describeFault(f: SwarmFault): string {
  const at = `${(f.atMs / 1000).toFixed(1)}s`;
  if ('crash' in f) {
    const point = !f.point ? 'now' : 'ahead' in f.point ? `right before applying the entry ${f.point.ahead} past the highest applied` : describePoint(f.point);
    return `${at} crash server ${f.crash} ${point}, down ${f.downMs} ms`;
  }
  if (!('links' in f)) return `${at} ${f.partition}`;
  const sep = f.partition === 'cut' ? '-' : '>';
  return `${at} ${f.partition === 'cut' ? 'cut' : 'cut one way'} ${f.links.map(([a, b]) => `${a}${sep}${b}`).join(' ')}`;
}

function describePoint(p: Exclude<CrashPoint, { before: 'apply' }>): string {
  return p.after === 'save' ? `right after save #${p.count}` : `right after reply #${p.count ?? 1} to ${p.method}`;
}

/** Reconnects every live server and heals every cut. */
function healAll(cfg: RaftCluster): void {
  for (let i = 0; i < cfg.n; i++) if (cfg.raft(i)) cfg.connect(i);
  cfg.heal();
}

function applyFault(cfg: RaftCluster, t: TestContext, f: SwarmFault): void {
  t.sim.record('test', 'tester', `swarm fault: ${describeFault(f)}`);
  if ('crash' in f) {
    const i = f.crash;
    if (!cfg.raft(i)) return; // already down
    const restart = async () => {
      await cfg.sleep(f.downMs);
      if (cfg.isFinished || cfg.raft(i)) return;
      cfg.start1(i);
      cfg.connect(i);
    };
    if (!f.point) {
      cfg.crash1(i);
      void background(t, `restart of server ${i}`, restart);
      return;
    }
    const p = f.point;
    const point: CrashPoint = 'ahead' in p ? { before: 'apply', index: cfg.record.maxIndex + p.ahead } : p;
    void background(t, `restart of server ${i}`, async () => {
      await cfg.crashAt(i, point);
      await restart();
    });
    return;
  }
  healAll(cfg);
  if (f.partition === 'isolate-leader') {
    const leader = Array.from({ length: cfg.n }, (_, i) => i).find((i) => cfg.raft(i) && cfg.getState(i).isLeader);
    if (leader !== undefined) cfg.disconnect(leader);
  } else if (f.partition === 'cut') {
    for (const [a, b] of f.links) cfg.cut(a, b);
  } else if (f.partition === 'one-way') {
    for (const [a, b] of f.links) cfg.cutOneWay(a, b);
  }
}

async function client(cfg: RaftCluster, t: TestContext, k: RaftSwarmKnobs, c: number, chaos: () => boolean): Promise<void> {
  const rng = t.sim.rng(`swarm/client${c}`);
  for (let seq = 1; chaos(); seq++) {
    const i = rng.int(cfg.n);
    const quiet = k.bursty && Math.floor(cfg.now() / 2000) % 2 === 1;
    if (!quiet && cfg.raft(i)) cfg.start(i, c * 1_000_000 + seq);
    await cfg.sleep(1 + rng.int(k.clientPauseMs));
  }
}

/** Runs one plan: chaos (the faults, with clients), then the liveness phase. */
export async function runPlan(t: TestContext, plan: SwarmPlan): Promise<void> {
  const k = plan.knobs;
  const description = describeKnobs(k);
  t.log(`swarm knobs: ${description}`);
  t.log(`swarm faults (${plan.faults.length}): ${plan.faults.map(describeFault).join('; ') || 'none'}`);
  t.sim.record('test', 'tester', `swarm knobs: ${description}`);
  const cfg = makeRaftCluster(t, k.servers, k.unreliable, k.snapshot);
  let failed = true;
  try {
    cfg.begin('Test (ours): Raft swarm');
    cfg.setLongReordering(k.longReordering);
    let chaos = true;
    const clients = Array.from({ length: k.clients }, (_, c) => background(t, `client ${c}`, () => client(cfg, t, k, c, () => chaos)));
    const start = cfg.now();
    for (const f of [...plan.faults].sort((a, b) => a.atMs - b.atMs)) {
      const wait = start + f.atMs - cfg.now();
      if (wait > 0) await cfg.sleep(wait);
      applyFault(cfg, t, f);
    }
    const rest = start + k.chaosMs - cfg.now();
    if (rest > 0) await cfg.sleep(rest);
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

/** The plan of a run: SWARM_PLAN (JSON, from `grade shrink`) if set, else the seed's own. */
function planFor(seed: number): SwarmPlan {
  const given = process.env.SWARM_PLAN;
  if (!given) return drawPlan(seed);
  try {
    return JSON.parse(given) as SwarmPlan;
  } catch (error) {
    throw new Error(`SWARM_PLAN is not a swarm plan in JSON (${(error as Error).message}); unset it to draw the seed's own plan`);
  }
}

export const TestSwarmRaft2C: Scenario = {
  name: 'TestSwarmRaft2C',
  part: '2C',
  description: 'Test (ours): Raft swarm',
  run: (t) => runPlan(t, planFor(t.seed)),
};

/** The swarm test running a given plan instead of its seed's own (for shrinking). */
export function swarmWithPlan(plan: SwarmPlan): Scenario {
  return { ...TestSwarmRaft2C, run: (t) => runPlan(t, plan) };
}

export const scenarios: Scenario[] = [TestSwarmRaft2C];

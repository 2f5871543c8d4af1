// The fault side of the swarm tests (ours), shared by the Raft and the key/value family: the knobs
// of a world's network and faults drawn from a seed, a fault schedule drawn in that world (clique
// splits, a bridge server that hears both halves and may crash right after it votes, an isolated
// leader, partial and one-way cuts, crashes now or at crash points), how each fault reads in the
// output, and how a schedule is played against a cluster (SwarmWorld: what a fixture must offer).
import type { TestContext } from '../../harness/scenario';
import type { Rng } from '../../engine/sim/rng';
import type { HeldMessage, Network } from '../../engine/rpc';
import type { CrashPoint } from '../lab2/crash-points';
import { background } from '../lab2/raft-scenario';

export const PATTERNS = ['split', 'bridge', 'isolate-leader', 'partial', 'one-way'] as const;
export type Pattern = (typeof PATTERNS)[number];

/** The network a world starts with (drawn first, in this order). */
export interface NetworkKnobs {
  servers: number;
  unreliable: boolean;
  longReordering: boolean;
}

/** How often and how the world breaks. */
export interface FaultKnobs {
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
}

/** What drawing a schedule needs to know of a world. */
export type ScheduleKnobs = FaultKnobs & { servers: number; chaosMs: number; stepMs: number };

export const pickFrom =
  (rng: Rng) =>
  <T>(xs: readonly T[]): T =>
    xs[rng.int(xs.length)];

export function drawNetworkKnobs(rng: Rng): NetworkKnobs {
  return {
    servers: pickFrom(rng)([3, 5, 7]),
    unreliable: rng.chance(0.5),
    longReordering: rng.chance(0.2),
  };
}

export function drawFaultKnobs(rng: Rng): FaultKnobs {
  const pick = pickFrom(rng);
  return {
    patterns: PATTERNS.filter(() => rng.chance(0.5)),
    partitionRate: pick([0.1, 0.3, 0.6]),
    crashRate: pick([0, 0.05, 0.15, 0.3]),
    crashPointShare: pick([0, 0.5, 1]),
    maxDownMs: pick([10, 500, 3000]),
  };
}

/** One fault of the chaos phase, with every random choice already made; P: the family's crash points. */
export type SwarmFault<P> =
  | { atMs: number; partition: 'heal' | 'isolate-leader' }
  | { atMs: number; partition: 'cut' | 'one-way'; links: [number, number][] }
  | { atMs: number; crash: number; point?: P; downMs: number }
  /** Every server crashes at once (a power failure); all come back after downMs. */
  | { atMs: number; outage: true; downMs: number };

/** The links a partition pattern cuts (every server's own choices drawn now). */
function drawPartition<P>(rng: Rng, n: number, pattern: Pattern, atMs: number): SwarmFault<P> {
  const order = rng.perm(n);
  const across = (a: number[], b: number[]) =>
    a.flatMap((x) => b.map((y) => [x, y] as [number, number]));
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

/**
 * A world's fault schedule: per chaos step, maybe a new partition, maybe a crash (now, or at a
 * point `drawPoint` draws). `afterVote` is the family's point "right after it replies to a vote".
 */
export function drawFaults<P>(
  rng: Rng,
  k: ScheduleKnobs,
  drawPoint: (rng: Rng) => P,
  afterVote: P,
): SwarmFault<P>[] {
  const faults: SwarmFault<P>[] = [];
  for (let atMs = 0; atMs < k.chaosMs; atMs += k.stepMs) {
    if (k.patterns.length > 0 && rng.chance(k.partitionRate)) {
      const pattern = k.patterns[rng.int(k.patterns.length)];
      const fault = drawPartition<P>(rng, k.servers, pattern, atMs);
      faults.push(fault);
      // The bridge (the one server no cut touches) may crash right after its next vote.
      if (pattern === 'bridge' && 'links' in fault && rng.chance(k.crashPointShare)) {
        const cut = new Set(fault.links.flat());
        const bridge = Array.from({ length: k.servers }, (_, i) => i).find((i) => !cut.has(i));
        if (bridge !== undefined)
          faults.push({ atMs, crash: bridge, point: afterVote, downMs: 1 + rng.int(20) });
      }
    }
    if (rng.chance(k.crashRate)) {
      const crash = rng.int(k.servers);
      const downMs = rng.int(k.maxDownMs + 1);
      faults.push(
        rng.chance(k.crashPointShare)
          ? { atMs, crash, point: drawPoint(rng), downMs }
          : { atMs, crash, downMs },
      );
    }
  }
  return faults;
}

export function describeNetwork(k: NetworkKnobs): string {
  return `${k.servers} servers, ${[k.unreliable ? 'unreliable' : 'reliable', ...(k.longReordering ? ['long reordering'] : [])].join(', ')}`;
}

export function describeFaultKnobs(k: FaultKnobs): string {
  return (
    `partitions ${k.patterns.length ? `${k.patterns.join('/')} at ${k.partitionRate}/step` : 'none'}; ` +
    `crashes ${k.crashRate}/step (${k.crashPointShare * 100}% at crash points), down up to ${k.maxDownMs} ms`
  );
}

export function describeFault<P>(f: SwarmFault<P>, describePoint: (p: P) => string): string {
  const at = `${(f.atMs / 1000).toFixed(1)}s`;
  if ('outage' in f) return `${at} crash every server, down ${f.downMs} ms`;
  if ('crash' in f)
    return `${at} crash server ${f.crash} ${f.point === undefined ? 'now' : describePoint(f.point)}, down ${f.downMs} ms`;
  if (!('links' in f)) return `${at} ${f.partition}`;
  const sep = f.partition === 'cut' ? '-' : '>';
  return `${at} ${f.partition === 'cut' ? 'cut' : 'cut one way'} ${f.links.map(([a, b]) => `${a}${sep}${b}`).join(' ')}`;
}

/**
 * A crash point drawn for one of four kinds (rng.int(4), drawn by the caller): 0 right after a save,
 * 1 right after a RequestVote reply, 2 right after an AppendEntries reply; 3 is the family's own
 * (undefined here).
 */
export function drawCommonPoint(
  rng: Rng,
  kind: number,
): Exclude<CrashPoint, { before: 'apply' }> | undefined {
  if (kind === 0) return { after: 'save', count: 1 + rng.int(5) };
  if (kind === 1) return { after: 'reply', method: 'Raft.RequestVote' };
  if (kind === 2) return { after: 'reply', method: 'Raft.AppendEntries', count: 1 + rng.int(10) };
  return undefined;
}

/** A crash point of the fixture's own (crash-points.ts), as the output shows it. */
export function describeFixturePoint(p: Exclude<CrashPoint, { before: 'apply' }>): string {
  return p.after === 'save'
    ? `right after save #${p.count}`
    : `right after reply #${p.count ?? 1} to ${p.method}`;
}

/** What a cluster fixture offers the schedule. Servers are 0..n-1. */
export interface SwarmWorld<P> {
  readonly t: TestContext;
  readonly n: number;
  isUp(i: number): boolean;
  /** Whether the run is over (restarts due later are dropped). */
  readonly isFinished: boolean;
  crash(i: number): void;
  /** Starts a crashed server and joins it to the network as it now is. */
  restart(i: number): void;
  /** Crashes server i at the planned point; resolves once it has. */
  crashAt(i: number, point: P): Promise<unknown>;
  /** Reconnects every live server and heals every cut. */
  healAll(): void;
  /** Cuts server i off from every other server. */
  isolate(i: number): void;
  leader(): number | undefined;
  cut(a: number, b: number): void;
  cutOneWay(from: number, to: number): void;
  /** After a partition fault's cuts, if the world applies them together. */
  settle?(): void;
  sleep(ms: number): Promise<void>;
  now(): number;
}

/** Plays one fault now. */
export function applyFault<P>(
  w: SwarmWorld<P>,
  f: SwarmFault<P>,
  describe: (f: SwarmFault<P>) => string,
): void {
  w.t.sim.record('test', 'tester', `swarm fault: ${describe(f)}`);
  if ('outage' in f) {
    for (let i = 0; i < w.n; i++) if (w.isUp(i)) w.crash(i);
    void background(w.t, 'restart after the outage', async () => {
      await w.sleep(f.downMs);
      for (let i = 0; i < w.n; i++) if (!w.isFinished && !w.isUp(i)) w.restart(i);
    });
    return;
  }
  if ('crash' in f) {
    const i = f.crash;
    if (!w.isUp(i)) return; // already down
    const restart = async () => {
      await w.sleep(f.downMs);
      if (w.isFinished || w.isUp(i)) return;
      w.restart(i);
    };
    if (f.point === undefined) {
      w.crash(i);
      void background(w.t, `restart of server ${i}`, restart);
      return;
    }
    const point = f.point;
    void background(w.t, `restart of server ${i}`, async () => {
      await w.crashAt(i, point);
      await restart();
    });
    return;
  }
  w.healAll();
  if (f.partition === 'isolate-leader') {
    const leader = w.leader();
    if (leader !== undefined) w.isolate(leader);
  } else if (f.partition === 'cut') {
    for (const [a, b] of f.links) w.cut(a, b);
  } else if (f.partition === 'one-way') {
    for (const [a, b] of f.links) w.cutOneWay(a, b);
  }
  w.settle?.();
}

/** The chaos phase's faults, each at its time from now, then the rest of the phase. */
export async function playSchedule<P>(
  w: SwarmWorld<P>,
  faults: readonly SwarmFault<P>[],
  chaosMs: number,
  describe: (f: SwarmFault<P>) => string,
): Promise<void> {
  const start = w.now();
  for (const f of [...faults].sort((a, b) => a.atMs - b.atMs)) {
    const wait = start + f.atMs - w.now();
    if (wait > 0) await w.sleep(wait);
    applyFault(w, f, describe);
  }
  const rest = start + chaosMs - w.now();
  if (rest > 0) await w.sleep(rest);
}

/** Whether a fault crashes servers (a crash, now or at a point, or an outage of every server). */
export function isCrash<P>(f: SwarmFault<P>): boolean {
  return 'crash' in f || 'outage' in f;
}

/**
 * The plan given to the run (RunOptions.params.plan, e.g. by `grade shrink`), checked to be this
 * family's; undefined when none is given (the seed's own plan is drawn).
 */
export function planFromParams<T extends { knobs: object; faults: unknown[] }>(
  t: TestContext,
  family: string,
  isMine: (knobs: object) => boolean,
): T | undefined {
  const given = t.params?.plan;
  if (given === undefined) return undefined;
  const plan = given as T | null;
  if (
    !plan ||
    typeof plan !== 'object' ||
    !plan.knobs ||
    typeof plan.knobs !== 'object' ||
    !Array.isArray(plan.faults) ||
    !isMine(plan.knobs)
  ) {
    throw new Error(
      `the plan given (params.plan) is not a plan of the ${family} swarm (as grade shrink prints for it); give none to draw the seed's own plan`,
    );
  }
  return plan;
}

// ---- messages from the past (engine/rpc/hold.ts) ----

const RAFT_MESSAGES = new Set(['Raft.RequestVote', 'Raft.AppendEntries', 'Raft.InstallSnapshot']);
/** Of the Raft messages of a world with messages from the past, the share held back. */
export const PAST_HOLD_SHARE = 0.03;
/** A held message goes at the latest after this long, moment or not. */
export const PAST_MAX_HOLD_MS = 3000;
const PAST_POLL_MS = 20;

/** What the adversary reads of a Raft group: a server's term and applied index (undefined while down). */
export interface PastView {
  term(i: number): number | undefined;
  applied(i: number): number;
}

function numberField(message: unknown, field: string): number | undefined {
  const v = (message as Record<string, unknown> | undefined)?.[field];
  return typeof v === 'number' ? v : undefined;
}

/**
 * Whether a held message's moment has come: its receiver (the server of a request, the caller of a
 * reply) has moved past the term it carries (a later election has started there, or a later
 * leader was heard), or, for an InstallSnapshot, the follower has applied past what it covers.
 */
export function pastMomentCame(m: HeldMessage, view: PastView, nowMs: number): boolean {
  const receiver = Number(m.kind === 'reply' ? m.from : m.to);
  const term = view.term(receiver);
  const sent = numberField(m.args, 'term');
  if (term === undefined || sent === undefined || nowMs - m.heldAtMs >= PAST_MAX_HOLD_MS)
    return true;
  if (term > sent) return true;
  const covers = numberField(m.args, 'lastIncludedIndex');
  return (
    m.kind === 'request' &&
    m.method === 'Raft.InstallSnapshot' &&
    covers !== undefined &&
    view.applied(receiver) > covers
  );
}

/**
 * The adversary of a world with messages from the past, while `chaos()` holds: it holds back a
 * share of the Raft requests and replies (drawn from its own stream, so the rest of the world's
 * draws are unchanged) and delivers each at its moment (pastMomentCame); then it lets go of all.
 */
export async function pastAdversary(
  net: Network,
  rng: Rng,
  view: PastView,
  sleep: (ms: number) => Promise<void>,
  now: () => number,
  chaos: () => boolean,
): Promise<void> {
  const hold = net.holdBack((m) => RAFT_MESSAGES.has(m.method) && rng.chance(PAST_HOLD_SHARE));
  while (chaos()) {
    await sleep(PAST_POLL_MS);
    hold.release((m) => pastMomentCame(m, view, now()));
  }
  hold.stop();
  hold.release();
}

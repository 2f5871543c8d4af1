// The plan of the lock swarm (ours, lab 2 of the 2026 edition; lock-swarm.ts runs it): what a
// seed draws. A world: how many lock clerks and locks, an unreliable network or not, long
// reordering, how long a holder keeps a lock and how long a clerk pauses between rounds, how long
// the chaos lasts; and a schedule of timed faults on the clerks (the server never fails in lab 2):
// a clerk cut off from the server for a while, and a clerk crashed for good, now or at its next
// acquire, hold or release (a crash point with a delay, so that some crashes land while a put of
// the clerk is on its way: it may still arrive).
import { Rng } from '../../../engine/sim/rng';

export interface LockSwarmKnobs {
  clients: number;
  /** Locks the clerks share (each with its own key, and a guard key its holder writes). */
  locks: number;
  unreliable: boolean;
  longReordering: boolean;
  /** A holder keeps its lock U[0, holdMs] ms (writing its guard key around the wait). */
  holdMs: number;
  /** A clerk pauses U[0, pauseMs] ms between rounds. */
  pauseMs: number;
  chaosMs: number;
  stepMs: number;
  /** Per chaos step: probability that a clerk is cut off from the server. */
  cutRate: number;
  /** A cut lasts U[1, maxCutMs] ms. */
  maxCutMs: number;
  /** Per chaos step: probability that a clerk crashes for good (at most clients - 1 crash). */
  crashRate: number;
}

/** When a crash fault strikes: at once, or afterMs into the clerk's next acquire, hold or release. */
export const CRASH_MOMENTS = ['now', 'acquire', 'hold', 'release'] as const;
export type CrashMoment = (typeof CRASH_MOMENTS)[number];

export type LockSwarmFault =
  | { atMs: number; cut: number; forMs: number }
  | { atMs: number; crash: number; during: CrashMoment; afterMs: number };

export interface LockSwarmPlan {
  knobs: LockSwarmKnobs;
  faults: LockSwarmFault[];
}

/** A crash point's delay is drawn below this (an RPC takes up to 26 ms on the unreliable network). */
const MAX_CRASH_DELAY_MS = 60;

export function drawLockKnobs(rng: Rng): LockSwarmKnobs {
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
  return {
    clients: pick([2, 3, 4, 5, 7]),
    locks: pick([1, 2, 3]),
    unreliable: rng.chance(0.5),
    longReordering: rng.chance(0.2),
    holdMs: pick([0, 10, 50]),
    pauseMs: pick([0, 10, 100]),
    chaosMs: pick([1000, 2000, 5000, 10_000]),
    stepMs: pick([100, 250, 500]),
    cutRate: pick([0, 0.1, 0.3]),
    maxCutMs: pick([100, 1000, 3000]),
    crashRate: pick([0, 0.03, 0.1]),
  };
}

/** The schedule: per chaos step, maybe a cut of a clerk, maybe the crash of one still alive. */
export function drawLockFaults(rng: Rng, k: LockSwarmKnobs): LockSwarmFault[] {
  const faults: LockSwarmFault[] = [];
  const alive = Array.from({ length: k.clients }, (_, c) => c);
  for (let atMs = 0; atMs < k.chaosMs; atMs += k.stepMs) {
    if (rng.chance(k.cutRate))
      faults.push({ atMs, cut: rng.int(k.clients), forMs: 1 + rng.int(k.maxCutMs) });
    // One clerk always survives, so that the liveness phase has someone to ask.
    if (rng.chance(k.crashRate) && alive.length > 1) {
      const [crash] = alive.splice(rng.int(alive.length), 1);
      const during = CRASH_MOMENTS[rng.int(CRASH_MOMENTS.length)];
      faults.push({ atMs, crash, during, afterMs: rng.int(MAX_CRASH_DELAY_MS) });
    }
  }
  return faults;
}

/** The seed's plan (the family has one level, 2LOCK). */
export function drawLockPlan(seed: number): LockSwarmPlan {
  const knobs = drawLockKnobs(new Rng(seed, 'lock-swarm/knobs'));
  return { knobs, faults: drawLockFaults(new Rng(seed, 'lock-swarm/faults'), knobs) };
}

export function describeLockKnobs(k: LockSwarmKnobs): string {
  const network = [
    k.unreliable ? 'unreliable' : 'reliable',
    ...(k.longReordering ? ['long reordering'] : []),
  ];
  return (
    `${network.join(', ')}; ${k.clients} clerks on ${k.locks} lock${k.locks === 1 ? '' : 's'}, holding up to ${k.holdMs} ms, pausing up to ${k.pauseMs} ms; ` +
    `cuts ${k.cutRate}/step up to ${k.maxCutMs} ms, crashes ${k.crashRate}/step; chaos ${k.chaosMs / 1000} s in ${k.stepMs} ms steps`
  );
}

export function describeLockFault(f: LockSwarmFault): string {
  const at = `${(f.atMs / 1000).toFixed(2)}s`;
  if ('cut' in f) return `${at} cut clerk ${f.cut} off the server for ${f.forMs} ms`;
  if (f.during === 'now') return `${at} crash clerk ${f.crash} now`;
  return `${at} crash clerk ${f.crash} ${f.afterMs} ms into its next ${f.during}`;
}

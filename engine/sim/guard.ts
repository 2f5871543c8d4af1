// Run-time guard for the determinism contract. While a simulation runs, the real clock, real
// timers and unseeded randomness are replaced by traps that fail the run with a message saying
// what to use instead. The simulator keeps private references to the real functions it needs.

export const real = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  setImmediate: globalThis.setImmediate,
  clearImmediate: globalThis.clearImmediate,
  Date: globalThis.Date,
  dateNow: Date.now,
  performanceNow: performance.now.bind(performance),
  mathRandom: Math.random,
  hrtime: process.hrtime,
  hrtimeBigint: process.hrtime.bigint,
};

/** Real wall-clock milliseconds, for the harness's own measurements (never for code under test). */
export function realNow(): number {
  return real.performanceNow();
}

export class DeterminismViolation extends Error {
  override name = 'DeterminismViolation';
}

type Report = (error: DeterminismViolation) => void;

const advice: Record<string, string> = {
  setTimeout: 'use runtime.sleep(ms) or runtime.setTimer(ms, fn)',
  setInterval: 'use a loop around runtime.sleep(ms), or re-arm runtime.setTimer',
  setImmediate: 'use runtime.sleep(0) or await a resolved promise',
  'Date.now': 'use runtime.now() (virtual milliseconds)',
  'new Date()': 'use runtime.now() (virtual milliseconds)',
  'performance.now': 'use runtime.now() (virtual milliseconds)',
  'Math.random': "use runtime.random() (the node's seeded stream)",
  'process.hrtime': 'use runtime.now() (virtual milliseconds)',
};

/**
 * The key, on the trap that replaces setTimeout, of whoever installed the traps. Whether a guard
 * is installed, and whose it is, is read from the globals it replaced: the process has one set of
 * globals, so it can have one guard, and no flag beside them can disagree with them.
 */
const OWNER = Symbol('the determinism guard of');

/** The owner given to the guard installed now (the simulator whose run it guards), if any. */
export function guardOwner(): unknown {
  return (globalThis.setTimeout as unknown as Record<symbol, unknown>)[OWNER];
}

/**
 * Installs the traps on behalf of `owner`; returns the function that removes them. `where` names
 * where a violation happened (the node whose event was running).
 */
export function installGuard(owner: object, report: Report, where: () => string): () => void {
  if (guardOwner() !== undefined)
    throw new Error('a simulation is already running in this process: runs must not overlap');
  const trap = (what: string) => () => {
    const error = new DeterminismViolation(
      `${what} was called ${where()}: code under simulation must not use real time or unseeded randomness; ${advice[what]}`,
    );
    report(error);
    throw error;
  };
  const g = globalThis as any;
  g.setTimeout = Object.assign(trap('setTimeout'), { [OWNER]: owner });
  g.setInterval = trap('setInterval');
  g.setImmediate = trap('setImmediate');
  const dateTrap = trap('new Date()');
  const RealDate = real.Date;
  const GuardedDate = function (this: unknown, ...args: unknown[]) {
    if (!new.target) return dateTrap();
    if (args.length === 0) return dateTrap();
    return new (RealDate as any)(...args);
  } as unknown as DateConstructor;
  Object.setPrototypeOf(GuardedDate, RealDate);
  (GuardedDate as any).prototype = RealDate.prototype;
  (GuardedDate as any).now = trap('Date.now');
  g.Date = GuardedDate;
  performance.now = trap('performance.now');
  Math.random = trap('Math.random');
  const hr = trap('process.hrtime') as any;
  hr.bigint = trap('process.hrtime');
  process.hrtime = hr;
  return () => {
    g.setTimeout = real.setTimeout;
    g.setInterval = real.setInterval;
    g.setImmediate = real.setImmediate;
    g.Date = real.Date;
    performance.now = real.performanceNow;
    Math.random = real.mathRandom;
    process.hrtime = real.hrtime;
  };
}

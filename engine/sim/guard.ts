// Run-time guard for the determinism contract. While a simulation runs, the real clock, real
// timers and unseeded randomness are replaced by traps that fail the run with a message saying
// what to use instead. The simulator keeps private references to the real functions it needs.
// So are the ways out of the simulation: the real network (which Node's permission model does not
// cover, grader/sandbox.ts), other processes and threads, and code run in a context of its own
// (which would see none of these traps).
import * as dgram from 'node:dgram';
import Module from 'node:module';
import * as net from 'node:net';

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

const NETWORK =
  'talk to other nodes through the ClientEnds the harness gives you (end.call(...)): the simulated network is the only one a run has';
const NO_PROCESS = 'a node is the objects your make...() function returns, in this thread';
/** Modules code under simulation may not load, and what to do instead. */
const REFUSED_MODULES: Record<string, string> = {
  net: NETWORK,
  dgram: NETWORK,
  http: NETWORK,
  https: NETWORK,
  http2: NETWORK,
  tls: NETWORK,
  dns: NETWORK,
  'dns/promises': NETWORK,
  child_process: NO_PROCESS,
  cluster: NO_PROCESS,
  worker_threads: NO_PROCESS,
  inspector: NO_PROCESS,
  'inspector/promises': NO_PROCESS,
  vm: "run your code directly: code in a context of its own escapes the run's checks",
};

/** The socket operations behind every network module, trapped too (an import() does not pass require). */
const SOCKET_METHODS: [object, string, string][] = [
  [net.Socket.prototype, 'connect', 'net.Socket.connect'],
  [net.Server.prototype, 'listen', 'net.Server.listen'],
  [dgram.Socket.prototype, 'bind', 'dgram.Socket.bind'],
  [dgram.Socket.prototype, 'send', 'dgram.Socket.send'],
];

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
  const restoreEscapes = trapEscapes((what, instead) => {
    const error = new DeterminismViolation(
      `${what} was called ${where()}: code under simulation must not leave the simulation; ${instead}`,
    );
    report(error);
    throw error;
  });
  return () => {
    restoreEscapes();
    g.setTimeout = real.setTimeout;
    g.setInterval = real.setInterval;
    g.setImmediate = real.setImmediate;
    g.Date = real.Date;
    performance.now = real.performanceNow;
    Math.random = real.mathRandom;
    process.hrtime = real.hrtime;
  };
}

/**
 * Refuses the modules in REFUSED_MODULES (through require, createRequire, node: names and
 * process.getBuiltinModule), the socket operations and process.kill; returns what undoes it.
 */
function trapEscapes(refuse: (what: string, instead: string) => never): () => void {
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const realLoad = loader._load;
  loader._load = function (this: unknown, request: string, ...rest: unknown[]) {
    const name = typeof request === 'string' ? request.replace(/^node:/, '') : '';
    const instead = REFUSED_MODULES[name];
    if (instead !== undefined) refuse(`require('${request}')`, instead);
    return realLoad.call(this, request, ...rest);
  };
  const p = process as any;
  const realGetBuiltin = p.getBuiltinModule;
  if (typeof realGetBuiltin === 'function')
    p.getBuiltinModule = (id: string) => {
      const instead = REFUSED_MODULES[String(id).replace(/^node:/, '')];
      if (instead !== undefined) refuse(`process.getBuiltinModule('${id}')`, instead);
      return realGetBuiltin.call(process, id);
    };
  const realKill = process.kill;
  process.kill = () => refuse('process.kill', NO_PROCESS);
  const saved = SOCKET_METHODS.map(([proto, key, what]) => {
    const original = (proto as Record<string, unknown>)[key];
    (proto as Record<string, unknown>)[key] = () => refuse(what, NETWORK);
    return () => {
      (proto as Record<string, unknown>)[key] = original;
    };
  });
  return () => {
    loader._load = realLoad;
    if (typeof realGetBuiltin === 'function') p.getBuiltinModule = realGetBuiltin;
    process.kill = realKill;
    for (const restore of saved) restore();
  };
}

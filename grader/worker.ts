// A grader worker: a long-lived child process that runs one test run at a time, each in a fresh
// simulation, with the implementation's modules loaded afresh (so a run in a worker is exactly a run
// in a new process, and `grade replay` reproduces it) unless the parent proved them free of
// module-level state (job.warm): then they stay loaded and JIT-warm from run to run. What a run adds
// to globalThis is removed after it. While it works it sends a heartbeat with the virtual time
// reached, so the parent can tell a busy loop from a slow run and say where it hung.
import './source-maps';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker as Thread } from 'node:worker_threads';
import { Simulator } from '../engine/sim/simulator';
import { formatRecord, type TraceRecord } from '../engine/sim/trace';
import { rpcText } from '../engine/rpc/abbrev';
import { real, realNow } from '../engine/sim/guard';
import { executeRun } from '../labs/run';
import { registry } from './select';
import { forgetModules } from './module-state';
import { PROBE_HOOK, type ProbeState } from './hang-probe';
import { writeRunViewer } from '../viewer';
import { inSandbox } from './sandbox';
import {
  capError,
  HEARTBEAT_MS,
  type FromWorker,
  type ToWorker,
  type WorkerJob,
  type WorkerResult,
} from './protocol';

function send(message: FromWorker): void {
  if (process.connected) process.send!(message);
}

let currentId: number | undefined;
/** The implementation whose modules are loaded, kept from the last run (a warm job may reuse them). */
let loadedDir: string | undefined;
/** Set when a warm run left globals behind: this worker loads modules afresh from then on. */
let noWarm = false;
let lastVirtualMs = 0;
/** The run's last trace record: what a probe of a stuck run reports as its last event. */
let lastRecord: TraceRecord | undefined;
/** The virtual time at which a beat from inside the run is next considered. */
let nextBeatAt = 0;
/** The virtual time and real time of the last beat sent from inside the run. */
let beatVirtualMs = 0;
let beatRealMs = 0;

/** Virtual milliseconds between two looks at the real clock for a beat from inside a run. */
const BEAT_EVERY_VIRTUAL_MS = 100;
/**
 * Real milliseconds between two beats from inside a run. Each beat is a write to the parent's pipe
 * (~50 us); one per 100 virtual ms took 2.5-5% of a fast key/value run. A run that runs into a
 * synchronous loop was reported this recently, and besides at least at half its virtual time (a
 * beat whenever the virtual time doubles), so a loop early in a fast run is not reported near 0.
 */
const BEAT_EVERY_REAL_MS = 20;
/**
 * Real milliseconds between two blocked lists in those heartbeats. Listing costs a walk and a sort
 * of every wait; at every 100 virtual ms it took 9% of a fast key/value run. A list at most this
 * old is what the parent shows for a run stopped by a synchronous loop.
 */
const BLOCKED_EVERY_REAL_MS = 25;
let blockedAt = -Infinity;

/** What the running simulation's nodes wait for, if the last list is older than `minAgeMs`. */
function blockedList(minAgeMs: number): string[] | undefined {
  const sim = Simulator.active;
  const now = realNow();
  if (!sim || now - blockedAt < minAgeMs) return undefined;
  blockedAt = now;
  return sim.blocked();
}

/** Runs one job; with job.tracePath, streams every trace record to that file as it happens. */
async function runJob(job: WorkerJob): Promise<WorkerResult> {
  if (!job.warm || noWarm || loadedDir !== job.implDir) {
    forgetModules(job.implDir);
  }
  loadedDir = job.implDir;
  const globalsBefore = new Set(Reflect.ownKeys(globalThis));
  const writer = job.tracePath
    ? new TraceWriter(`${job.tracePath}.partial`, job.traceHeader ?? [])
    : undefined;
  // The viewer draws the whole run: its records are kept (a trace job re-runs one failing run).
  const kept: TraceRecord[] | undefined = writer && job.viewer ? [] : undefined;
  lastVirtualMs = 0;
  lastRecord = undefined;
  nextBeatAt = BEAT_EVERY_VIRTUAL_MS;
  beatVirtualMs = 0;
  beatRealMs = realNow();
  blockedAt = -Infinity;
  const spec = {
    test: job.test,
    seed: job.seed,
    implDir: job.implDir,
    ...(job.params ? { params: job.params } : {}),
    ...(job.realTimeLimitMs !== undefined ? { realTimeLimitMs: job.realTimeLimitMs } : {}),
  };
  const result = await executeRun(spec, {
    // A trace job repeats a run already reported: its artefacts would be duplicates.
    outDir: writer ? undefined : job.outDir,
    // A saved trace is read by a person: name the node of each console line exactly.
    exactConsoleNodes: writer !== undefined,
    keepRpcData: writer !== undefined,
    ...(kept
      ? {
          onLog: (line: string) =>
            kept.push({ time: lastVirtualMs, kind: 'test', node: 'test', detail: line }),
        }
      : {}),
    onTrace: (record) => {
      lastVirtualMs = record.time;
      lastRecord = record;
      // Also beat as the run goes: it may reach a busy loop before the next timed beat, and the
      // parent should still know how far it got.
      if (record.time >= nextBeatAt) {
        nextBeatAt = record.time + BEAT_EVERY_VIRTUAL_MS;
        const now = realNow();
        if (now - beatRealMs >= BEAT_EVERY_REAL_MS || record.time >= 2 * beatVirtualMs) {
          beatRealMs = now;
          beatVirtualMs = record.time;
          const blocked = blockedList(BLOCKED_EVERY_REAL_MS);
          send({
            type: 'beat',
            id: job.id,
            virtualMs: record.time,
            ...(blocked ? { blocked } : {}),
          });
        }
      }
      writer?.add(record);
      kept?.push(record);
    },
  });
  const leakedGlobals = removeNewGlobals(globalsBefore);
  if (leakedGlobals.length > 0 && job.warm) noWarm = true;
  if (writer) for (const a of result.artefacts) fs.rmSync(a, { force: true });
  const artefacts = writer
    ? []
    : job.outDir
      ? result.artefacts.map((a) => collect(a, job.outDir!, job.test, job.seed))
      : result.artefacts;
  let trace: string | undefined;
  if (writer && job.tracePath) {
    writer.finish([
      `# end of run at ${(result.virtualMs / 1000).toFixed(3)}s virtual: ${result.passed ? 'passed' : `FAILED [${result.check}]`}; fingerprint ${result.fingerprint}`,
      ...(result.error ? result.error.split('\n').map((l) => `# ${l}`) : []),
    ]);
    fs.renameSync(`${job.tracePath}.partial`, job.tracePath);
    trace = job.tracePath;
  }
  const viewer =
    kept && job.viewer && !result.passed
      ? writeRunViewer({ ...result, trace: kept }, job.viewer.path, { impl: job.viewer.impl })
      : undefined;
  return {
    test: result.test,
    part: result.part,
    seed: result.seed,
    passed: result.passed,
    outcome: result.outcome,
    ...(result.check !== undefined ? { check: result.check } : {}),
    ...(result.error !== undefined ? { error: capError(result.error) } : {}),
    ...(result.blocked ? { blocked: result.blocked } : {}),
    ...(result.stats ? { stats: result.stats } : {}),
    virtualMs: result.virtualMs,
    realMs: result.realMs,
    events: result.events,
    fingerprint: result.fingerprint,
    artefacts,
    ...(trace ? { trace } : {}),
    ...(viewer ? { viewer } : {}),
    ...(leakedGlobals.length > 0 ? { leakedGlobals } : {}),
  };
}

/**
 * Deletes the properties globalThis gained since `before` and returns their names: a global the
 * implementation set from inside a function would otherwise outlive the run, with fresh modules or
 * not. (A global it changed rather than added is not seen.)
 */
function removeNewGlobals(before: Set<string | symbol>): string[] {
  const added = Reflect.ownKeys(globalThis).filter((k) => !before.has(k));
  for (const k of added) Reflect.deleteProperty(globalThis, k);
  return added.map(String);
}

/** Copies an artefact into the output directory (if it is not there already) under a name with the seed. */
function collect(file: string, outDir: string, test: string, seed: number): string {
  const abs = path.resolve(file);
  if (path.dirname(abs) === path.resolve(outDir) || !fs.existsSync(abs)) return abs;
  fs.mkdirSync(outDir, { recursive: true });
  const base = path.basename(abs);
  const dest = path.join(
    path.resolve(outDir),
    base.includes(String(seed)) ? base : `${test}-seed${seed}-${base}`,
  );
  fs.copyFileSync(abs, `${dest}.partial`);
  fs.renameSync(`${dest}.partial`, dest);
  return dest;
}

/**
 * Synchronous writes, one per record: a trace job re-runs a failing run, which may end in a busy
 * loop or an out-of-memory kill, and the trace up to that point is what explains it.
 */
class TraceWriter {
  private readonly fd: number;

  constructor(file: string, header: string[]) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'w');
    this.write(header.map((l) => `# ${l}\n`).join(''));
  }

  add(record: TraceRecord): void {
    const rpc = rpcText(record.data);
    this.write(`${formatRecord(record)}${rpc ? ` ${rpc}` : ''}\n`);
  }

  finish(footer: string[]): void {
    this.write(footer.map((l) => `${l}\n`).join(''));
    fs.closeSync(this.fd);
  }

  private write(text: string): void {
    fs.writeSync(this.fd, text);
  }
}

/**
 * What a probe of a stuck run reads while the main thread is paused (hang-probe.ts): the run's last
 * event and what its nodes wait for, now rather than at the last heartbeat.
 */
function probeState(): string | undefined {
  if (currentId === undefined) return undefined;
  const state: ProbeState = {};
  if (lastRecord) {
    state.virtualMs = lastRecord.time;
    state.lastEvent = formatRecord(lastRecord).trim().replace(/\s+/g, ' ');
  }
  try {
    const blocked = Simulator.active?.blocked();
    if (blocked) state.blocked = blocked;
  } catch {
    // paused in the middle of an event: the list may not be readable
  }
  return JSON.stringify(state);
}

/**
 * The probe thread, when the pool gave this worker a channel for it (--probe-fd=N): when the pool
 * finds this worker silent, it asks there where the main thread is stuck before it kills it.
 */
function startProbeThread(): void {
  const arg = process.argv.find((a) => a.startsWith('--probe-fd='));
  if (!arg) return;
  (process as unknown as Record<symbol, unknown>)[PROBE_HOOK] = probeState;
  const thread = new Thread(path.join(__dirname, 'probe-thread.js'), {
    workerData: { fd: Number(arg.slice('--probe-fd='.length)) },
  });
  thread.on('error', () => {});
  thread.unref();
}

function main(): void {
  // Stack traces in failures and traces name the implementation's TypeScript lines.
  process.setSourceMapsEnabled(true);
  // Ctrl-C reaches the whole process group; the parent decides what happens to its workers. A
  // sandboxed worker has a group of its own, and SIGINT is how the pool asks where it hung: a
  // listener would turn off Node's --trace-sigint.
  if (!inSandbox()) process.on('SIGINT', () => {});
  process.on('disconnect', () => process.exit(0));
  // A promise of a finished run that rejects later must not take the worker down (during a run the
  // simulator has its own handler, which fails the run).
  process.on('unhandledRejection', () => {});
  // Load the registry now: a module that cannot be loaded fails the first job with its message.
  registry();
  startProbeThread();
  // The real timer, kept by the guard: a run's traps on setInterval do not apply to it.
  real.setInterval(() => {
    const blocked = currentId === undefined ? undefined : blockedList(0);
    send({
      type: 'beat',
      id: currentId,
      virtualMs: lastVirtualMs,
      ...(blocked ? { blocked } : {}),
    });
  }, HEARTBEAT_MS);
  process.on('message', (message: ToWorker) => {
    if (message.type !== 'run') return;
    const job = message.job;
    currentId = job.id;
    runJob(job).then(
      (result) => {
        currentId = undefined;
        send({ type: 'result', id: job.id, result });
      },
      (error: unknown) => {
        currentId = undefined;
        send({
          type: 'error',
          id: job.id,
          message: error instanceof Error ? error.message : String(error),
        });
      },
    );
  });
  send({ type: 'ready', pid: process.pid });
}

main();

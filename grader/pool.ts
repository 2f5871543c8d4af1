// A pool of long-lived worker processes with a real-time watchdog. At most `size` jobs run at once
// (p-limit), each on an idle worker. A worker that dies during a job is reported as `crashed`, one
// that overruns the time limit or stops sending heartbeats (a synchronous loop blocks its event
// loop) is killed and reported as `hung`; either way it is replaced lazily and the pool goes on.
// Before it kills a worker, the watchdog asks the worker's probe thread where its main thread is
// stuck (hang-probe.ts), over a channel of its own (the IPC channel is read by the stuck thread),
// and waits for the answer at most PROBE_WAIT_MS.
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { Socket } from 'node:net';
import pLimit from 'p-limit';
import type { FromWorker, ToWorker, WorkerJob, WorkerResult } from './protocol';
import { hangPlace, type ProbeReport } from './hang-probe';
import { makeScratchDir, removeScratchDir, sandboxEnv, sandboxExecArgv } from './sandbox';
import { stackProbeReport } from './sigint-stack';

/** The child's file descriptor of the probe channel. */
const PROBE_FD = 4;
/** Real milliseconds the watchdog waits for a probe's answer before it kills the worker anyway. */
const PROBE_WAIT_MS = 2500;

export interface PoolOptions {
  size: number;
  /** Real-time limit of one job. */
  timeoutMs: number;
  /** A busy worker silent for this long is hung (its event loop is blocked). */
  silenceMs: number;
  /** Heap limit of each worker (--max-old-space-size), so a runaway run kills only its worker. */
  memoryMb: number;
  workerScript?: string;
  /**
   * Run each worker in the box of Node's permission model (sandbox.ts), bound to the one
   * implementation its first job names: it reads that implementation and writes only these folders.
   */
  sandbox?: { writeDirs: readonly string[] };
}

export type Outcome =
  | { kind: 'result'; result: WorkerResult }
  | { kind: 'error'; message: string }
  | {
      kind: 'hung' | 'crashed';
      virtualMs: number;
      realMs: number;
      reason: string;
      blocked?: string[];
      /** For a hung run: the run's last event, from the probe. */
      lastEvent?: string;
      /** For a hung run: `file.ts:LINE (function)`, where the probe found the worker stuck. */
      hungIn?: string;
    }
  | { kind: 'aborted' }
  /** Not run: its `skip` said so when its turn came. */
  | { kind: 'skipped' };

interface Busy {
  job: WorkerJob;
  started: number;
  lastBeat: number;
  virtualMs: number;
  /** What the run's nodes waited for at the last timed heartbeat. */
  blocked?: string[];
  /** The watchdog found the run hung and asked where: it kills the worker at the answer or at `until`. */
  probing?: { until: number; elapsed: number; silent: number; overdue: boolean };
  resolve(outcome: Outcome): void;
}

class Worker {
  ready = false;
  busy: Busy | undefined;
  killed = false;
  output = '';
  private probeText = '';

  constructor(
    readonly child: ChildProcess,
    /** A sandboxed worker's implementation: it may read no other. */
    readonly implDir: string | undefined,
  ) {}

  get probeChannel(): Socket | undefined {
    return (this.child.stdio[PROBE_FD] as Socket | null | undefined) ?? undefined;
  }

  /** Lines from the probe thread; each is a ProbeReport. */
  probeLines(chunk: Buffer): string[] {
    this.probeText += chunk.toString('utf8');
    const lines = this.probeText.split('\n');
    this.probeText = lines.pop() ?? '';
    return lines.filter((l) => l.trim() !== '');
  }

  /** Keeps the end of the worker's stdout and stderr, for crash reports. */
  keep(chunk: Buffer): void {
    this.output = (this.output + chunk.toString('utf8')).slice(-4000);
  }
}

export class Pool {
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly idle: Worker[] = [];
  private readonly workers = new Set<Worker>();
  private readonly watchdog: NodeJS.Timeout;
  private aborted = false;
  /** Set when a worker cannot even start: the grader itself is broken, not the implementation. */
  fatal: string | undefined;
  spawned = 0;
  /** The sandboxed workers' TMPDIR. */
  private scratchDir: string | undefined;

  constructor(private readonly options: PoolOptions) {
    if (!(options.size >= 1)) throw new Error(`Pool: size must be at least 1, got ${options.size}`);
    if (options.sandbox) this.scratchDir = makeScratchDir();
    this.limit = pLimit(options.size);
    this.watchdog = setInterval(() => this.check(), 100);
    this.watchdog.unref();
  }

  /**
   * Runs a job on some worker; never rejects. `skip`, asked when the job's turn comes, can decline
   * it; `done` sees the outcome before the job's slot goes to the next one (so that what it learns
   * is known to that one's `skip`).
   */
  exec(
    job: WorkerJob,
    hooks: { skip?: () => boolean; done?: (outcome: Outcome) => void } = {},
  ): Promise<Outcome> {
    return this.limit(async () => {
      const outcome: Outcome = this.aborted
        ? { kind: 'aborted' }
        : hooks.skip?.()
          ? { kind: 'skipped' }
          : await this.dispatch(job);
      hooks.done?.(outcome);
      return outcome;
    });
  }

  /** Stops everything now: running jobs resolve as aborted, queued ones never start. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    for (const w of [...this.workers]) {
      const busy = w.busy;
      this.kill(w);
      busy?.resolve({ kind: 'aborted' });
    }
    this.close();
  }

  /** Lets idle workers exit (they exit when their IPC channel closes). */
  close(): void {
    clearInterval(this.watchdog);
    for (const w of [...this.workers]) {
      if (w.busy) continue;
      this.workers.delete(w);
      if (w.child.connected) w.child.disconnect();
    }
    this.idle.length = 0;
    if (this.scratchDir) removeScratchDir(this.scratchDir);
  }

  get size(): number {
    return this.workers.size;
  }

  private dispatch(job: WorkerJob): Promise<Outcome> {
    const worker = this.idleWorkerFor(job.implDir) ?? this.spawn(job.implDir);
    return new Promise<Outcome>((resolve) => {
      const now = performance.now();
      worker.busy = {
        job,
        started: now,
        lastBeat: now,
        virtualMs: 0,
        resolve: (outcome) => {
          if (worker.busy?.job !== job) return;
          worker.busy = undefined;
          if (!worker.killed && !this.aborted) this.idle.push(worker);
          resolve(outcome);
        },
      };
      const message: ToWorker = { type: 'run', job };
      worker.child.send(message);
    });
  }

  /**
   * An idle worker that may run a job of implDir. A sandboxed worker serves only its own
   * implementation; an idle one of another implementation is let go, so that the pool stays at
   * `size` processes.
   */
  private idleWorkerFor(implDir: string): Worker | undefined {
    if (!this.options.sandbox) return this.idle.pop();
    const i = this.idle.findIndex((w) => w.implDir === implDir);
    if (i >= 0) return this.idle.splice(i, 1)[0];
    const other = this.idle.shift();
    if (other) {
      this.workers.delete(other);
      if (other.child.connected) other.child.disconnect();
    }
    return undefined;
  }

  private spawn(implDir: string): Worker {
    const script = this.options.workerScript ?? path.join(__dirname, 'worker.js');
    const memory = [
      `--max-old-space-size=${this.options.memoryMb}`,
      ...gcArgs(this.options.memoryMb),
    ];
    const sandbox = this.options.sandbox;
    const scope = sandbox
      ? { implDir, writeDirs: sandbox.writeDirs, scratchDir: this.scratchDir! }
      : undefined;
    // A sandboxed worker has no probe thread (the box denies it the inspector); it is asked where
    // it hung with SIGINT (--trace-sigint), so it runs in a process group of its own, where a
    // Ctrl-C at the terminal does not reach it.
    const child = scope
      ? fork(script, [], {
          execArgv: [...memory, ...sandboxExecArgv(scope)],
          env: sandboxEnv(scope),
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
          serialization: 'json',
          detached: true,
        })
      : fork(script, [`--probe-fd=${PROBE_FD}`], {
          execArgv: memory,
          stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'],
          serialization: 'json',
        });
    this.spawned++;
    const worker = new Worker(child, scope ? implDir : undefined);
    this.workers.add(worker);
    child.stdout?.on('data', (c: Buffer) => worker.keep(c));
    child.stderr?.on('data', (c: Buffer) => worker.keep(c));
    child.on('message', (m: FromWorker) => this.onMessage(worker, m));
    const channel = worker.probeChannel;
    channel?.on('error', () => {});
    channel?.on('data', (chunk: Buffer) => {
      for (const line of worker.probeLines(chunk)) {
        let report: ProbeReport | undefined;
        try {
          report = JSON.parse(line) as ProbeReport;
        } catch {
          continue;
        }
        if (worker.busy?.probing) this.conclude(worker, report);
      }
    });
    child.on('error', () => {}); // reported through 'exit'
    // 'close' comes after the worker's output has been read: its last words say why it died.
    child.on('close', (code, signal) => this.onExit(worker, code, signal));
    return worker;
  }

  private onMessage(worker: Worker, m: FromWorker): void {
    const busy = worker.busy;
    if (m.type === 'ready') {
      worker.ready = true;
      // Silence is measured from here: a worker still starting up is slow, not stuck.
      if (busy) busy.lastBeat = performance.now();
      return;
    }
    // Found hung: the probe pauses its main thread, so even a late result cannot be trusted to
    // leave a usable worker.
    if (!busy || busy.probing) return;
    if (m.type === 'beat') {
      busy.lastBeat = performance.now();
      if (m.id === busy.job.id) {
        busy.virtualMs = m.virtualMs;
        if (m.blocked) busy.blocked = m.blocked;
      }
    } else if (m.id === busy.job.id) {
      busy.resolve(
        m.type === 'result'
          ? { kind: 'result', result: m.result }
          : { kind: 'error', message: m.message },
      );
    }
  }

  private onExit(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    this.workers.delete(worker);
    const i = this.idle.indexOf(worker);
    if (i >= 0) this.idle.splice(i, 1);
    if (worker.killed) return;
    const busy = worker.busy;
    // A sandboxed worker asked where it hung prints its stack and exits (--trace-sigint).
    if (busy?.probing) {
      this.conclude(worker, stackProbeReport(worker.output));
      return;
    }
    worker.killed = true;
    if (!worker.ready && !this.aborted) {
      this.fatal = `a grader worker failed to start (${describeExit(code, signal)})${lastLines(worker.output, 6)}`;
    }
    if (busy) {
      busy.resolve({
        kind: 'crashed',
        virtualMs: busy.virtualMs,
        realMs: performance.now() - busy.started,
        reason: crashReason(worker.output, code, signal, this.options.memoryMb, busy.job),
        ...(busy.blocked ? { blocked: busy.blocked } : {}),
      });
    }
  }

  /**
   * The watchdog: finds workers whose job overran the time limit or that stopped answering, asks
   * where they are stuck, and kills them at the answer (or when it does not come).
   */
  private check(): void {
    const now = performance.now();
    for (const w of this.workers) {
      const busy = w.busy;
      if (!busy || w.killed) continue;
      if (busy.probing) {
        if (now >= busy.probing.until) this.conclude(w, undefined);
        continue;
      }
      const elapsed = now - busy.started;
      const silent = now - busy.lastBeat;
      const overdue =
        !(w.ready && silent > this.options.silenceMs) && elapsed > this.options.timeoutMs;
      if (!(w.ready && silent > this.options.silenceMs) && !overdue) continue;
      busy.probing = { until: now + PROBE_WAIT_MS, elapsed, silent, overdue };
      const channel = w.probeChannel;
      if (w.implDir !== undefined) w.child.kill('SIGINT');
      else if (channel && !channel.destroyed) channel.write('probe\n');
      else this.conclude(w, undefined);
    }
  }

  /** Kills a worker found hung, and reports its run with what the probe found (if it answered). */
  private conclude(w: Worker, report: ProbeReport | undefined): void {
    const busy = w.busy;
    if (!busy?.probing || w.killed) return;
    const { elapsed, silent, overdue } = busy.probing;
    const state = report?.state;
    const virtualMs = state?.virtualMs ?? busy.virtualMs;
    const blocked = state?.blocked ?? busy.blocked;
    const place = hangPlace(report);
    const when =
      state?.virtualMs !== undefined
        ? `at virtual time ${seconds(virtualMs, 3)} (its last event)`
        : `after virtual time ${seconds(virtualMs, 3)} (its last report)`;
    let reason = overdue
      ? `was still running after ${seconds(elapsed)} of real time, past the --timeout; last ${state?.virtualMs !== undefined ? 'event' : 'reported virtual time'} at ${seconds(virtualMs, 3)}`
      : `the worker stopped responding for ${seconds(silent)} ${when}${place ? ', still running this code: a synchronous loop, or promise jobs that never yield' : ': a synchronous loop (or a promise loop that never yields) in the implementation?'}`;
    if (place) reason = `hung in ${place.place}: ${reason}\n${place.stack.join('\n')}`;
    else if (report?.error) reason += `\n(where it was stuck is not known: ${report.error})`;
    if (w.implDir !== undefined)
      reason += `\n(the run's last event is read by a probe that the sandbox denies: grade --no-sandbox shows it, for code you trust)`;
    this.kill(w);
    busy.resolve({
      kind: 'hung',
      virtualMs,
      realMs: elapsed,
      reason,
      ...(blocked ? { blocked } : {}),
      ...(state?.lastEvent ? { lastEvent: state.lastEvent } : {}),
      ...(place ? { hungIn: place.place } : {}),
    });
  }

  private kill(w: Worker): void {
    w.killed = true;
    this.workers.delete(w);
    const i = this.idle.indexOf(w);
    if (i >= 0) this.idle.splice(i, 1);
    w.child.kill('SIGKILL');
  }
}

/**
 * V8 lets the old generation grow by a factor that it scales down with the heap limit below 2 GB
 * (64-bit, no pointer compression): at a 1 GiB limit a worker ran three times as many full
 * collections on a key/value run's small heap as at 4 GiB, and a whole grade took half as much CPU
 * again. The factor of the larger limits keeps the cost; the limit still holds.
 */
function gcArgs(memoryMb: number): string[] {
  return memoryMb < 2048 ? ['--heap-growing-percent=300'] : [];
}

function seconds(ms: number, digits = 1): string {
  return `${(ms / 1000).toFixed(digits)}s`;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

function lastLines(text: string, n: number): string {
  const lines = text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0);
  return lines.length > 0 ? `\n${lines.slice(-n).join('\n')}` : '';
}

function crashReason(
  output: string,
  code: number | null,
  signal: NodeJS.Signals | null,
  memoryMb: number,
  job: WorkerJob,
): string {
  if (/heap out of memory|Reached heap limit|Allocation failed/.test(output)) {
    return `out of memory (limit ${memoryMb} MB per worker, --worker-memory): ${job.test} seed ${job.seed} used more heap than that${lastLines(output.split('<--- JS stacktrace')[0] ?? '', 4)}`;
  }
  return `the worker process died (${describeExit(code, signal)}) during the run${lastLines(output, 8)}`;
}

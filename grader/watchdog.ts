// The watchdog of an in-process run (`grade replay`): the same two limits as a grade worker's, so a
// replay ends with the verdict the grader recorded instead of hanging for good.
// - Real time: the simulator stops the run between events at --timeout (a `hung` outcome).
// - Silence: a synchronous loop (or a promise loop that never yields) blocks this thread's event
//   loop, so nothing here can notice it. A second thread can: it watches a heartbeat this thread
//   stores in shared memory, and when it stops for the silence limit it pauses this thread through
//   the inspector to say which line it is stuck on (hang-probe.ts), prints that and where the trace
//   stops (the last records, kept in a small shared ring) and kills the process, exit status 137.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { real } from '../engine/sim/guard';
import { inSandbox } from './sandbox';

const SLOTS = 8;
const SLOT_BYTES = 400;
/** Int32 words: [0] heartbeat (real ms, truncated), [1] records written, [2] virtual ms reached. */
const HEADER_WORDS = 4;

const THREAD = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { shared, silenceMs, hardMs, slots, slotBytes, headerWords, what, probeModule, boxed } = workerData;
const words = new Int32Array(shared, 0, headerWords);
const bytes = new Uint8Array(shared, headerWords * 4);
const started = Date.now();
const timer = setInterval(async () => {
  const now = Date.now();
  const silent = (now % 2 ** 31 - Atomics.load(words, 0) + 2 ** 31) % 2 ** 31;
  const overdue = now - started > hardMs;
  if (silent < silenceMs && !overdue) return;
  clearInterval(timer);
  // Where the main thread is stuck: paused through the inspector, its frames mapped to TypeScript.
  let place;
  try {
    const { probeMainThread, hangPlace } = require(probeModule);
    place = hangPlace(await probeMainThread(4000));
  } catch {}
  const count = Atomics.load(words, 1);
  const lines = [];
  for (let k = Math.max(0, count - slots); k < count; k++) {
    const slot = bytes.subarray((k % slots) * slotBytes, (k % slots + 1) * slotBytes);
    const end = slot.indexOf(0);
    lines.push(Buffer.from(slot.subarray(0, end < 0 ? slotBytes : end)).toString('utf8'));
  }
  const virtualS = (Atomics.load(words, 2) / 1000).toFixed(3);
  const why = overdue
    ? 'was still running after ' + (hardMs / 1000).toFixed(0) + ' s of real time, past the --timeout'
    : 'stopped responding for ' + (silent / 1000).toFixed(1) + ' s after virtual time ' + virtualS + 's: a synchronous loop (or a promise loop that never yields) in the implementation?';
  const text = [
    '',
    'HUNG: ' + what + ' ' + why,
    ...(place ? ['hung in ' + place.place + ' (where the watchdog paused it):', ...place.stack] : boxed ? ['(no line: the sandbox denies the inspector that finds it; grade names the line, and replay --no-sandbox does for code you trust)'] : []),
    lines.length > 0 ? 'the trace stops here (its last records; the last one is the event that never finished):' : 'the run had recorded nothing yet',
    ...lines.map((l) => '  ' + l),
    'exit status 137: the watchdog killed the process',
    '',
  ].join('\\n');
  try { fs.writeSync(2, text); } catch {}
  process.kill(process.pid, 'SIGKILL');
}, 100);
`;

export interface WatchdogOptions {
  /** A run silent this long (its event loop blocked) is hung. */
  silenceMs: number;
  /** Backstop: the process is killed after this much real time whatever happens. */
  hardMs: number;
  /** Names the run in the message, e.g. "TestBackup2B seed 17". */
  what: string;
}

export class Watchdog {
  private readonly shared = new SharedArrayBuffer(HEADER_WORDS * 4 + SLOTS * SLOT_BYTES);
  private readonly words = new Int32Array(this.shared, 0, HEADER_WORDS);
  private readonly ring = new Uint8Array(this.shared, HEADER_WORDS * 4);
  private readonly encoder = new TextEncoder();
  private readonly thread: Worker;
  private readonly beat: NodeJS.Timeout;
  private count = 0;

  constructor(options: WatchdogOptions) {
    this.heartbeat();
    this.thread = new Worker(THREAD, {
      eval: true,
      workerData: {
        shared: this.shared,
        slots: SLOTS,
        slotBytes: SLOT_BYTES,
        headerWords: HEADER_WORDS,
        probeModule: path.join(__dirname, 'hang-probe.js'),
        boxed: inSandbox(),
        ...options,
      },
    });
    this.thread.unref();
    // The real timer, kept by the guard: the run's traps on setInterval do not apply to it.
    this.beat = real.setInterval(() => this.heartbeat(), 100);
    this.beat.unref();
  }

  /** The last trace line before a hang is where the loop began: keep the latest few. */
  record(virtualMs: number, line: string): void {
    const slot = this.ring.subarray(
      (this.count % SLOTS) * SLOT_BYTES,
      ((this.count % SLOTS) + 1) * SLOT_BYTES,
    );
    const { written } = this.encoder.encodeInto(
      line.length >= SLOT_BYTES ? line.slice(0, SLOT_BYTES - 1) : line,
      slot,
    );
    if (written < SLOT_BYTES) slot[written] = 0;
    this.count++;
    Atomics.store(this.words, 1, this.count);
    Atomics.store(this.words, 2, Math.min(virtualMs, 2 ** 31 - 1));
  }

  /** The last few records (oldest first), as the watchdog thread would print them. */
  lastRecords(): string[] {
    const lines: string[] = [];
    for (let k = Math.max(0, this.count - SLOTS); k < this.count; k++) {
      const slot = this.ring.subarray((k % SLOTS) * SLOT_BYTES, ((k % SLOTS) + 1) * SLOT_BYTES);
      const end = slot.indexOf(0);
      lines.push(Buffer.from(slot.subarray(0, end < 0 ? SLOT_BYTES : end)).toString('utf8'));
    }
    return lines;
  }

  async stop(): Promise<void> {
    clearInterval(this.beat);
    await this.thread.terminate();
  }

  private heartbeat(): void {
    Atomics.store(this.words, 0, real.dateNow() % 2 ** 31);
  }
}
